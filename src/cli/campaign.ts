/** `porteiro campaign`: notices to the subscribers a region's switch to enforce affects, and their follow-up. */
import { hostname as systemHostname } from "node:os";
import type { Command } from "commander";
import {
  affectedSenders,
  type CampaignPlan,
  campaignFunnel,
  campaignName,
  campaignTraffic,
  type FunnelRow,
  importBounces,
  type NoticeSettings,
  NoticeTemplates,
  openNotices,
  planCampaign,
  reminderPlan,
  sendCampaign,
  settleNotices,
} from "../campaigns/index.js";
import { createLogger, type Day, UserError } from "../core/index.js";
import type { FlowStore } from "../flows/index.js";
import type { Plan } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { deliveryHolder, type OwnedDelivery, Spool, startOwnedDelivery } from "../submission/index.js";
import { type Config, dataDir, loadConfig } from "./config.js";
import { withFlowStore } from "./flow-store-options.js";
import {
  type AnalysisOptions,
  classOptions,
  csv,
  loadedPlan,
  planOptions,
  thresholdsOf,
} from "./flows-analysis.js";
import { dayOption } from "./options.js";
import { printable, table, toJson } from "./output.js";
import { withExistingStore } from "./store-options.js";

type CampaignOptions = AnalysisOptions & { region: string; at: Day };

const configOf = (options: { config?: string }): Config | undefined =>
  options.config ? loadConfig(options.config) : undefined;

async function planned(
  flows: FlowStore,
  store: Store,
  plan: Plan,
  options: CampaignOptions,
): Promise<CampaignPlan> {
  if (!plan.regions.some((r) => r.id === options.region))
    throw new UserError(`no region ${options.region} in the plan`);
  const affected = await affectedSenders(flows, store, plan, {
    ...options,
    thresholds: thresholdsOf(options),
  });
  return planCampaign(store, {
    region: options.region,
    at: options.at,
    ...affected,
    defaultLanguage: configOf(options)?.campaigns.default_language ?? "pt-BR",
  });
}

function settingsOf(config: Config | undefined, plan: Plan): NoticeSettings {
  const from = config?.campaigns.from;
  if (!from) throw new UserError("porteiro.yaml names no campaigns.from: the address the notices come from");
  const web = config.web;
  const host = web.submission_host ?? config.submission.hostname ?? systemHostname();
  return {
    from,
    provider: web.provider_name ?? plan.isp.name,
    submissionHost: host,
    submissionPort: web.submission_port,
    submissionTlsPort: web.submission_tls_port,
    support: web.support_contact ?? "",
    regionNames: new Map(plan.regions.map((r) => [r.id, r.name])),
  };
}

function printPlan(plan: CampaignPlan, format: string): void {
  if (format === "json") {
    process.stdout.write(`${toJson(plan)}\n`);
    return;
  }
  const rows = [
    ...plan.notify.map((t) => [t.subscriber, t.email, t.class, t.kind, t.language, "notify", t.evidence]),
    ...plan.apart.map((a) => [a.subscriber, "", a.class, "", "", a.reason, a.evidence]),
  ];
  if (format === "csv") {
    process.stdout.write(
      csv(["subscriber", "email", "class", "notice", "language", "action", "evidence"], rows),
    );
    return;
  }
  const lines = [
    `${plan.campaign}: ${plan.notify.length} to notify, ${plan.apart.length} listed apart`,
    ...(plan.notify.length > 0
      ? [
          "",
          table([
            ["subscriber", "email", "class", "notice", "language", "addresses"],
            ...plan.notify.map((t) => [
              printable(t.subscriber),
              printable(t.email),
              t.class,
              t.kind,
              t.language,
              t.addresses.join(" "),
            ]),
          ]),
        ]
      : []),
    ...(plan.apart.length > 0
      ? [
          "",
          "Listed apart (no notice):",
          table([
            ["subscriber", "class", "addresses", "reason"],
            ...plan.apart.map((a) => [
              printable(a.subscriber ?? "-"),
              a.class,
              a.addresses.join(" "),
              printable(a.reason),
            ]),
          ]),
        ]
      : []),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Until each of the campaign's notices in the spool (this run's, and those an interrupted run
 * queued) had its first delivery attempt; later retries stay in the spool.
 */
async function firstAttempts(spool: Spool, ids: readonly string[]): Promise<void> {
  const unattempted = (id: string) =>
    spool.message(id) !== undefined &&
    spool.recipients(id).some((r) => r.state === "queued" && r.attempts === 0);
  // The delivery takes them about in queue order: each look drops the attempted ones at the front
  // and stops at the first still waiting, rather than looking at every one each time.
  let open = ids;
  for (;;) {
    const waiting = open.findIndex(unattempted);
    if (waiting === -1) return;
    open = open.slice(waiting);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function campaignOptions(command: Command): Command {
  return classOptions(planOptions(command)).requiredOption(
    "--at <date>",
    "the region's enforce day (YYYY-MM-DD)",
    dayOption,
  );
}

export function registerCampaignCommands(program: Command): void {
  const campaign = program
    .command("campaign")
    .description("notices to the subscribers a region's switch to enforce affects, and who moved after them");

  campaignOptions(campaign.command("plan"))
    .description("who would get which notice, and who is listed apart and why")
    .addHelpText(
      "after",
      "\nThe subscribers are those behind the senders `flows impact --at D --region R` lists, one notice each:\n" +
        "mail-client (move to port 587 before D), bot-like (a device appears infected), server (apply for an\n" +
        "exception or move to a business line). Listed apart: senders an exception keeps on port 25, addresses no\n" +
        "lease names a subscriber for, subscribers without a good e-mail address on file, and those notified\n" +
        "for this campaign already.\n\nExample:\n  porteiro campaign plan -c porteiro.yaml --region sul --at 2027-03-01",
    )
    .action(async (options: CampaignOptions) => {
      if (!options.region) throw new UserError("give --region");
      const plan = loadedPlan(options);
      printPlan(
        await withFlowStore(options, (flows, store) => planned(flows, store, plan, options)),
        options.format,
      );
    });

  campaignOptions(campaign.command("send"))
    .description("send the notices through porteiro's submission queue (or write them to --dry-run DIR)")
    .option("--dry-run <dir>", "write each message to DIR as a .eml file; queue and record nothing")
    .option(
      "--reminders",
      "send the campaign's reminders instead: to those notified campaigns.reminder_days ago or more and still on port 25 since (once each)",
    )
    .addHelpText(
      "after",
      "\nEach notice is recorded before it is queued, and marked queued in the transaction that puts it in\n" +
        "the spool: a send cut short (even by kill -9) and run again queues the rest and nobody twice.\n" +
        "campaigns.per_minute in porteiro.yaml sets the pace (0: unlimited). The notices go through the\n" +
        "submission spool and its delivery (submission.smarthost, else each domain's MX). When a `serve` or\n" +
        "`submission serve` on the same data folder delivers, it delivers them; otherwise this command does,\n" +
        "until each notice had its first attempt (retries stay queued for the next delivery).\n" +
        "With --reminders, the subscribers notified at least campaigns.reminder_days ago (default 7) whom the\n" +
        "flows still show sending direct to port 25 after their notice get the same notice again, its subject\n" +
        "marked as a reminder; one reminder per subscriber and campaign.\n\n" +
        "Examples:\n  porteiro campaign send -c porteiro.yaml --region sul --at 2027-03-01 --dry-run /tmp/notices\n" +
        "  porteiro campaign send -c porteiro.yaml --region sul --at 2027-03-01\n" +
        "  porteiro campaign send -c porteiro.yaml --region sul --at 2027-03-01 --reminders",
    )
    .action(async (options: CampaignOptions & { dryRun?: string; reminders?: boolean }) => {
      if (!options.region) throw new UserError("give --region");
      const plan = loadedPlan(options);
      const config = configOf(options);
      const settings = settingsOf(config, plan);
      const data = dataDir(options);
      const round = options.reminders ? 1 : 0;
      await withFlowStore(options, async (flows, store) => {
        const campaignPlan = options.reminders
          ? reminderPlan(store, {
              campaign: campaignName(options.region, options.at),
              region: options.region,
              at: options.at,
              days: config?.campaigns.reminder_days ?? 7,
              traffic: await campaignTraffic(flows, store, plan, {
                region: options.region,
                thresholds: thresholdsOf(options),
              }),
            })
          : await planned(flows, store, plan, options);
        const what = round === 0 ? "notices" : "reminders";
        const templates = new NoticeTemplates(data);
        if (options.dryRun) {
          const result = await sendCampaign(campaignPlan, {
            store,
            templates,
            settings,
            perMinute: 0,
            dryRun: options.dryRun,
            round,
          });
          process.stdout.write(
            `${campaignPlan.campaign}: ${result.written} ${what} written to ${options.dryRun}\n`,
          );
          return;
        }
        const spool = new Spool(store, data);
        const section = config?.submission;
        let delivery: OwnedDelivery | undefined;
        try {
          delivery = startOwnedDelivery({
            spool,
            hostname: section?.hostname ?? systemHostname(),
            ...(section?.smarthost ? { smarthost: section.smarthost } : {}),
            ...(section?.mx ? { mx: section.mx } : {}),
            ...(section ? { concurrency: section.delivery_concurrency } : {}),
            ...(section ? { lifetimeMs: section.queue_lifetime_hours * 3_600_000 } : {}),
            logger: createLogger("campaign"),
          });
          const result = await sendCampaign(campaignPlan, {
            store,
            templates,
            settings,
            perMinute: config?.campaigns.per_minute ?? 60,
            spool,
            delivery,
            round,
          });
          const resumed = result.resumed > 0 ? ` (${result.resumed} recorded before an interruption)` : "";
          process.stdout.write(`${campaignPlan.campaign}: ${result.queued} ${what} queued${resumed}\n`);
          if (delivery.owns()) {
            await firstAttempts(spool, openNotices(store, campaignPlan.campaign));
            const settled = settleNotices(store, spool);
            process.stdout.write(
              `delivered ${settled.delivered}, failed ${settled.bounced}; the rest stay queued\n`,
            );
          } else {
            process.stdout.write(
              `the porteiro process ${deliveryHolder(spool.dir) ?? "running"} on this data folder delivers them\n`,
            );
          }
        } finally {
          await delivery?.stop();
        }
      });
    });

  const status = planOptions(campaign.command("status"))
    .description("the funnel per region and class: affected, notified, delivered, moved, still on 25")
    .addHelpText(
      "after",
      "\naffected: the subscribers the campaigns concern, listed apart or not; notified: a notice queued;\n" +
        "delivered: the spool delivered it and no bounce came back; still_on_25: the subscriber (through the\n" +
        "leases, whatever address they held) sent direct to port 25 after the notice; moved: delivered, not\n" +
        "on port 25 since, and either seen on 587/465 from the notice's day on, or silent on 25 through at\n" +
        "least a day of flows stored after the notice.\n\n" +
        "Example:\n  porteiro campaign status -c porteiro.yaml --format json",
    );
  classOptions(status).action(async (options: AnalysisOptions) => {
    const plan = loadedPlan(options);
    const data = dataDir(options);
    const rows: FunnelRow[] = await withFlowStore(options, async (flows, store) => {
      settleNotices(store, new Spool(store, data));
      const traffic = await campaignTraffic(flows, store, plan, {
        ...(options.region ? { region: options.region } : {}),
        thresholds: thresholdsOf(options),
      });
      return campaignFunnel(store, { ...(options.region ? { region: options.region } : {}), traffic });
    });
    const columns = ["region", "class", "affected", "notified", "delivered", "moved", "still_on_25"] as const;
    if (options.format === "json") process.stdout.write(`${toJson({ regions: rows })}\n`);
    else if (options.format === "csv")
      process.stdout.write(
        csv(
          columns,
          rows.map((r) => columns.map((c) => r[c])),
        ),
      );
    else if (rows.length === 0) process.stdout.write("no campaign sent yet\n");
    else
      process.stdout.write(
        `${table([[...columns], ...rows.map((r) => columns.map((c) => String(r[c])))])}\n`,
      );
  });

  campaign
    .command("bounces")
    .description("read delivery status notifications that came back to the notices' sender")
    .argument("<path>", "a DSN message file, or a folder of them")
    .option("--data <dir>", "data folder holding porteiro.db (default: from -c, else ./data)")
    .option("-c, --config <file>", "porteiro.yaml naming the data folder")
    .addHelpText(
      "after",
      "\nEach recipient a DSN reports as failed has its address marked bad in the directory, so later\n" +
        "campaigns list the subscriber apart until a subscribers import brings a new address.\n\n" +
        "Example:\n  porteiro campaign bounces /var/mail/bounces/ --data data",
    )
    .action((path: string, options: { data?: string; config?: string }) => {
      const result = withExistingStore(options, (store) => importBounces(store, path));
      process.stdout.write(
        `${path}: ${result.files} files, ${result.bounces.length} failed recipients marked bad\n`,
      );
      for (const b of result.bounces)
        process.stdout.write(
          `  ${printable(b.recipient)}: ${printable(`${b.status} ${b.diagnostic}`.trim())}\n`,
        );
    });
}
