/**
 * The thresholds that sort direct-to-MX senders into bot-like, mail-client, server and
 * low-evidence. The schema reads them from a YAML file (`porteiro flows report --thresholds FILE`)
 * and is shaped to become a `flows:` section of porteiro.yaml unchanged; every key defaults (see
 * the README for why).
 */
import { z } from "zod";
import { DiagnosticsError, parseYamlSource, zodDiagnostics } from "../../core/index.js";
import { readText } from "../../plan/index.js";

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);
const hourOfDay = z.number().int().min(0).max(24);

const timezone = z.string().refine(
  (name) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: name });
      return true;
    } catch {
      return false;
    }
  },
  { message: "not an IANA time zone (e.g. America/Sao_Paulo, UTC)" },
);

export const thresholdsSchema = z.strictObject({
  /** Where "office hours" and "around the clock" are reckoned. */
  timezone: timezone.default("UTC"),
  bot_like: z
    .strictObject({
      /** Fan-out over the window: distinct destinations other than the relays. */
      min_distinct_destinations: count.default(50),
      /** Fan-out within one hour. */
      min_destinations_in_one_hour: count.default(20),
      /** Share of port-25 flows that are short (≤ 3 packets) or SYN-only: refused or failed sessions. */
      min_short_flow_share: share.default(0.5),
      /** Distinct hours of the day (local) with direct flows: a bot sends whether anyone is at the PC or not. */
      min_hours_of_day: hourOfDay.default(16),
      /** How many of the four signals above make a sender bot-like whatever its fan-out. */
      min_signals: z.number().int().min(1).max(4).default(2),
    })
    .prefault({}),
  mail_client: z
    .strictObject({
      /** A mail program reaches its provider's or a webmail's host: more is beyond a mail program. */
      max_distinct_destinations: count.default(5),
      max_flows_per_active_day: count.default(30),
      office_hours_start: hourOfDay.default(8),
      office_hours_end: hourOfDay.default(19),
      min_office_hours_share: share.default(0.6),
    })
    .refine((hours) => hours.office_hours_start < hours.office_hours_end, {
      message: "office_hours_end must come after office_hours_start",
      path: ["office_hours_end"],
    })
    .prefault({}),
  server: z
    .strictObject({
      min_distinct_destinations: count.default(20),
      /** Days with direct flows, out of the days from first to last seen. */
      min_active_day_share: share.default(0.5),
      min_active_days: count.default(3),
      /** A server with a good name finishes its sessions: few short or failed flows. */
      max_short_flow_share: share.default(0.2),
    })
    .prefault({}),
  low_evidence: z
    .strictObject({
      /** With 5 flows or fewer even a bot sending each to a new MX reaches no more hosts than a mail program. */
      min_direct_flows: count.default(6),
      /** One hour says nothing of habits (hours of the day, days, steadiness). */
      min_hours_active: count.default(2),
    })
    .prefault({}),
});

export type Thresholds = z.output<typeof thresholdsSchema>;

export const DEFAULT_THRESHOLDS: Thresholds = thresholdsSchema.parse({});

/** Thresholds from a YAML file: the keys it sets over the defaults; errors as `file:line: message`. */
export function loadThresholds(file: string): Thresholds {
  const source = parseYamlSource(readText(file), file);
  const result = thresholdsSchema.safeParse(source.value);
  if (!result.success) throw new DiagnosticsError(zodDiagnostics(file, source, [], result.error));
  return result.data;
}
