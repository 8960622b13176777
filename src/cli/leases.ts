import type { Command } from "commander";
import { type Address, formatAddress, formatDiagnostic, parseAddress, UserError } from "../core/index.js";
import { openStore } from "../store/index.js";
import {
  DHCPD_SUBSCRIBER_FIELDS,
  importLeases,
  KEA_SUBSCRIBER_FIELDS,
  LEASE_FORMATS,
  type LeaseFormat,
  LeaseIndex,
  listLeases,
} from "../subscribers/index.js";
import { dataDir } from "./config.js";
import { choiceOption, countOption, outputFormatOption, timeOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";
import { type StoreOptions, storeOptions, withStore } from "./store-options.js";

const iso = (ms: number | null) => (ms === null ? "open" : new Date(ms).toISOString());

function where(lease: { address: Address; prefixLength: number }): string {
  const text = formatAddress(lease.address);
  return lease.prefixLength === (lease.address.family === 4 ? 32 : 128)
    ? text
    : `${text}/${lease.prefixLength}`;
}

const IMPORT_HELP = `
Formats:
  radius-detail  FreeRADIUS accounting "detail" files. Start opens a session's leases (Framed-IP-Address,
                 Framed-IPv6-Address, Framed-IPv6-Prefix, Delegated-IPv6-Prefix), Interim-Update adds
                 late addresses, Stop closes them at Event-Timestamp (else start + Acct-Session-Time).
                 A session never stopped stays open. Times: Event-Timestamp, else Timestamp, else the
                 record's first line (read as UTC). The subscriber is User-Name unless
                 --subscriber-attribute names another (Calling-Station-Id, …).
  dhcpd          ISC dhcpd.leases (and dhcpd6 ia-na/ia-pd). Later blocks for an address override
                 earlier ones; "ends never" stays open. The subscriber is the hardware address unless
                 --subscriber-field is client-hostname or uid; IPv6 leases always use the DUID.
  kea-csv        Kea memfile kea-leases4.csv / kea-leases6.csv: start = expire - valid_lifetime.
                 The subscriber is hwaddr (v4) or duid (v6) unless --subscriber-field says
                 ${KEA_SUBSCRIBER_FIELDS.join(", ")}.

Files may be gzip-compressed (detected by content). Bad records are skipped and counted: each is
reported as file:line: message (the first --max-errors of them), the good ones are imported, and
the exit status is 1. The import lands in one transaction after the whole file is read: a file
that cannot be read to its end imports nothing. Importing a file again adds nothing; a later Stop
fills in the end of a lease imported as open.

Example:
  porteiro leases import /var/log/freeradius/radacct/198.51.100.1/detail-20260101.gz \\
    --format radius-detail --data data`;

export function registerLeasesCommands(program: Command): void {
  const leases = program
    .command("leases")
    .description("who held an address when: import RADIUS accounting and DHCP leases, look them up");

  storeOptions(leases.command("import"))
    .description("read a lease file (RADIUS detail, dhcpd.leases, Kea CSV) into the store")
    .argument("<file>", "the lease file, plain or .gz")
    .requiredOption("--format <format>", `one of ${LEASE_FORMATS.join(", ")}`, choiceOption(LEASE_FORMATS))
    .option(
      "--subscriber-attribute <name>",
      "radius-detail: the attribute naming the subscriber (default User-Name)",
    )
    .option(
      "--subscriber-field <field>",
      `dhcpd: ${DHCPD_SUBSCRIBER_FIELDS.join(", ")} (default hardware); kea-csv: ${KEA_SUBSCRIBER_FIELDS.join(", ")}`,
    )
    .option("--max-errors <n>", "how many bad records to print; all are counted", countOption, 10)
    .addHelpText("after", IMPORT_HELP)
    .action(
      async (
        file: string,
        options: StoreOptions & {
          format: LeaseFormat;
          subscriberAttribute?: string;
          subscriberField?: string;
          maxErrors: number;
        },
      ) => {
        const store = openStore(dataDir(options));
        try {
          const result = await importLeases(store, file, options.format, {
            ...(options.subscriberAttribute !== undefined
              ? { subscriberAttribute: options.subscriberAttribute }
              : {}),
            ...(options.subscriberField !== undefined ? { subscriberField: options.subscriberField } : {}),
            maxDiagnostics: options.maxErrors,
          });
          process.stdout.write(
            `${file} (${result.format}): ${result.imported} new, ${result.updated} updated, ` +
              `${result.unchanged} already known, ${result.skipped} bad records skipped\n`,
          );
          if (result.skipped > 0) {
            const lines = result.diagnostics.map(formatDiagnostic);
            const more = result.skipped - result.diagnostics.length;
            if (more > 0) lines.push(`… and ${more} more bad records`);
            lines.push(`${file}: ${result.skipped} bad records skipped; the good ones are imported`);
            throw new UserError(lines.join("\n"));
          }
        } finally {
          store.close();
        }
      },
    );

  storeOptions(leases.command("lookup"))
    .description("who held an address (or the delegated prefix holding it) at a time")
    .argument("<address>", "an IPv4 or IPv6 address")
    .requiredOption(
      "--at <time>",
      "ISO time, e.g. 2026-01-01T12:00:00Z (UTC unless an offset is given)",
      timeOption,
    )
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText(
      "after",
      "\nWhen leases of one address overlap, the latest start wins: a lease ends at its own end or where the\n" +
        "next lease of the address starts. IPv6: the longest prefix holding the address answers (its /128,\n" +
        "else the delegated /64, /56 …). Exit status 1 when no lease covers the address at that time.\n\n" +
        "Example:\n  porteiro leases lookup 203.0.113.10 --at 2026-01-01T11:00:00Z --data data",
    )
    .action((addressText: string, options: StoreOptions & { at: number; format: OutputFormat }) => {
      const address = parseAddress(addressText);
      const held = withStore(options, (store) =>
        LeaseIndex.fromLeases(listLeases(store, { address })).leaseAt(address, options.at),
      );
      const at = iso(options.at);
      if (!held) throw new UserError(`no lease covers ${formatAddress(address)} at ${at}`);
      const row = {
        address: formatAddress(address),
        at,
        subscriber: held.subscriber,
        lease: where(held),
        start: iso(held.startMs),
        end: iso(held.endMs),
      };
      if (options.format === "json") process.stdout.write(`${toJson(row)}\n`);
      else if (options.format === "csv") {
        process.stdout.write(
          `address,at,subscriber,lease,start,end\n${Object.values(row).map(csvField).join(",")}\n`,
        );
      } else {
        process.stdout.write(
          `${row.address} at ${at}: ${printable(row.subscriber)} (lease ${row.lease}, ${row.start} – ${row.end})\n`,
        );
      }
    });

  storeOptions(leases.command("list"))
    .description("list the stored leases, as imported, by address then start")
    .option("--address <address>", "only the leases of this address or of the prefixes holding it")
    .option("--limit <n>", "at most this many", countOption, 1000)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { address?: string; limit: number; format: OutputFormat }) => {
      const rows = withStore(options, (store) =>
        listLeases(store, { ...(options.address ? { address: options.address } : {}), limit: options.limit }),
      ).map((l) => ({
        address: where(l),
        subscriber: l.subscriber,
        start: iso(l.startMs),
        end: iso(l.endMs),
        source_format: l.sourceFormat,
        source_file: l.sourceFile,
      }));
      if (options.format === "json") process.stdout.write(`${toJson(rows)}\n`);
      else if (options.format === "csv") {
        const lines = ["address,subscriber,start,end,source_format,source_file"];
        for (const r of rows) lines.push(Object.values(r).map(csvField).join(","));
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) process.stdout.write("no leases\n");
      else {
        process.stdout.write(
          `${table([["address", "subscriber", "start", "end", "source"], ...rows.map((r) => [r.address, printable(r.subscriber), r.start, r.end, `${r.source_format} ${printable(r.source_file)}`])])}\n`,
        );
      }
    });
}
