import { type Command, InvalidArgumentError } from "commander";
import { type Address, formatAddress, formatDiagnostic, parseAddress, UserError } from "../core/index.js";
import { openStore } from "../store/index.js";
import {
  DHCPD_IDENTITIES,
  formatPorts,
  type HeldLease,
  importLeases,
  KEA_SUBSCRIBER_FIELDS,
  LEASE_FORMATS,
  type LeaseFormat,
  LeaseIndex,
  listLeases,
} from "../subscribers/index.js";
import { dataDir } from "./config.js";
import { importProgress } from "./import-progress.js";
import { choiceOption, countOption, outputFormatOption, timeOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";
import { type StoreOptions, storeOptions, withExistingStore } from "./store-options.js";

const iso = (ms: number | null) => (ms === null ? "open" : new Date(ms).toISOString());

function where(lease: { address: Address; prefixLength: number }): string {
  const text = formatAddress(lease.address);
  return lease.prefixLength === (lease.address.family === 4 ? 32 : 128)
    ? text
    : `${text}/${lease.prefixLength}`;
}

function portOption(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new InvalidArgumentError("expected a port number, 0 to 65535.");
  }
  return Number(text);
}

/** `2026-…Z – open` with the block, for a lease as lookup prints it. */
function described(lease: HeldLease): string {
  const ports = lease.ports ? ` ports ${formatPorts(lease.ports)}` : "";
  return `lease ${where(lease)}${ports}, ${iso(lease.startMs)} – ${iso(lease.endMs)}`;
}

const IMPORT_HELP = `
Formats:
  radius-detail  FreeRADIUS accounting "detail" files. Start opens a session's leases (Framed-IP-Address,
                 Framed-IPv6-Address, Framed-IPv6-Prefix, Delegated-IPv6-Prefix), Interim-Update adds
                 late addresses, Stop closes them at Event-Timestamp (else start + Acct-Session-Time).
                 A session never stopped stays open. Times: Event-Timestamp, else Timestamp, else the
                 record's first line (read as UTC). The subscriber is User-Name unless
                 --subscriber-attribute names another (Calling-Station-Id, …).
                 CGNAT port blocks become leases of their public address holding only those
                 ports: Nokia Alc-Nat-Port-Range, Huawei-NAT-Public-Address with -Start-Port and
                 -End-Port (Huawei-NAT-Port-Range-Update 1 releases), RFC 8045
                 IP-Port-Range-Ext-IPv4-Addr with -Range-Start and -Range-End (IP-Port-Range-Alloc
                 2 releases). A block lasts from the record that first reports it until one
                 releases it or the session stops.
  dhcpd          ISC dhcpd.leases as dhcpd 4.x writes it, times as "4 2026/01/01 10:00:00" (UTC) or,
                 with db-time-format local, "epoch 1767261600; # comment"; "never" stays open.
                 Every record of a client holding an address is history: an active one until its
                 ends, a free, expired or released one for the interval it was held (backup and
                 abandoned records hold nothing). A renewal is a record of its own; a record
                 repeated later (released early, expired) keeps its start and gives the lease its
                 new end. The subscriber is --identity: hardware (the MAC address; the default),
                 uid (the client identifier, as colon hex), hostname (client-hostname, as sent),
                 remote-id or circuit-id (the relay agent's option 82 ids, "option
                 agent.remote-id" / "agent.circuit-id": text where dhcpd quoted them, else colon
                 hex). A freed record that no longer names its client keeps the one of the record
                 it frees. dhcpd6's ia-na/ia-ta/ia-pd leases always use the DUID.
  kea-csv        Kea memfile kea-leases4.csv / kea-leases6.csv: start = expire - valid_lifetime.
                 The subscriber is hwaddr (v4) or duid (v6) unless --subscriber-field says
                 ${KEA_SUBSCRIBER_FIELDS.join(", ")}.

DHCP leases (dhcpd, Kea) hold whole addresses: neither lease file records port sets.

Files may be gzip-compressed (detected by content). Bad records are skipped and counted: each is
reported as file:line: message (the first --max-errors of them), the good ones are imported, and
the exit status is 1. The import lands in one transaction after the whole file is read: a file
that cannot be read to its end imports nothing. Importing a file again adds nothing; a later Stop
fills in the end of a lease imported as open. A progress bar shows on a terminal; elsewhere a log
line every ten seconds.

Examples:
  porteiro leases import /var/log/freeradius/radacct/198.51.100.1/detail-20260101.gz \\
    --format radius-detail --data data
  porteiro leases import /var/lib/dhcp/dhcpd.leases --format dhcpd --identity remote-id --data data`;

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
      "--identity <identity>",
      `dhcpd: what names the subscriber, one of ${DHCPD_IDENTITIES.join(", ")} (default hardware)`,
    )
    .option("--subscriber-field <field>", `kea-csv: one of ${KEA_SUBSCRIBER_FIELDS.join(", ")}`)
    .option("--max-errors <n>", "how many bad records to print; all are counted", countOption, 10)
    .addHelpText("after", IMPORT_HELP)
    .action(
      async (
        file: string,
        options: StoreOptions & {
          format: LeaseFormat;
          subscriberAttribute?: string;
          identity?: string;
          subscriberField?: string;
          maxErrors: number;
        },
      ) => {
        const store = openStore(dataDir(options));
        const progress = importProgress(file, { logName: "leases-import" });
        try {
          const result = await importLeases(store, file, options.format, {
            onProgress: (bytesRead, totalBytes) => progress.update({ bytesRead, totalBytes }),
            ...(options.subscriberAttribute !== undefined
              ? { subscriberAttribute: options.subscriberAttribute }
              : {}),
            ...(options.identity !== undefined ? { identity: options.identity } : {}),
            ...(options.subscriberField !== undefined ? { subscriberField: options.subscriberField } : {}),
            maxDiagnostics: options.maxErrors,
          });
          progress.stop();
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
          progress.stop();
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
    .option(
      "--port <port>",
      "the source port seen, to pick the one of a CGNAT address's port blocks",
      portOption,
    )
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText(
      "after",
      "\nWhen leases of one address overlap, the latest start wins: a lease ends at its own end or where the\n" +
        "next lease of the address starts. IPv6: the longest prefix holding the address answers (its /128,\n" +
        "else the delegated /64, /56 …). A CGNAT address whose port blocks were held at that time is shared:\n" +
        "only --port names the one subscriber whose block holds that port. Exit status 1 when no lease\n" +
        "covers the address at that time, or when it was shared and no single subscriber's block holds the port.\n\n" +
        "Example:\n  porteiro leases lookup 203.0.113.10 --at 2026-01-01T11:00:00Z --data data",
    )
    .action(
      (addressText: string, options: StoreOptions & { at: number; port?: number; format: OutputFormat }) => {
        const address = parseAddress(addressText);
        const port = options.port ?? null;
        const holding = withExistingStore(options, (store) =>
          LeaseIndex.fromLeases(listLeases(store, { address })).holdingAt(address, options.at, port),
        );
        const at = iso(options.at);
        const asked = `${formatAddress(address)}${port === null ? "" : ` port ${port}`} at ${at}`;
        if (holding.kind === "none") throw new UserError(`no lease covers ${asked}`);
        if (holding.kind === "shared-address") {
          const blocks = [...holding.holders]
            .sort((a, b) => a.ports.first - b.ports.first)
            .map((h) => `${formatPorts(h.ports)} (${printable(h.subscriber)})`);
          throw new UserError(
            `${asked} is a shared address: port blocks ${blocks.join(", ")}; ` +
              (port === null ? "give --port" : "none of them alone holds that port"),
          );
        }
        const held = holding.lease;
        const row = {
          address: formatAddress(address),
          port,
          at,
          attribution: holding.kind,
          subscriber: held.subscriber,
          lease: where(held),
          ports: held.ports ? formatPorts(held.ports) : null,
          start: iso(held.startMs),
          end: iso(held.endMs),
        };
        if (options.format === "json") process.stdout.write(`${toJson(row)}\n`);
        else if (options.format === "csv") {
          const cells = Object.values(row).map((v) => csvField(v === null ? "" : String(v)));
          process.stdout.write(`${Object.keys(row).join(",")}\n${cells.join(",")}\n`);
        } else {
          process.stdout.write(`${asked}: ${printable(row.subscriber)} (${described(held)})\n`);
        }
      },
    );

  storeOptions(leases.command("list"))
    .description("list the stored leases, as imported, by address then start")
    .option("--address <address>", "only the leases of this address or of the prefixes holding it")
    .option("--limit <n>", "at most this many", countOption, 1000)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { address?: string; limit: number; format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) =>
        listLeases(store, { ...(options.address ? { address: options.address } : {}), limit: options.limit }),
      ).map((l) => ({
        address: where(l),
        ports: l.ports ? formatPorts(l.ports) : null,
        subscriber: l.subscriber,
        start: iso(l.startMs),
        end: iso(l.endMs),
        source_format: l.sourceFormat,
        source_file: l.sourceFile,
      }));
      if (options.format === "json") process.stdout.write(`${toJson(rows)}\n`);
      else if (options.format === "csv") {
        const lines = ["address,ports,subscriber,start,end,source_format,source_file"];
        for (const r of rows)
          lines.push(
            Object.values(r)
              .map((v) => csvField(v ?? ""))
              .join(","),
          );
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) process.stdout.write("no leases\n");
      else {
        const cells = rows.map((r) => [
          r.address,
          r.ports ?? "-",
          printable(r.subscriber),
          r.start,
          r.end,
          `${r.source_format} ${printable(r.source_file)}`,
        ]);
        process.stdout.write(
          `${table([["address", "ports", "subscriber", "start", "end", "source"], ...cells])}\n`,
        );
      }
    });
}
