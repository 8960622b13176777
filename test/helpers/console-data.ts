/**
 * A small ISP's half year of data for the console's tests and bench, written through the real
 * intake paths: an nfdump CSV through the flows importer, a Kea lease file, plain listing files
 * through the reputation importer, ARF reports through the complaints importer, honeypot
 * sessions through the sensor's capture writer, and a held account with a held message.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { importComplaints } from "../../src/complaints/index.js";
import { importNfdump, NFDUMP_CSV_HEADER } from "../../src/flows/index.js";
import { CaptureWriter } from "../../src/honeypot/capture-writer.js";
import { Counters } from "../../src/honeypot/counters.js";
import { BodyFiles, messageFeatures, messagesDir } from "../../src/honeypot/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { importListing } from "../../src/reputation/index.js";
import type { Store } from "../../src/store/index.js";
import { Spool, UserStore } from "../../src/submission/index.js";
import { importLeases } from "../../src/subscribers/index.js";

/** Today is in sul's enforce phase, norte's observe phase and leste's open phase. */
export const CONSOLE_PLAN = `isp: { name: Example Telecom, asn: 64500 }
relays: [192.0.2.25/32]
allow_relays_on_25: true
regions:
  - { id: sul, name: Sul, observe_from: 2026-07-01, enforce_from: 2026-09-01 }
  - { id: norte, name: Norte, observe_from: 2026-09-01, enforce_from: 2099-01-01 }
  - { id: leste, name: Leste, enforce_from: 2099-06-01 }
pools:
  - { prefix: 203.0.113.0/25, kind: dynamic, region: sul, name: sul-bng1 }
  - { prefix: 203.0.113.128/26, kind: static, region: sul, name: sul-business }
  - { prefix: 198.51.100.0/25, kind: dynamic, region: norte, name: norte-bng1 }
  - { prefix: 198.51.100.128/25, kind: dynamic, region: leste, name: leste-bng1 }
exceptions:
  - { prefix: 203.0.113.99/32, reason: "customer mail server", until: 2027-06-30 }
`;

/** One address in each phase, for the help page. */
export const PHASE_ADDRESSES = {
  enforce: "203.0.113.7",
  observe: "198.51.100.7",
  open: "198.51.100.200",
} as const;
export const HOSTILE_SUBJECT = "<script>alert('subject')</script>";
export const HOSTILE_HELO = "<img src=x onerror=alert('helo')>";
export const HELD_ACCOUNT = "ana@example.net";

const DAY_MS = 86_400_000;
const START = Date.parse("2026-06-01T00:00:00Z");
const REGIONS = [
  { base: "203.0.113.", first: 1, enforceWeek: 13 },
  { base: "198.51.100.", first: 1, enforceWeek: 99 },
  { base: "198.51.100.", first: 129, enforceWeek: 99 },
];

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
/** The columns after ibyt, as nfdump 1.7 prints them for a flow without those fields. */
const TAIL =
  ",0,0,0,0,0,0,0,0,0,1,0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00," +
  "0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,    0.000,    0.000,    0.000,127.0.0.1,0/0,1,2026-11-28 12:00:00.000";

function flowLine(at: number, source: string, destination: string, port: number, syn: boolean): string {
  const flags = syn ? "......S." : "...AP.SF";
  return `${stamp(at)},${stamp(at + 3000)},3.000,${source},${destination},${40000 + (at % 20000)},${port},TCP,${flags},0,0,${syn ? 2 : 12},${syn ? 80 : 4200}${TAIL}`;
}

/** Weekly flows: bots fanning out on 25 (fewer once their region enforces), clients on 587 and 25 to the relay. */
function flowsCsv(weeks: number, botsPerRegion: number, clientsPerRegion: number): string {
  const lines = [NFDUMP_CSV_HEADER];
  for (let week = 0; week < weeks; week++) {
    const weekStart = START + week * 7 * DAY_MS;
    for (const region of REGIONS) {
      const bots =
        week >= region.enforceWeek
          ? Math.ceil(botsPerRegion / (1 + week - region.enforceWeek))
          : botsPerRegion;
      for (let b = 0; b < bots; b++) {
        const source = `${region.base}${region.first + b}`;
        for (let d = 0; d < 12; d++)
          lines.push(flowLine(weekStart + (b * 13 + d) * 3_600_000, source, `192.0.2.${100 + d}`, 25, true));
      }
      const onSubmission = Math.min(
        clientsPerRegion,
        Math.round((clientsPerRegion * (week + 4)) / (weeks + 4)),
      );
      for (let c = 0; c < clientsPerRegion; c++) {
        const source = `${region.base}${region.first + 60 + c}`;
        lines.push(
          flowLine(
            weekStart + (36 + c) * 3_600_000,
            source,
            "192.0.2.25",
            c < onSubmission ? 587 : 25,
            false,
          ),
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

function keaLeases(): string {
  const expire = Math.floor(Date.parse("2027-01-01T00:00:00Z") / 1000);
  const lifetime = 240 * 86_400;
  const rows = [
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id",
  ];
  for (const [base, first] of [
    ["203.0.113.", 1],
    ["198.51.100.", 1],
    ["198.51.100.", 129],
  ] as const)
    for (let i = 0; i < 100; i++) {
      const mac = `00:16:3e:${first.toString(16).padStart(2, "0")}:00:${i.toString(16).padStart(2, "0")}`;
      rows.push(`${base}${first + i},${mac},,${lifetime},${expire},1,0,0,host${i},0,,0`);
    }
  return `${rows.join("\n")}\n`;
}

function arf(sourceIp: string, arrivalMs: number, subject: string, n: number): string {
  return `From: <abusedesk@example.com>\r\nDate: ${new Date(arrivalMs).toUTCString()}\r\nSubject: FW: ${subject}\r\nTo: <abuse@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAbuse report.\r\n--b\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: Example/1.0\r\nVersion: 1\r\nSource-IP: ${sourceIp}\r\nArrival-Date: ${new Date(arrivalMs).toUTCString()}\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: <spam@example.org>\r\nTo: <victim@example.com>\r\nSubject: ${subject}\r\nMessage-ID: <m${n}@example.org>\r\nDate: ${new Date(arrivalMs).toUTCString()}\r\n\r\nSpam ${n}\r\n--b--\r\n`;
}

function mbox(count: number, weeks: number): string {
  const parts: string[] = [];
  for (let n = 0; n < count; n++) {
    const at = START + Math.floor((n / count) * weeks * 7) * DAY_MS + 3_600_000;
    const region = REGIONS[n % 3] as (typeof REGIONS)[number];
    const subject = n === 0 ? HOSTILE_SUBJECT : `Cheap pills ${n}`;
    parts.push(
      `From abusedesk@example.com ${new Date(at).toUTCString()}\n${arf(`${region.base}${region.first + (n % 20)}`, at, subject, n).replace(/\r\n/g, "\n")}`,
    );
  }
  return parts.join("\n");
}

export interface ConsoleDataOptions {
  readonly weeks?: number;
  readonly botsPerRegion?: number;
  readonly clientsPerRegion?: number;
  readonly complaints?: number;
  readonly honeypotSessions?: number;
}

/** Writes plan.yaml into `dataDir` and fills the store; returns the plan file. */
export async function seedConsoleData(
  store: Store,
  dataDir: string,
  options: ConsoleDataOptions = {},
): Promise<string> {
  const weeks = options.weeks ?? 26;
  const planFile = join(dataDir, "plan.yaml");
  writeFileSync(planFile, CONSOLE_PLAN);

  const flows = join(dataDir, "flows.csv");
  writeFileSync(flows, flowsCsv(weeks, options.botsPerRegion ?? 8, options.clientsPerRegion ?? 20));
  await importNfdump(store, flows, { format: "nfdump-csv" });

  const leases = join(dataDir, "leases.csv");
  writeFileSync(leases, keaLeases());
  await importLeases(store, leases, "kea-csv", { subscriberField: "hwaddr" });

  for (let week = 0; week < weeks; week += 2) {
    const date = new Date(START + week * 7 * DAY_MS).toISOString().slice(0, 10);
    const listed = REGIONS.flatMap((r) => {
      const count = week >= r.enforceWeek ? Math.max(0, 10 - (week - r.enforceWeek)) : 10;
      return Array.from({ length: count }, (_, i) => `${r.base}${r.first + i}`);
    });
    const zone = join(dataDir, `cbl-${date}.txt`);
    writeFileSync(zone, `${listed.join("\n")}\n`);
    await importListing(store, dataDir, zone, { list: "cbl", date, format: "plain" });
  }

  const reports = join(dataDir, "reports.mbox");
  writeFileSync(reports, mbox(options.complaints ?? 60, weeks));
  await importComplaints(store, dataDir, reports, { plan: loadPlan(planFile).plan });

  const writer = new CaptureWriter(store, new BodyFiles(messagesDir(dataDir)), 1e9, new Counters());
  const sessions = options.honeypotSessions ?? 40;
  for (let n = 0; n < sessions; n++) {
    const startedMs = START + Math.floor((n / sessions) * weeks * 7) * DAY_MS;
    const body = Buffer.from(`Subject: Pills ${n % 4}\r\n\r\nBuy at http://pills.example/p/${n % 4}\r\n`);
    const recipients = [`victim${n}@example.com`];
    writer.record({
      startedMs,
      endedMs: startedMs + 1000,
      source: n % 3 === 0 ? `203.0.113.${200 + (n % 20)}` : `192.0.2.${n % 50}`,
      sourcePort: 40000 + n,
      sensor: "s1",
      listener: n % 2 ? "socks5" : "smtp",
      path: n % 2 ? ["socks5", "smtp"] : ["smtp"],
      ...(n % 2 ? { destination: { host: "mx.example.com", port: 25 } } : {}),
      bytes: body.length,
      helo: n === 0 ? HOSTILE_HELO : `bot${n}.example`,
      messages: [
        {
          receivedMs: startedMs + 500,
          mailFrom: "spam@example.org",
          recipients,
          sha256: `${n.toString(16).padStart(4, "0")}`.padEnd(64, "a"),
          size: body.length,
          storedSize: body.length,
          truncated: false,
          ...messageFeatures(body, recipients),
        },
      ],
      outcome: "quit",
    } as Parameters<CaptureWriter["record"]>[0]);
  }
  writer.close();

  const users = new UserStore(store);
  await users.add(HELD_ACCOUNT, "a long enough password 1");
  users.hold(HELD_ACCOUNT, "sent to 500 recipients in a minute");
  const spool = new Spool(store, dataDir);
  const message = await spool.create();
  await message.write(Buffer.from("Subject: held\r\n\r\nhello\r\n"));
  await message.commit(
    {
      username: HELD_ACCOUNT,
      mailFrom: HELD_ACCOUNT,
      recipients: ["x@example.com"],
      clientAddress: "203.0.113.70",
    },
    "account held",
  );
  return planFile;
}

/** One more complaint, arriving at `arrivalMs` from a Sul address, through the importer: new data for the console. */
export async function importOneComplaint(store: Store, dataDir: string, arrivalMs: number): Promise<void> {
  const file = join(dataDir, `late-${arrivalMs}.eml`);
  writeFileSync(file, arf("203.0.113.5", arrivalMs, "Late pills", arrivalMs));
  await importComplaints(store, dataDir, file, { plan: loadPlan(join(dataDir, "plan.yaml")).plan });
}
