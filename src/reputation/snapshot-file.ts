import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { endianness } from "node:os";
import { dirname } from "node:path";
import { UserError } from "../core/index.js";
import type { ListingSet } from "./listing-set.js";

/*
 * Snapshot file layout, version 1 (all counts little-endian uint32):
 *   0  magic "PTLS"
 *   4  version (1)
 *   8  IPv4 range count n4
 *  12  IPv6 range count n6
 *  16  n4 × (start, end) as little-endian uint32, ascending, disjoint
 *   …  n6 × (start, end) as 16-byte big-endian integers, ascending, disjoint
 * Ranges are inclusive and in ListingSet form, so reading needs no sorting or merging.
 */
const MAGIC = 0x534c5450; // "PTLS" read as a little-endian uint32
const VERSION = 1;
const HEADER = 16;
const LITTLE_ENDIAN_HOST = endianness() === "LE";

function v4Bytes(v4: Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(v4.buffer, v4.byteOffset, v4.byteLength);
  const bytes = new Uint8Array(v4.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < v4.length; i++) view.setUint32(4 * i, v4[i] as number, true);
  return bytes;
}

function v6Bytes(starts: readonly bigint[], ends: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(32 * starts.length);
  const view = new DataView(bytes.buffer);
  const put = (at: number, value: bigint) => {
    view.setBigUint64(at, value >> 64n);
    view.setBigUint64(at + 8, value & 0xffffffffffffffffn);
  };
  for (let i = 0; i < starts.length; i++) {
    put(32 * i, starts[i] as bigint);
    put(32 * i + 16, ends[i] as bigint);
  }
  return bytes;
}

/**
 * Writes the set to `path` so that a reader sees the old file or the new one, never a part:
 * a temporary file is written and fsync'd, renamed over the old one, and the folder fsync'd.
 */
export function writeSnapshotFile(path: string, set: ListingSet): void {
  mkdirSync(dirname(path), { recursive: true });
  const header = new Uint8Array(HEADER);
  const view = new DataView(header.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, set.v4.length / 2, true);
  view.setUint32(12, set.v6Starts.length, true);
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, "w");
  try {
    for (const part of [header, v4Bytes(set.v4), v6Bytes(set.v6Starts, set.v6Ends)]) {
      for (let done = 0; done < part.length; ) done += writeSync(fd, part, done, part.length - done);
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  const folder = openSync(dirname(path), "r");
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

export function readSnapshotFile(path: string): ListingSet {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`${path}: cannot read the snapshot (${(error as Error).message})`);
  }
  const damaged = (why: string) => new UserError(`${path}: not a porteiro snapshot (${why})`);
  if (bytes.length < HEADER) throw damaged("too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw damaged("bad magic");
  if (view.getUint32(4, true) !== VERSION) throw damaged(`version ${view.getUint32(4, true)}`);
  const n4 = view.getUint32(8, true);
  const n6 = view.getUint32(12, true);
  if (bytes.length !== HEADER + 8 * n4 + 32 * n6) throw damaged("wrong size");
  const v4 = new Uint32Array(2 * n4);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(v4.buffer).set(bytes.subarray(HEADER, HEADER + 8 * n4));
  else for (let i = 0; i < 2 * n4; i++) v4[i] = view.getUint32(HEADER + 4 * i, true);
  const v6Starts: bigint[] = [];
  const v6Ends: bigint[] = [];
  const get = (at: number) => (view.getBigUint64(at) << 64n) | view.getBigUint64(at + 8);
  for (let i = 0, at = HEADER + 8 * n4; i < n6; i++, at += 32) {
    v6Starts.push(get(at));
    v6Ends.push(get(at + 16));
  }
  return { v4, v6Starts, v6Ends };
}
