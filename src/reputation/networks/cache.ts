import { createHash } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { NetworkMap } from "./network-map.js";

/**
 * A built NetworkMap as one binary file, so a report need not parse half a million CSV lines
 * (about 2 s) each time: the typed arrays are written as they are and read back as views.
 * The name carries a hash of the source files' paths, sizes and times; a changed table is
 * simply a different file, and older ones are removed when a new one is written.
 */
const MAGIC = 0x504d4e31; // "PMN1", read back wrong on a machine of the other byte order
const PREFIX = "networks-";

/** The cache file for these tables; undefined when one is missing (its reader will say so). */
export function cacheFile(dir: string, files: readonly { kind: string; file: string }[]): string | undefined {
  const hash = createHash("sha256");
  hash.update(String(MAGIC));
  for (const { kind, file } of files) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return undefined;
    hash.update(`\n${kind}\t${resolve(file)}\t${stat.size}\t${stat.mtimeMs}`);
  }
  return join(dir, `${PREFIX}${hash.digest("hex").slice(0, 20)}.bin`);
}

/** The map stored in `file`, or undefined when there is none or it is unreadable. */
export function readCachedMap(file: string): NetworkMap | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < 16 || bytes.byteOffset % 4 !== 0) return undefined;
  const buffer = bytes.buffer;
  let offset = bytes.byteOffset;
  const header = new Uint32Array(buffer, offset, 4);
  const [magic, n4, n6, nameBytes] = header as unknown as [number, number, number, number];
  const expected = 16 + n4 * 4 + n4 * 4 + pad4(n4 * 2) + n6 * 16 + n6 * 4 + pad4(n6 * 2) + nameBytes;
  if (magic !== MAGIC || bytes.length !== expected) return undefined;
  offset += 16;
  const take = <A>(make: (at: number) => A, bytesTaken: number): A => {
    const view = make(offset);
    offset += pad4(bytesTaken);
    return view;
  };
  const v4Starts = take((at) => new Uint32Array(buffer, at, n4), n4 * 4);
  const v4Asn = take((at) => new Uint32Array(buffer, at, n4), n4 * 4);
  const v4Country = take((at) => new Uint16Array(buffer, at, n4), n4 * 2);
  const words = take((at) => new Uint32Array(buffer, at, n6 * 4), n6 * 16);
  const v6Asn = take((at) => new Uint32Array(buffer, at, n6), n6 * 4);
  const v6Country = take((at) => new Uint16Array(buffer, at, n6), n6 * 2);
  const nameText = bytes.subarray(offset - bytes.byteOffset);
  const names = () => new Map(JSON.parse(nameText.toString("utf8")) as [number, string][]);
  return new NetworkMap(v4Starts, v4Asn, v4Country, words, v6Asn, v6Country, names);
}

/** Writes the map next to (then over) `file`; a cache that cannot be written is only a slower start. */
export function writeCachedMap(file: string, map: NetworkMap): void {
  const n4 = map.v4Starts.length;
  const n6 = map.v6Words.length / 4;
  const names = Buffer.from(JSON.stringify([...map.asNames]), "utf8");
  const parts = [
    new Uint32Array([MAGIC, n4, n6, names.length]),
    map.v4Starts,
    map.v4Asn,
    map.v4Country,
    map.v6Words,
    map.v6Asn,
    map.v6Country,
  ].map((array) => {
    const raw = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    return array.byteLength % 4 === 0 ? raw : Buffer.concat([raw, Buffer.alloc(4 - (array.byteLength % 4))]);
  });
  const dir = join(file, "..");
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, Buffer.concat([...parts, names]));
    renameSync(temp, file);
    for (const old of readdirSync(dir)) {
      if (old.startsWith(PREFIX) && old.endsWith(".bin") && join(dir, old) !== file)
        unlinkSync(join(dir, old));
    }
  } catch {
    // Read-only data folder: the next run builds the map again.
  }
}

function pad4(bytes: number): number {
  return (bytes + 3) & ~3;
}
