import { createPrivateKey, X509Certificate } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { Document, isMap, isPair, isScalar, isSeq, visit } from "yaml";
import {
  type Diagnostic,
  DiagnosticsError,
  formatDiagnostic,
  parseYamlSource,
  UserError,
  type YamlPath,
} from "../core/index.js";
import { loadPlan, readText } from "../plan/index.js";
import { AUTOCONFIG_OFF, autoconfigOn } from "../web/index.js";
import { type Config, loadConfig } from "./config.js";
import { toJson } from "./output.js";

const DEFAULT_FILE = "porteiro.yaml";
/** A certificate this close to its end is worth a warning: renewal is due. */
const RENEW_WITHIN_DAYS = 14;
/** Keys whose values are secrets: shown as set, never printed. */
const SECRET_KEYS = new Set(["pass", "password", "secret"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The configuration as the services will use it: every key, defaults filled in, paths resolved. */
function effective(config: Config): { [key: string]: Json } {
  const { file: _file, honeypotEnabled, ...sections } = config;
  const shown = endpointsAsWritten(JSON.parse(JSON.stringify(sections)) as Json) as { [key: string]: Json };
  if (!honeypotEnabled) delete shown.honeypot;
  return shown;
}

/** Whether the file itself sets the value at `path` (else it is a default); a scalar sets all below it. */
function setInFile(value: unknown, path: YamlPath): boolean {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== "object") return true;
    if (!(key in node)) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return true;
}

/** A listener as the file writes it: host:port, an IPv6 host in brackets. */
function endpointsAsWritten(value: Json): Json {
  if (Array.isArray(value)) return value.map(endpointsAsWritten);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 2 && typeof value.host === "string" && typeof value.port === "number")
    return `${value.host.includes(":") ? `[${value.host}]` : value.host}:${value.port}`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, endpointsAsWritten(v)]));
}

function masked(value: Json, key: string): Json {
  if (SECRET_KEYS.has(key) && typeof value === "string") return "********";
  if (Array.isArray(value)) return value.map((item) => masked(item, ""));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, k)]));
  return value;
}

/** Drops every key the file does not set, as `postconf -n` shows only what main.cf changes. */
function onlySet(value: Json, source: unknown, path: YamlPath = []): Json | undefined {
  if (!setInFile(source, path)) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const kept = Object.entries(value).flatMap(([key, v]) => {
    const inner = onlySet(v, source, [...path, key]);
    return inner === undefined ? [] : [[key, inner] as const];
  });
  return Object.fromEntries(kept);
}

/** YAML of the effective configuration, each key the file leaves unset marked `# default`. */
function annotatedYaml(config: { [key: string]: Json }, source: unknown): string {
  const doc = new Document(config);
  visit(doc, {
    Pair(_key, pair, ancestors) {
      if (!isScalar(pair.key)) return;
      const path: (string | number)[] = [];
      for (const [i, node] of ancestors.entries()) {
        if (isPair(node) && isScalar(node.key)) path.push(String(node.key.value));
        if (isSeq(node)) path.push(node.items.indexOf(ancestors[i + 1] as never));
      }
      path.push(String(pair.key.value));
      if (setInFile(source, path)) return;
      const target = isMap(pair.value) || isSeq(pair.value) ? pair.key : pair.value;
      if (target && (isScalar(target) || isMap(target) || isSeq(target))) target.comment = " default";
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** What the services would trip over at start, beyond what the schema checks. */
function findings(config: Config): Diagnostic[] {
  const source = parseYamlSource(readFileSync(config.file, "utf8"), config.file);
  const at = (path: YamlPath, severity: Diagnostic["severity"], message: string): Diagnostic => ({
    file: config.file,
    line: source.lineOf(path),
    severity,
    message,
  });
  const out: Diagnostic[] = [];
  const readable = (file: string) => {
    try {
      accessSync(file, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  };

  try {
    for (const warning of loadPlan(config.plan).warnings) out.push(warning);
  } catch (error) {
    if (error instanceof DiagnosticsError) out.push(...error.diagnostics);
    else out.push(at(["plan"], "error", `plan: ${(error as Error).message}`));
  }

  const { cert, key } = config.submission;
  if ((cert === undefined) !== (key === undefined))
    out.push(at(["submission"], "error", "submission: cert and key go together; give both or neither"));
  else if (cert && key) {
    if (!readable(cert))
      out.push(at(["submission", "cert"], "error", `submission.cert: cannot read ${cert}`));
    else if (!readable(key))
      out.push(at(["submission", "key"], "error", `submission.key: cannot read ${key}`));
    else out.push(...certificateFindings(cert, key, at));
  }
  for (const [i, dkim] of config.submission.dkim.entries()) {
    if (!readable(dkim.private_key_file))
      out.push(
        at(
          ["submission", "dkim", i],
          "error",
          `DKIM key for ${dkim.domain}: cannot read ${dkim.private_key_file}`,
        ),
      );
  }
  if (existsSync(config.data)) {
    try {
      accessSync(config.data, constants.W_OK);
    } catch {
      out.push(at(["data"], "error", `data: ${config.data} is not writable`));
    }
  } else
    out.push(
      at(["data"], "warning", `data: ${config.data} does not exist yet; it is created at the first start`),
    );
  if (!autoconfigOn(config.web)) out.push(at(["web"], "warning", AUTOCONFIG_OFF));
  if (!isLoopback(config.web.listen.host) && !config.web.secure_cookies)
    out.push(
      at(
        ["web", "listen"],
        "warning",
        "web.listen is not loopback and secure_cookies is off: serve it through TLS",
      ),
    );
  return out;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

function certificateFindings(
  cert: string,
  key: string,
  at: (path: YamlPath, severity: Diagnostic["severity"], message: string) => Diagnostic,
): Diagnostic[] {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(cert));
  } catch {
    return [at(["submission", "cert"], "error", `submission.cert: ${cert} holds no PEM certificate`)];
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(readFileSync(key))))
      return [at(["submission", "key"], "error", `submission.key: ${key} is not the certificate's key`)];
  } catch {
    return [at(["submission", "key"], "error", `submission.key: ${key} holds no PEM private key`)];
  }
  const end = new Date(certificate.validTo);
  const days = Math.floor((end.getTime() - Date.now()) / 86_400_000);
  if (days < 0)
    return [at(["submission", "cert"], "error", `submission.cert expired on ${end.toISOString()}`)];
  if (days < RENEW_WITHIN_DAYS)
    return [
      at(["submission", "cert"], "warning", `submission.cert expires in ${days} days (${end.toISOString()})`),
    ];
  return [];
}

const configFile = (options: { config?: string }) => options.config ?? DEFAULT_FILE;

function load(file: string): Config {
  if (!existsSync(file))
    throw new UserError(`no configuration at ${file}; use -c FILE (porteiro init writes one)`);
  return loadConfig(file);
}

export function registerConfigCommands(program: Command): void {
  const config = program
    .command("config")
    .description("porteiro.yaml: check it, and show what the services will use");

  config
    .command("check")
    .description(
      "validate porteiro.yaml and what it names: the plan, certificate and key, DKIM keys, data folder",
    )
    .option("-c, --config <file>", "the configuration file", DEFAULT_FILE)
    .addHelpText(
      "after",
      "\nErrors and warnings print as FILE:LINE: message; any error exits 1.\nExample:\n  porteiro config check -c /etc/porteiro/porteiro.yaml",
    )
    .action((options: { config?: string }) => {
      const file = configFile(options);
      const found = findings(load(file));
      const errors = found.filter((d) => d.severity === "error");
      const warnings = found.length - errors.length;
      for (const d of found) if (d.severity === "warning") process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (errors.length > 0) throw new DiagnosticsError(errors);
      process.stdout.write(
        `${file}: ok${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}\n`,
      );
    });

  config
    .command("show")
    .description(
      "print the effective configuration: every key with its value, defaults marked (like postconf)",
    )
    .option("-c, --config <file>", "the configuration file", DEFAULT_FILE)
    .option("-n, --non-default", "only the keys the file sets (like postconf -n)")
    .option("--format <format>", "yaml or json", "yaml")
    .addHelpText(
      "after",
      "\nPaths are resolved against the file's folder; secrets (a smarthost's pass) print as ********.\nExample:\n  porteiro config show -c porteiro.yaml -n",
    )
    .action((options: { config?: string; nonDefault?: boolean; format: string }) => {
      if (options.format !== "yaml" && options.format !== "json")
        throw new UserError(`--format must be yaml or json, not "${options.format}"`);
      const file = configFile(options);
      const loaded = load(file);
      const source = parseYamlSource(readText(file), file).value;
      const full = masked(effective(loaded), "") as { [key: string]: Json };
      const shown = options.nonDefault ? ((onlySet(full, source) ?? {}) as { [key: string]: Json }) : full;
      process.stdout.write(
        options.format === "json"
          ? `${toJson(shown)}\n`
          : options.nonDefault
            ? new Document(shown).toString({ lineWidth: 0 })
            : annotatedYaml(shown, source),
      );
    });
}
