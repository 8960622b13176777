import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { PassThrough, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import addressparser from "nodemailer/lib/addressparser";
import DKIM from "nodemailer/lib/dkim";
import { UserError } from "../core/index.js";
import type { SubmissionConfig } from "./config.js";
import { headerBlockEnd } from "./headers.js";
import type { SpoolWriter } from "./spool.js";

export interface DkimKey {
  readonly domain: string;
  readonly selector: string;
  readonly privateKey: string;
}

/** Header bytes looked at for From:; a header block longer than this is not signed. */
const HEADER_LIMIT = 1024 * 1024;
/** Signed messages past this size wait for their body hash on disk, not in memory. */
const MEMORY_LIMIT = 1024 * 1024;

/** The configured keys by domain, each file read and checked to be an RSA private key. */
export function loadDkimKeys(entries: SubmissionConfig["dkim"]): Map<string, DkimKey> {
  const keys = new Map<string, DkimKey>();
  for (const entry of entries) {
    let privateKey: string;
    try {
      privateKey = readFileSync(entry.private_key_file, "utf8");
      if (createPrivateKey(privateKey).asymmetricKeyType !== "rsa") throw new Error("not an RSA key");
    } catch (error) {
      throw new UserError(
        `${entry.private_key_file}: cannot use it as the DKIM key of ${entry.domain} (${(error as Error).message})`,
      );
    }
    keys.set(entry.domain, { domain: entry.domain, selector: entry.selector, privateKey });
  }
  return keys;
}

/** The address in the header block's From: field (the first, should there be several). */
export function fromAddress(headerBlock: string): string | undefined {
  const field = /(?:^|\r\n)From[ \t]*:((?:[^\r\n]|\r\n[ \t])*)/i.exec(headerBlock);
  if (!field?.[1]) return undefined;
  const [first] = addressparser(field[1].replace(/\r\n/g, ""), { flatten: true });
  return first?.address ? first.address.toLowerCase() : undefined;
}

/**
 * A spool writer that DKIM-signs (rsa-sha256, relaxed/relaxed, nodemailer's signer) what is
 * written to it: it holds the bytes back until the header block is complete, asks `keyFor`
 * which key fits that header block, then either passes everything through unsigned or streams
 * it through the signer, which prepends the DKIM-Signature field once the body is hashed.
 */
export function dkimSigningWriter(
  writer: SpoolWriter,
  keyFor: (headerBlock: string) => DkimKey | undefined,
  cacheDir: string,
): SpoolWriter {
  let head: Buffer | undefined = Buffer.alloc(0);
  let signer: { input: PassThrough; done: Promise<void> } | undefined;

  const forward = async (chunk: Buffer) => {
    if (!signer) return writer.write(chunk);
    const { input, done } = signer;
    const fed = new Promise<void>((resolve, reject) =>
      input.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
    // A failing spool write ends the pipeline; the write into the signer must not wait on it.
    await Promise.race([fed, done]);
  };

  const start = async (held: Buffer, headerEnd: number) => {
    head = undefined;
    const key = headerEnd === -1 ? undefined : keyFor(held.subarray(0, headerEnd).toString("latin1"));
    if (key) {
      const input = new PassThrough();
      const output = new DKIM({
        domainName: key.domain,
        keySelector: key.selector,
        privateKey: key.privateKey,
        cacheDir,
        cacheTreshold: MEMORY_LIMIT,
      }).sign(input);
      const sink = new Writable({
        write: (chunk: Buffer, _encoding, callback) => {
          writer.write(chunk).then(() => callback(), callback);
        },
      });
      const done = pipeline(output, sink);
      done.catch(() => undefined);
      signer = { input, done };
    }
    await forward(held);
  };

  return {
    write: async (chunk) => {
      if (!head) return forward(chunk);
      const held = Buffer.concat([head, chunk]);
      const end = headerBlockEnd(held);
      if (end !== -1) return start(held, end);
      if (held.length >= HEADER_LIMIT) return start(held, -1);
      head = held;
    },
    commit: async (envelope, hold) => {
      // A message without a body (no empty line) goes unsigned.
      if (head) await start(head, -1);
      if (signer) {
        signer.input.end();
        await signer.done;
      }
      return writer.commit(envelope, hold);
    },
    abort: async () => {
      // With an error, so the signer tears its side down and the pipeline settles.
      signer?.input.destroy(new Error("message aborted"));
      await signer?.done.catch(() => undefined);
      await writer.abort();
    },
  };
}
