/**
 * Bounces of notices: delivery status notifications (RFC 3464) that came back to the notices'
 * sender. Each failed recipient's address is marked bad in the directory and its notices bounced,
 * so the next campaign lists the subscriber apart instead of writing to it again.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/index.js";
import type { Store } from "../store/index.js";
import { markEmailBad } from "../subscribers/index.js";

export interface Bounce {
  readonly recipient: string;
  readonly status: string;
  readonly diagnostic: string;
}

/** The failed recipients of one DSN: its delivery-status fields, one group per recipient. */
export function parseDsn(raw: string): Bounce[] {
  const text = raw.replace(/\r\n/g, "\n").replace(/\n[ \t]+/g, " ");
  const bounces: Bounce[] = [];
  for (const group of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(group)?.[1]?.trim();
    const recipient = field("Final-Recipient") ?? field("Original-Recipient");
    if (!recipient || field("Action")?.toLowerCase() !== "failed") continue;
    bounces.push({
      recipient: recipient.replace(/^rfc822;\s*/i, "").replace(/^<|>$/g, ""),
      status: field("Status") ?? "",
      diagnostic: field("Diagnostic-Code")?.replace(/^smtp;\s*/i, "") ?? "",
    });
  }
  return bounces;
}

/** Reads a DSN file, or every file of a folder, and records their bounces. */
export function importBounces(store: Store, path: string): { files: number; bounces: Bounce[] } {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .sort()
          .map((f) => join(path, f))
          .filter((f) => statSync(f).isFile())
      : [path];
  } catch (error) {
    throw new UserError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const bounces = files.flatMap((file) => parseDsn(readFileSync(file, "latin1")));
  const mark = store.prepare(
    `UPDATE campaign_notices SET bounced_at = ?, bounce_reason = ?
     WHERE email = ? COLLATE NOCASE AND bounced_at IS NULL`,
  );
  const now = new Date();
  store.transaction(() => {
    for (const b of bounces) {
      const reason = `${b.status} ${b.diagnostic}`.trim();
      markEmailBad(store, b.recipient, reason, now);
      mark.run(now.toISOString(), reason, b.recipient);
    }
  })();
  return { files: files.length, bounces };
}
