import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { DiagnosticsError, UserError } from "../core/index.js";
import { readText } from "../plan/index.js";
import { type SubmissionConfig, submissionConfigSchema } from "../submission/index.js";

const configSchema = z.strictObject({
  plan: z.string().min(1).default("plan.yaml"),
  data: z.string().min(1).default("data"),
  submission: submissionConfigSchema,
});

/** porteiro.yaml with its relative paths resolved against the folder that holds it. */
export interface Config {
  readonly file: string;
  readonly plan: string;
  readonly data: string;
  /** The `submission:` section, its certificate and DKIM key paths resolved like the others. */
  readonly submission: SubmissionConfig;
}

export function loadConfig(file: string): Config {
  const text = readText(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first)
    throw new UserError(
      `${file}:${lineCounter.linePos(first.pos[0]).line}: YAML: ${first.message.split("\n")[0]}`,
    );
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new DiagnosticsError(
      result.error.issues.map((issue) => {
        const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number] } | undefined;
        const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
        const key = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
        const message = issue.code === "unrecognized_keys" ? `unknown key "${issue.keys[0]}"` : issue.message;
        return { file, line, severity: "error" as const, message: `${key}${message}` };
      }),
    );
  }
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
      dkim: submission.dkim.map((key) => ({ ...key, private_key_file: resolve(base, key.private_key_file) })),
    },
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
