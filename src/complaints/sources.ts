import { createReadStream } from "node:fs";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../core/index.js";
import { splitMbox } from "./mbox.js";
import type { ReportKind } from "./parse-report.js";

/** One report to read: its bytes, or null when larger than the limit (then only its size is known). */
export interface ReportItem {
  /** Where it came from, as the summary names it: `file` or `file:message-index`. */
  readonly source: string;
  readonly kind: ReportKind;
  readonly bytes: Buffer | null;
  readonly size: number;
  /** Set when the file could not be read (permissions, vanished): the item is rejected with it. */
  readonly readError?: string;
}

export const extensionOf = (kind: ReportKind): string => (kind === "json" ? "json" : "eml");

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function firstBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function fileItem(file: string, kind: ReportKind, maxBytes: number): Promise<ReportItem> {
  try {
    const { size } = await stat(file);
    return { source: file, kind, bytes: size > maxBytes ? null : await readFile(file), size };
  } catch (error) {
    return {
      source: file,
      kind,
      bytes: null,
      size: 0,
      readError: `cannot read (${(error as NodeJS.ErrnoException).code})`,
    };
  }
}

async function* mboxItems(file: string, maxBytes: number): AsyncGenerator<ReportItem> {
  for await (const message of splitMbox(createReadStream(file), maxBytes)) {
    yield { source: `${file}:${message.index}`, kind: "message", bytes: message.bytes, size: message.size };
  }
}

/** A single file: X-ARF JSON by its name or first character, an mbox by its first line, else one message. */
async function* singleFile(file: string, maxBytes: number): AsyncGenerator<ReportItem> {
  let head: Buffer;
  try {
    head = await firstBytes(file, 64);
  } catch (error) {
    const readError = `cannot read (${(error as NodeJS.ErrnoException).code})`;
    yield { source: file, kind: "message", bytes: null, size: 0, readError };
    return;
  }
  if (/\.json$/i.test(file) || head.toString("utf8").trimStart().startsWith("{")) {
    yield fileItem(file, "json", maxBytes);
  } else if (head.subarray(0, 5).toString("latin1") === "From ") {
    yield* mboxItems(file, maxBytes);
  } else {
    yield fileItem(file, "message", maxBytes);
  }
}

async function sortedFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
}

/**
 * The reports under a path: a Maildir (its cur/ and new/ messages; tmp/ is mail being delivered),
 * a folder of .eml and .json files, an mbox file, a single .eml or an X-ARF .json file. Items are
 * produced one at a time; a big mbox is streamed, not read whole.
 */
export async function* reportItems(path: string, maxBytes: number): AsyncGenerator<ReportItem> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read (${code === "ENOENT" ? "no such file or folder" : code})`);
  }
  if (!info.isDirectory()) {
    yield* singleFile(path, maxBytes);
    return;
  }
  const maildir = (await isDirectory(join(path, "cur"))) || (await isDirectory(join(path, "new")));
  if (maildir) {
    for (const sub of ["cur", "new"]) {
      if (!(await isDirectory(join(path, sub)))) continue;
      for (const name of await sortedFiles(join(path, sub)))
        yield fileItem(join(path, sub, name), "message", maxBytes);
    }
    return;
  }
  for (const name of await sortedFiles(path)) {
    if (/\.eml$/i.test(name)) yield fileItem(join(path, name), "message", maxBytes);
    else if (/\.json$/i.test(name)) yield fileItem(join(path, name), "json", maxBytes);
    else if (/\.mbox$/i.test(name)) yield* singleFile(join(path, name), maxBytes);
  }
}
