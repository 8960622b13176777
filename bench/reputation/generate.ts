/**
 * The synthetic zone: `entries` addresses drawn from the real ASN table's ranges (a random row,
 * then a random address in it), written as rbldnsd ip4tset data, the CBL's own format. Only the
 * table file on disk is read; nothing goes to the network.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Bump when the output changes, so a cached zone of the old kind is not reused. */
const VERSION = 1;

/** mulberry32: small, seeded, and good enough to spread addresses. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rows of an ip-location-db -num table as [start, end] pairs. */
export function readRanges(table: string): Float64Array {
  const lines = readFileSync(table, "latin1").split("\n");
  const ranges = new Float64Array(lines.length * 2);
  let n = 0;
  for (const line of lines) {
    const first = line.indexOf(",");
    const second = line.indexOf(",", first + 1);
    if (first < 0 || second < 0) continue;
    ranges[n++] = Number(line.slice(0, first));
    ranges[n++] = Number(line.slice(first + 1, second));
  }
  return ranges.subarray(0, n);
}

const ip = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

/** Writes the zone (once per entries, seed and version) and returns its path. */
export function generateZone(dir: string, table: string, entries: number, seed: number): string {
  const file = join(dir, `zone-v${VERSION}-${entries}-${seed}.ip4tset`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const ranges = readRanges(table);
  const rows = ranges.length / 2;
  const next = random(seed);
  const temp = `${file}.tmp`;
  const fd = openSync(temp, "w");
  let chunk = ":127.0.0.2:Listed in the porteiro benchmark zone\n";
  for (let i = 0; i < entries; i++) {
    const row = Math.floor(next() * rows);
    const start = ranges[2 * row] as number;
    const size = (ranges[2 * row + 1] as number) - start + 1;
    chunk += `${ip(start + Math.floor(next() * size))}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = "";
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  renameSync(temp, file);
  return file;
}
