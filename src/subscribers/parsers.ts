import { UserError } from "../core/index.js";
import { DHCPD_IDENTITIES, type DhcpdIdentity } from "./dhcpd-identity.js";
import { parseDhcpdLeases } from "./dhcpd-leases.js";
import { KEA_SUBSCRIBER_FIELDS, type KeaSubscriberField, parseKeaCsv } from "./kea-csv.js";
import type { LeaseFormat, Lines, ParseEvent } from "./lease.js";
import { parseRadiusDetail } from "./radius-detail.js";

/** How a lease file names its subscribers; each option belongs to one format. */
export interface SubscriberOptions {
  /** radius-detail: the attribute naming the subscriber (default User-Name). */
  readonly subscriberAttribute?: string;
  /** dhcpd: hardware | uid | hostname | remote-id | circuit-id (default hardware). */
  readonly identity?: string;
  /** kea-csv: hwaddr | client_id | duid | hostname. */
  readonly subscriberField?: string;
}

const OPTION_OF: Readonly<Record<LeaseFormat, keyof SubscriberOptions>> = {
  "radius-detail": "subscriberAttribute",
  dhcpd: "identity",
  "kea-csv": "subscriberField",
};
const FLAG_OF: Readonly<Record<keyof SubscriberOptions, string>> = {
  subscriberAttribute: "--subscriber-attribute",
  identity: "--identity",
  subscriberField: "--subscriber-field",
};

function checkChoice<T extends string>(
  flag: string,
  format: string,
  allowed: readonly T[],
  value: string | undefined,
): T | undefined {
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new UserError(`${flag} for ${format} is one of ${allowed.join(", ")}, not "${value}"`);
  }
  return value as T | undefined;
}

/** The parser of a format with its options checked: a wrong option is a UserError before any reading. */
export function parserFor(
  format: LeaseFormat,
  options: SubscriberOptions,
): (lines: Lines) => AsyncGenerator<ParseEvent> {
  for (const [other, option] of Object.entries(OPTION_OF)) {
    if (other !== format && options[option] !== undefined) {
      throw new UserError(
        `${FLAG_OF[option]} is for ${other}; ${format} takes ${FLAG_OF[OPTION_OF[format]]}`,
      );
    }
  }
  if (format === "radius-detail") {
    const subscriberAttribute = options.subscriberAttribute ?? "User-Name";
    return (lines) => parseRadiusDetail(lines, { subscriberAttribute });
  }
  if (format === "dhcpd") {
    const identity = checkChoice<DhcpdIdentity>("--identity", format, DHCPD_IDENTITIES, options.identity);
    return (lines) => parseDhcpdLeases(lines, identity ? { identity } : {});
  }
  const field = checkChoice<KeaSubscriberField>(
    "--subscriber-field",
    format,
    KEA_SUBSCRIBER_FIELDS,
    options.subscriberField,
  );
  return (lines) => parseKeaCsv(lines, field ? { subscriberField: field } : {});
}
