import { createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

export const RAW_FOLDER = join("complaints", "raw");
export const REJECTED_FOLDER = join("complaints", "rejected");

export const sha256 = (bytes: Buffer | string): string => createHash("sha256").update(bytes).digest("hex");

function syncFolder(folder: string): void {
  const fd = openSync(folder, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file whole or not at all: temp name, fsync, rename, fsync of the folder. */
export function writeDurably(file: string, bytes: Buffer | string): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  const temp = join(folder, `.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, "w", 0o640);
  try {
    writeSync(fd, typeof bytes === "string" ? Buffer.from(bytes) : bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  syncFolder(folder);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps a report's raw bytes once, named by their SHA-256 (`complaints/raw/ab/abcd….eml`).
 * Returns the path relative to the data folder.
 */
export function keepRaw(dataDir: string, hash: string, bytes: Buffer, extension: string): string {
  const relative = join(RAW_FOLDER, hash.slice(0, 2), `${hash}.${extension}`);
  const file = join(dataDir, relative);
  if (!exists(file)) writeDurably(file, bytes);
  return relative;
}

/**
 * Keeps a rejected item and why: `complaints/rejected/<sha256>.<ext>` with `<sha256>.reason`
 * beside it. An item too large to hold gets only the reason file, named after where it was.
 */
export function keepRejected(
  dataDir: string,
  source: string,
  reason: string,
  item: { bytes: Buffer; extension: string } | null,
): string {
  const name = item ? sha256(item.bytes) : `too-large-${sha256(source)}`;
  const folder = join(dataDir, REJECTED_FOLDER);
  if (item) {
    const file = join(folder, `${name}.${item.extension}`);
    if (!exists(file)) writeDurably(file, item.bytes);
  }
  const reasonFile = join(folder, `${name}.reason`);
  writeDurably(reasonFile, `source: ${source}\nreason: ${reason}\n`);
  return reasonFile;
}
