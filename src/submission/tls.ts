import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/index.js";

export interface Certificate {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Where the pair came from, for the log. */
  readonly source: "configured" | "generated" | "reused";
  readonly certFile: string;
}

/**
 * The configured certificate and key, or else a self-signed pair under DATA/tls/, generated
 * once with openssl and reused afterwards, so clients that pinned it keep working.
 */
export function loadCertificate(options: {
  cert?: string;
  key?: string;
  dataDir: string;
  hostname: string;
}): Certificate {
  if (options.cert || options.key) {
    if (!options.cert || !options.key) throw new UserError("give both a TLS certificate and its key");
    return { ...readPair(options.cert, options.key), source: "configured", certFile: options.cert };
  }
  const dir = join(options.dataDir, "tls");
  const certFile = join(dir, "selfsigned.crt");
  const keyFile = join(dir, "selfsigned.key");
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { ...readPair(certFile, keyFile), source: "reused", certFile };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "3650",
        "-subj",
        `/CN=${options.hostname}`,
        "-addext",
        `subjectAltName=DNS:${options.hostname}`,
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 },
    );
  } catch (error) {
    throw new UserError(
      `cannot generate a self-signed certificate with openssl (${(error as Error).message.split("\n")[0]}); give --cert and --key`,
    );
  }
  return { ...readPair(certFile, keyFile), source: "generated", certFile };
}

function readPair(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (error) {
    throw new UserError(`cannot read the TLS certificate or key (${(error as Error).message})`);
  }
}
