/** What the API, the console forms and the CLI may send: parsed once, here, into typed values. */
import { z } from "zod";
import { type Day, tryParseDay } from "../core/index.js";
import { RolloutError } from "./errors.js";
import {
  COMMITMENT_KINDS,
  DOCUMENT_KINDS,
  NOISE_CATEGORIES,
  NOISE_RESOLUTIONS,
  ORG_TYPES,
  PHASES,
  PROGRAMME_ROLES,
} from "./model.js";

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: "expected lower-case letters, digits and -, at most 64" });
export const daySchema = z
  .string()
  .refine((text) => tryParseDay(text) !== undefined, { message: "expected a date YYYY-MM-DD" })
  .transform((text) => text as Day);
const text = (max: number) => z.string().trim().min(1).max(max);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const percent = z.number().min(0).max(100);
const link = z
  .string()
  .max(2000)
  .url()
  .refine((url) => /^https?:\/\//i.test(url), { message: "expected an http or https link" });

export const orgInput = z.strictObject({
  id: idSchema,
  name: text(200),
  type: z.enum(ORG_TYPES),
  subscribers: count.nullable().optional(),
  public_key: z.string().max(2000).nullable().optional(),
  public: z.boolean().optional(),
});
export const orgChange = orgInput.omit({ id: true }).partial();

export const personInput = z.strictObject({
  org_id: idSchema.nullable().optional(),
  role: z.enum(PROGRAMME_ROLES),
  name: text(200),
  email: z.string().trim().email().max(254).nullable().optional(),
  username: z.string().trim().toLowerCase().max(64).nullable().optional(),
});
export const personChange = personInput.partial();

/** A stored file comes base64-encoded in JSON; 5 MB is more than a resolution's PDF needs. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const documentInput = z.strictObject({
  org_id: idSchema.nullable().optional(),
  kind: z.enum(DOCUMENT_KINDS),
  title: text(300),
  date: daySchema,
  link: link.nullable().optional(),
  file: z
    .strictObject({
      name: z.string().regex(/^[\w .()-]{1,120}$/, { message: "expected a plain file name" }),
      type: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, { message: "expected a media type" }),
      content_base64: z.string().max(Math.ceil((MAX_DOCUMENT_BYTES * 4) / 3) + 4),
    })
    .optional(),
  public: z.boolean().optional(),
});
export const documentChange = documentInput.omit({ file: true }).partial();

export const regionInput = z.strictObject({ id: idSchema, name: text(200) });

export const calendarInput = z
  .strictObject({
    org_id: idSchema,
    region_id: idSchema,
    notify_from: daySchema.nullable().optional(),
    observe_from: daySchema.nullable().optional(),
    enforce_from: daySchema,
  })
  .refine(
    (e) =>
      (!e.notify_from || !e.observe_from || e.notify_from <= e.observe_from) &&
      (!e.observe_from || e.observe_from <= e.enforce_from) &&
      (!e.notify_from || e.notify_from <= e.enforce_from),
    { message: "the dates must come in the order notify ≤ observe ≤ enforce" },
  );

export const commitmentInput = z
  .strictObject({
    org_id: idSchema,
    kind: z.enum(COMMITMENT_KINDS),
    region_id: idSchema.nullable().optional(),
    target: percent.nullable().optional(),
    due: daySchema,
    document_id: z.number().int().positive().nullable().optional(),
    public: z.boolean().optional(),
  })
  .refine((c) => c.kind !== "adoption_pct" || typeof c.target === "number", {
    message: "an adoption_pct commitment needs a target (percent)",
  })
  .refine((c) => c.kind !== "port25_blocked_region" || !!c.region_id, {
    message: "a port25_blocked_region commitment needs a region_id",
  });
export const commitmentChange = z.strictObject({
  target: percent.nullable().optional(),
  due: daySchema.optional(),
  document_id: z.number().int().positive().nullable().optional(),
  public: z.boolean().optional(),
});

/** The measures of one region, as entered in the console or pushed. */
export const measuresInput = z.strictObject({
  region: idSchema,
  as_of: daySchema,
  phase: z.enum(PHASES),
  subscribers_notified: count.nullable().optional(),
  adoption_pct: percent.nullable().optional(),
  blocked_ipv4: count.nullable().optional(),
  blocked_ipv6_prefixes: count.nullable().optional(),
  listed_ips: count.nullable().optional(),
  complaints: count.nullable().optional(),
  submission_offered: z.boolean().nullable().optional(),
});
export type MeasuresInput = z.infer<typeof measuresInput>;
export const reportInput = measuresInput.extend({ org_id: idSchema, public: z.boolean().optional() });
export const reportChange = z.strictObject({ public: z.boolean() });

export const noiseInput = z.strictObject({
  org_id: idSchema,
  region_id: idSchema.nullable().optional(),
  day: daySchema,
  category: z.enum(NOISE_CATEGORIES),
  resolution: z.enum(NOISE_RESOLUTIONS).optional(),
  note: z.string().trim().max(1000).nullable().optional(),
});
export const noiseChange = z.strictObject({
  resolution: z.enum(NOISE_RESOLUTIONS).optional(),
  region_id: idSchema.nullable().optional(),
  note: z.string().trim().max(1000).nullable().optional(),
});

export const settingsInput = z.strictObject({
  noise_alert_per_day: z.number().int().min(1).max(1_000_000).optional(),
  report_every_days: z.number().int().min(1).max(366).optional(),
  plan_org: idSchema.nullable().optional(),
  default_org: idSchema.nullable().optional(),
});

/** The value, or a 400 naming the first field that is wrong. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new RolloutError(400, `${where}${issue?.message ?? "invalid input"}`);
}
