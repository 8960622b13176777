import { UserError } from "../core/index.js";
import { DHCPD_SUBSCRIBER_FIELDS, type DhcpdSubscriberField, parseDhcpdLeases } from "./dhcpd-leases.js";
import { KEA_SUBSCRIBER_FIELDS, type KeaSubscriberField, parseKeaCsv } from "./kea-csv.js";
import type { LeaseFormat, Lines, ParseEvent } from "./lease.js";
import { parseRadiusDetail } from "./radius-detail.js";

/** How a lease file names its subscribers; each option belongs to some formats only. */
export interface SubscriberOptions {
  /** radius-detail: the attribute naming the subscriber (default User-Name). */
  readonly subscriberAttribute?: string;
  /** dhcpd: hardware | client-hostname | uid; kea-csv: hwaddr | client_id | duid | hostname. */
  readonly subscriberField?: string;
}

function checkField<T extends string>(
  format: string,
  allowed: readonly T[],
  field: string | undefined,
): T | undefined {
  if (field !== undefined && !(allowed as readonly string[]).includes(field)) {
    throw new UserError(`--subscriber-field for ${format} is one of ${allowed.join(", ")}, not "${field}"`);
  }
  return field as T | undefined;
}

/** The parser of a format with its options checked: a wrong option is a UserError before any reading. */
export function parserFor(
  format: LeaseFormat,
  options: SubscriberOptions,
): (lines: Lines) => AsyncGenerator<ParseEvent> {
  if (format === "radius-detail") {
    if (options.subscriberField !== undefined) {
      throw new UserError(
        "--subscriber-field is for dhcpd and kea-csv; radius-detail takes --subscriber-attribute",
      );
    }
    const subscriberAttribute = options.subscriberAttribute ?? "User-Name";
    return (lines) => parseRadiusDetail(lines, { subscriberAttribute });
  }
  if (options.subscriberAttribute !== undefined) {
    throw new UserError(`--subscriber-attribute is for radius-detail; ${format} takes --subscriber-field`);
  }
  if (format === "dhcpd") {
    const field = checkField<DhcpdSubscriberField>(format, DHCPD_SUBSCRIBER_FIELDS, options.subscriberField);
    return (lines) => parseDhcpdLeases(lines, field ? { subscriberField: field } : {});
  }
  const field = checkField<KeaSubscriberField>(format, KEA_SUBSCRIBER_FIELDS, options.subscriberField);
  return (lines) => parseKeaCsv(lines, field ? { subscriberField: field } : {});
}
