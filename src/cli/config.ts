import { dirname, resolve } from "node:path";
import { z } from "zod";
import { type CampaignsConfig, campaignsConfigSchema } from "../campaigns/index.js";
import { DiagnosticsError, parseYamlSource, UserError, zodDiagnostics } from "../core/index.js";
import { type FlowsConfig, flowsConfigSchema } from "../flows/index.js";
import { type HoneypotConfig, honeypotConfigSchema } from "../honeypot/index.js";
import { readText } from "../plan/index.js";
import { type SubmissionConfig, submissionConfigSchema } from "../submission/index.js";
import { type WebConfig, webConfigSchema } from "../web/index.js";

const configSchema = z.strictObject({
  plan: z.string().min(1).default("plan.yaml"),
  data: z.string().min(1).default("data"),
  submission: submissionConfigSchema,
  honeypot: honeypotConfigSchema,
  web: webConfigSchema,
  flows: flowsConfigSchema,
  campaigns: campaignsConfigSchema,
});

/** porteiro.yaml with its relative paths resolved against the folder that holds it. */
export interface Config {
  readonly file: string;
  readonly plan: string;
  readonly data: string;
  /** The `submission:` section, its certificate and DKIM key paths resolved like the others. */
  readonly submission: SubmissionConfig;
  /** The `honeypot:` section: the spam honeypot sensor's listeners and bounds. */
  readonly honeypot: HoneypotConfig;
  /** Whether the file has a `honeypot:` section: only then does `porteiro serve` run the sensor. */
  readonly honeypotEnabled: boolean;
  /** The `web:` section: the web server and what the help site and autoconfig tell subscribers. */
  readonly web: WebConfig;
  /** The `flows:` section: the flow store's URL and retention. */
  readonly flows: FlowsConfig;
  /** The `campaigns:` section: the notices' sender and pace. */
  readonly campaigns: CampaignsConfig;
}

export function loadConfig(file: string): Config {
  const source = parseYamlSource(readText(file), file);
  const result = configSchema.safeParse(source.value);
  if (!result.success) throw new DiagnosticsError(zodDiagnostics(file, source, [], result.error));
  const base = dirname(file);
  const { submission } = result.data;
  return {
    file,
    plan: resolve(base, result.data.plan),
    data: resolve(base, result.data.data),
    submission: {
      ...submission,
      ...(submission.cert ? { cert: resolve(base, submission.cert) } : {}),
      ...(submission.key ? { key: resolve(base, submission.key) } : {}),
      auth: {
        ...submission.auth,
        ...(submission.auth.socket ? { socket: resolve(base, submission.auth.socket) } : {}),
        ...(submission.auth.tls_ca ? { tls_ca: resolve(base, submission.auth.tls_ca) } : {}),
        ...(submission.auth.bind_password_file
          ? { bind_password_file: resolve(base, submission.auth.bind_password_file) }
          : {}),
      },
      dkim: submission.dkim.map((key) => ({ ...key, private_key_file: resolve(base, key.private_key_file) })),
    },
    honeypot: result.data.honeypot,
    honeypotEnabled: typeof source.value === "object" && source.value !== null && "honeypot" in source.value,
    web: result.data.web,
    flows: result.data.flows,
    campaigns: result.data.campaigns,
  };
}

/** The plan file named by `--plan`, or else by the config file. */
export function planPath(options: { plan?: string; config?: string }): string {
  if (options.plan) return options.plan;
  if (options.config) return loadConfig(options.config).plan;
  throw new UserError("no plan given; use --plan FILE or -c porteiro.yaml");
}

/** The data folder named by `--data`, or else by the config file, or else ./data. */
export function dataDir(options: { data?: string; config?: string }): string {
  if (options.data) return options.data;
  if (options.config) return loadConfig(options.config).data;
  return "data";
}

/** The flow store's URL: --flows-store, else the config's `flows.store`, else sqlite. */
export function flowStoreUrl(options: { flowsStore?: string; config?: string }): string {
  if (options.flowsStore !== undefined) return options.flowsStore;
  return options.config ? loadConfig(options.config).flows.store : "sqlite";
}
