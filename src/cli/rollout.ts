import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { type Day, formatDiagnostic, today, UserError } from "../core/index.js";
import { loadPlan } from "../plan/index.js";
import {
  changeSettings,
  computeMeasures,
  createOrg,
  createPerson,
  createRegion,
  generateSigningKeys,
  keyFingerprint,
  LOCAL_ADMIN,
  listOrgs,
  ORG_TYPES,
  PROGRAMME_ROLES,
  programmeView,
  readPrivateKey,
  reportsUrl,
  sendPush,
  setCalendarEntry,
  signPush,
  slugOf,
  updateOrg,
} from "../rollout/index.js";
import { dataDir, loadConfig } from "./config.js";
import { type FlowStoreOptions, flowStoreOption, withFlowStore } from "./flow-store-options.js";
import { choiceOption, dayOption } from "./options.js";
import { type OutputFormat, printable, table, toJson } from "./output.js";
import { registerCommitmentCommands } from "./rollout-commitments.js";
import { count, example, formatOption, printList, readText } from "./rollout-common.js";
import { registerDocumentCommands } from "./rollout-documents.js";
import { registerImportCommands } from "./rollout-import.js";
import { registerNoiseCommands } from "./rollout-noise.js";
import { type StoreOptions, storeOptions, withExistingStore, withStore } from "./store-options.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function registerKeygen(rollout: Command): void {
  rollout
    .command("keygen")
    .description(
      "make the organisation's Ed25519 signing key: FILE (private, keep it) and FILE.pub (for the coordinator)",
    )
    .requiredOption("--out <file>", "where the private key goes; the public key goes to FILE.pub")
    .addHelpText("after", "\nExample:\n  porteiro rollout keygen --out isp.key")
    .action((options: { out: string }) => {
      const pub = `${options.out}.pub`;
      for (const file of [options.out, pub])
        if (existsSync(file)) throw new UserError(`${file} exists; a signing key is never overwritten`);
      const keys = generateSigningKeys();
      writeFileSync(options.out, keys.privateKey, { mode: 0o600, flag: "wx" });
      writeFileSync(pub, keys.publicKey, { flag: "wx" });
      process.stdout.write(
        `private key: ${options.out} (keep it secret)\npublic key: ${pub} (register it with the coordinator)\nfingerprint: ${keyFingerprint(keys.publicKey)}\n`,
      );
    });
}

function registerOrgCommands(rollout: Command): void {
  const org = example(rollout.command("org"), "porteiro rollout org list --data coordinator").description(
    "the organisations taking part",
  );
  example(
    storeOptions(org.command("add")).description("add an organisation"),
    'porteiro rollout org add example-telecom --name "Example Telecom" --type isp --subscribers 400000 --public-key isp.key.pub --data coordinator',
  )
    .argument("<id>", "short id: lower-case letters, digits and -")
    .requiredOption("--name <name>", "its name")
    .addOption(
      new Option("--type <type>", ORG_TYPES.join(", "))
        .argParser(choiceOption(ORG_TYPES))
        .makeOptionMandatory(),
    )
    .option("--subscribers <n>", "subscribers it serves (weighs its adoption nationally)", count)
    .option(
      "--public-key <file>",
      "its Ed25519 public key (from porteiro rollout keygen), to verify its pushes",
    )
    .option("--private", "leave it off the public transparency page")
    .action(
      (
        id: string,
        options: StoreOptions & {
          name: string;
          type: string;
          subscribers?: number;
          publicKey?: string;
          private?: boolean;
        },
      ) => {
        const added = withStore(options, (store) =>
          createOrg(store, LOCAL_ADMIN, {
            id,
            name: options.name,
            type: options.type,
            ...(options.subscribers !== undefined ? { subscribers: options.subscribers } : {}),
            ...(options.publicKey ? { public_key: readText(options.publicKey, "public key") } : {}),
            public: !options.private,
          }),
        );
        process.stdout.write(
          `added ${added.id} (${added.type})${added.key_fingerprint ? `, key ${added.key_fingerprint.slice(0, 16)}` : ""}\n`,
        );
      },
    );
  example(
    storeOptions(org.command("key")).description("register (or replace) an organisation's public key"),
    "porteiro rollout org key example-telecom --public-key isp.key.pub --data coordinator",
  )
    .argument("<id>", "the organisation")
    .requiredOption("--public-key <file>", "the Ed25519 public key (PEM)")
    .action((id: string, options: StoreOptions & { publicKey: string }) => {
      const changed = withStore(options, (store) =>
        updateOrg(store, LOCAL_ADMIN, id, { public_key: readText(options.publicKey, "public key") }),
      );
      process.stdout.write(`${changed.id}: key ${changed.key_fingerprint?.slice(0, 16)}\n`);
    });
  example(
    storeOptions(org.command("list")).description("list the organisations"),
    "porteiro rollout org list --format csv --data coordinator",
  )
    .addOption(formatOption())
    .action((options: StoreOptions & { format: OutputFormat }) => {
      const orgs = withExistingStore(options, (store) => listOrgs(store, LOCAL_ADMIN));
      printList(
        orgs,
        options.format,
        [
          { head: "id", key: "id" },
          { head: "type", key: "type" },
          { head: "name", key: "name" },
          { head: "subscribers", key: "subscribers" },
          { head: "key", key: "key_fingerprint", text: (o) => o.key_fingerprint?.slice(0, 16) ?? "-" },
          { head: "public", key: "public", text: (o) => (o.public ? "yes" : "no") },
        ],
        "no organisations",
      );
    });
}

function registerProgrammeCommands(rollout: Command): void {
  const person = example(
    rollout.command("person"),
    'porteiro rollout person add "Ana Lima" --role org-admin --org example-telecom --data coordinator',
  ).description("the programme's people and their roles");
  example(
    storeOptions(person.command("add")).description(
      "add a person to the programme, linked to a console login with --login",
    ),
    'porteiro rollout person add "Programme coordinator" --role coordinator --org national-csirt --login nic --data coordinator',
  )
    .argument("<name>", "their name")
    .addOption(
      new Option("--role <role>", PROGRAMME_ROLES.join(", "))
        .argParser(choiceOption(PROGRAMME_ROLES))
        .makeOptionMandatory(),
    )
    .option("--org <id>", "their organisation (required for org-admin and org-member)")
    .option("--login <operator>", "their console account (porteiro operators add)")
    .action((name: string, options: StoreOptions & { role: string; org?: string; login?: string }) => {
      const person = withStore(options, (store) =>
        createPerson(store, LOCAL_ADMIN, {
          name,
          role: options.role,
          org_id: options.org ?? null,
          ...(options.login ? { username: options.login } : {}),
        }),
      );
      process.stdout.write(
        `added ${printable(person.name)} as ${person.role}${person.org_id ? ` of ${person.org_id}` : ""}${person.username ? ` (login ${person.username})` : ""}\n`,
      );
    });
  const region = example(
    rollout.command("region"),
    "porteiro rollout region add norte --name Norte --data coordinator",
  ).description("the programme's regions");
  example(
    storeOptions(region.command("add")).description(
      "add a region of the programme: every region an organisation's plan pushes must be added",
    ),
    "porteiro rollout region add sul --name Sul --data coordinator",
  )
    .argument("<id>", "short id, as in the plans: lower-case letters, digits and -")
    .requiredOption("--name <name>", "its name")
    .action((id: string, options: StoreOptions & { name: string }) => {
      withStore(options, (store) => createRegion(store, LOCAL_ADMIN, { id, name: options.name }));
      process.stdout.write(`added region ${id}\n`);
    });
  const calendar = example(
    rollout.command("calendar"),
    "porteiro rollout calendar set --org example-telecom --region norte --enforce 2027-03-01 --data coordinator",
  ).description("each organisation's dates per region");
  example(
    storeOptions(calendar.command("set")).description(
      "set an organisation's dates in a region: notify → observe → enforce",
    ),
    "porteiro rollout calendar set --org example-telecom --region sul --notify 2026-08-01 --observe 2026-10-01 --enforce 2026-12-01 --data coordinator",
  )
    .requiredOption("--org <id>", "the organisation (porteiro rollout org add)")
    .requiredOption("--region <id>", "the region (porteiro rollout region add)")
    .option("--notify <date>", "subscribers are told from", dayOption)
    .option("--observe <date>", "port 25 counted, not blocked, from", dayOption)
    .requiredOption("--enforce <date>", "port 25 blocked from", dayOption)
    .action(
      (
        options: StoreOptions & { org: string; region: string; notify?: Day; observe?: Day; enforce: Day },
      ) => {
        const entry = withStore(options, (store) =>
          setCalendarEntry(store, LOCAL_ADMIN, {
            org_id: options.org,
            region_id: options.region,
            notify_from: options.notify ?? null,
            observe_from: options.observe ?? null,
            enforce_from: options.enforce,
          }),
        );
        process.stdout.write(`${entry.org_id} in ${entry.region_id}: enforce from ${entry.enforce_from}\n`);
      },
    );
  example(
    storeOptions(rollout.command("settings")).description(
      "show or change the programme's settings: noise alert threshold, reporting interval, where help-form reports go",
    ),
    "porteiro rollout settings --noise-alert 20 --default-org national-csirt --data coordinator",
  )
    .option(
      "--noise-alert <n>",
      "noise records a day in a region, after its switch, that raise an alert",
      count,
    )
    .option("--report-every <days>", "days after which an organisation's silence is flagged", count)
    .option("--plan-org <id>", "the organisation whose plan this installation holds")
    .option("--default-org <id>", "where help-form reports from outside the plan go")
    .action(
      (
        options: StoreOptions & {
          noiseAlert?: number;
          reportEvery?: number;
          planOrg?: string;
          defaultOrg?: string;
        },
      ) => {
        const settings = withStore(options, (store) =>
          changeSettings(store, LOCAL_ADMIN, {
            noise_alert_per_day: options.noiseAlert,
            report_every_days: options.reportEvery,
            plan_org: options.planOrg,
            default_org: options.defaultOrg,
          }),
        );
        process.stdout.write(`${toJson(settings)}\n`);
      },
    );
  example(
    storeOptions(rollout.command("status")).description(
      "commitments and their state, silent reporters and noise alerts",
    ),
    "porteiro rollout status --date 2026-12-15 --data coordinator",
  )
    .option("--date <date>", "as of (default today)", dayOption)
    .action((options: StoreOptions & { date?: Day }) => {
      const view = withExistingStore(options, (store) =>
        programmeView(store, LOCAL_ADMIN, options.date ?? today()),
      );
      const lines = [
        view.commitments.length === 0
          ? "no commitments yet"
          : table([
              ["org", "commitment", "region", "target", "due", "state", "met on"],
              ...view.commitments.map((c) => [
                c.org_id,
                c.kind,
                c.region_id ?? "-",
                c.target === null ? "-" : `${c.target}%`,
                c.due,
                c.state,
                c.met_on ?? "-",
              ]),
            ]),
        "",
        ...view.silent.map(
          (s) => `not reported: ${s.org_id} in ${s.region_id} (last ${s.last_report ?? "never"})`,
        ),
        ...view.noise.flatMap((n) =>
          n.alerts.map(
            (a) =>
              `noise alert: ${n.region_id} ${a.day}: ${a.records} records, day ${a.after_switch} after the switch`,
          ),
        ),
      ];
      process.stdout.write(`${lines.join("\n").trimEnd()}\n`);
    });
}

/** --plan, the config's, or a plan.yaml in the data folder (the demo's under demo/). */
function pushPlanFile(options: PushOptions, data: string): string {
  if (options.plan) return options.plan;
  if (options.config) return loadConfig(options.config).plan;
  const candidates = [join(data, "plan.yaml"), join(data, "demo", "plan.yaml"), "plan.yaml"];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new UserError(`no plan given and none at ${candidates.join(", ")}; use --plan FILE`);
  return found;
}

interface PushOptions extends FlowStoreOptions {
  to?: string;
  key: string;
  org?: string;
  region?: string[];
  plan?: string;
  date?: Day;
  dryRun?: boolean;
}

function registerPush(rollout: Command): void {
  flowStoreOption(storeOptions(rollout.command("push")))
    .description(
      "compute this organisation's status per region from its data and send it, signed, to the coordinator",
    )
    .option("--to <url>", "the coordinator's porteiro (its /api/rollout/reports)")
    .requiredOption("--key <file>", "the organisation's private key (porteiro rollout keygen)")
    .option("--org <id>", "the organisation's id at the coordinator (default: from the plan's ISP name)")
    .option("--region <id>", "a region of the plan to report (repeatable; default: every region)", collect)
    .option("--plan <file>", "the address plan (default: from -c, else plan.yaml in the data folder)")
    .option("--date <date>", "report as of this day (default today)", dayOption)
    .option("--dry-run", "print the signed push instead of sending it")
    .addHelpText(
      "after",
      "\nFrom the data folder: adoption (587/465 share of mail-client sources, last 7 days), blocked space (the\n" +
        "plan's policy), listed IPs (latest listing snapshot), complaints (last 7 days), subscribers to notify\n" +
        "(direct-to-MX senders, last 30 days). The plan's open phase is reported as notify.\n\n" +
        "Example:\n  porteiro rollout push --data data --to https://coordinator.example.org/ --key isp.key",
    )
    .action(async (options: PushOptions) => {
      if (!options.to && !options.dryRun) throw new UserError("give --to URL (or --dry-run)");
      const data = dataDir(options);
      const loaded = loadPlan(pushPlanFile(options, data));
      for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
      const key = readPrivateKey(readText(options.key, "private key"), options.key);
      const org = options.org ?? slugOf(loaded.plan.isp.name);
      const day = options.date ?? today();
      const reports = await withFlowStore(options, (flows, store) =>
        computeMeasures(store, flows, data, loaded.plan, day, options.region),
      );
      const push = signPush(org, reports, key);
      if (options.dryRun) {
        process.stdout.write(`${toJson(push)}\n`);
        return;
      }
      const url = reportsUrl(options.to as string);
      const accepted = await sendPush(url, push);
      process.stdout.write(
        `${table([
          ["region", "phase", "adoption", "notify", "blocked IPv4", "listed", "complaints"],
          ...reports.map((r) => [
            r.region,
            r.phase,
            r.adoption_pct === null || r.adoption_pct === undefined ? "-" : `${r.adoption_pct}%`,
            String(r.subscribers_notified ?? "-"),
            String(r.blocked_ipv4 ?? "-"),
            String(r.listed_ips ?? "-"),
            String(r.complaints ?? "-"),
          ]),
        ])}\nsent ${accepted.reports.length} reports for ${org} as of ${day} to ${url.href}\n`,
      );
    });
}

export function registerRolloutCommands(program: Command): void {
  const rollout = example(
    program.command("rollout"),
    "porteiro rollout status --data coordinator",
  ).description(
    "the national programme: organisations, people, regions and calendar, documents, commitments, signed status reports, noise",
  );
  registerKeygen(rollout);
  registerOrgCommands(rollout);
  registerProgrammeCommands(rollout);
  registerPush(rollout);
  registerCommitmentCommands(rollout);
  registerDocumentCommands(rollout);
  registerNoiseCommands(rollout);
  registerImportCommands(rollout);
}
