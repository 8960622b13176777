import { z } from "zod";

/**
 * The plan file's shape. Values stay as text here; prefixes and dates are parsed afterwards
 * so that every message can point at the line that holds the value.
 */
/** A message for a wrong value, and "is required" when the key is missing. */
const expect = (message: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message),
});
const text = z.string(expect("must be text")).trim().min(1, "must not be empty");
const dateText = z.string(expect("must be a date written YYYY-MM-DD"));

export const regionSchema = z.strictObject({
  id: text.regex(/^[A-Za-z0-9_.-]+$/, "must be letters, digits, '-', '_' or '.'"),
  name: text.optional(),
  observe_from: dateText.optional(),
  enforce_from: dateText,
});

export const poolSchema = z.strictObject({
  prefix: z.string(expect("must be a prefix such as 203.0.113.0/24")),
  kind: z.string(expect("must be dynamic, static or infrastructure")),
  region: z.union([z.string(), z.number()]).transform(String).optional(),
  name: text.optional(),
});

export const exceptionSchema = z.strictObject({
  prefix: z.string(expect("must be a prefix such as 203.0.113.99/32")),
  reason: text,
  until: dateText.optional(),
});

/** A list; a key left empty (`exceptions:` with nothing under it) is an empty list. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item, expect("must be a list"))
    .nullish()
    .transform((v) => v ?? []);

const fileList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === "string" ? [v] : v));

export const planSchema = z.strictObject({
  isp: z.strictObject({
    name: text,
    asn: z.number().int().min(1).max(4294967295).optional(),
    /** ISO 3166 code of the country it serves: BR makes the help site Portuguese unless web.default_language says otherwise. */
    country: z
      .string(expect("must be a two-letter country code such as BR"))
      .regex(/^[A-Z]{2}$/, "must be a two-letter country code such as BR")
      .optional(),
  }),
  action: z.enum(["reject", "drop"], expect("must be reject or drop")).default("reject"),
  relays: list(z.string(expect("must be an address or prefix"))),
  allow_relays_on_25: z.boolean(expect("must be true or false")).default(true),
  regions: z.array(z.unknown(), expect("must be a list")).min(1, "needs at least one region"),
  pools: list(z.unknown()),
  pools_csv: fileList.optional(),
  exceptions: list(z.unknown()),
});

export type PlanDocument = z.infer<typeof planSchema>;
