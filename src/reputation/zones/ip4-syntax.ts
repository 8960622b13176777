/**
 * rbldnsd's IPv4 notation, read from a position in a line without allocating: prefixes of one to
 * four decimal octets (`10.2` is 10.2.0.0/16), CIDR, and ranges whose last boundary may be
 * abbreviated (`127.0.0.1-255`, `127.16-31`). Results land in `scan`; each function returns the
 * position after what it read, or -1.
 */
export const scan = { start: 0, end: 0, bits: 0 };

const ZERO = 48;
const DOT = 46;

/** The network mask of a prefix length, as a uint32 number. */
export function mask4(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** 256^k for the octets a prefix leaves out. */
const SCALE = [4294967296, 16777216, 65536, 256, 1];

/**
 * Octets from `pos`: sets scan.start (missing octets zero) and scan.bits (8, 16, 24 or 32).
 * Bounds are checked by hand: charCodeAt past the end gives NaN, which deoptimizes the loop.
 */
export function scanOctets(s: string, pos: number): number {
  const n = s.length;
  let value = 0;
  let octets = 0;
  let at = pos;
  for (;;) {
    if (at >= n) return -1;
    let c = s.charCodeAt(at) - ZERO;
    if (c < 0 || c > 9) return -1;
    let octet = c;
    at++;
    while (at < n) {
      c = s.charCodeAt(at) - ZERO;
      if (c < 0 || c > 9) break;
      octet = octet * 10 + c;
      if (octet > 255) return -1;
      at++;
    }
    value = value * 256 + octet;
    octets++;
    if (octets === 4 || at >= n || s.charCodeAt(at) !== DOT) break;
    at++;
  }
  scan.start = value * (SCALE[octets] as number);
  scan.bits = 8 * octets;
  return at;
}

/** `/bits` at `pos` (0..32), or -1. */
function scanLength(s: string, pos: number): number {
  let at = pos;
  let bits = -1;
  while (at < s.length) {
    const c = s.charCodeAt(at) - ZERO;
    if (c < 0 || c > 9) break;
    bits = (bits < 0 ? 0 : bits * 10) + c;
    if (bits > 32) return -1;
    at++;
  }
  if (bits < 0) return -1;
  scan.bits = bits;
  return at;
}

/**
 * A range, CIDR or prefix (ip4set). Sets scan.start and scan.end (inclusive) and scan.bits:
 * the CIDR length, or 32 for an explicit a-b range. A bare number (`10`) is refused, as rbldnsd
 * does: write `10/8`. Host bits are left for the caller to judge.
 */
export function scanRange4(s: string, pos: number): number {
  let at = scanOctets(s, pos);
  if (at < 0) return -1;
  const start = scan.start;
  const bits = scan.bits;
  if (s.charCodeAt(at) === 45 /* - */) {
    at = scanOctets(s, at + 1);
    if (at < 0) return -1;
    let end = scan.start;
    let endBits = scan.bits;
    if (endBits === 8) {
      // One octet after the dash replaces the last octet of the first boundary.
      end = end / 2 ** (bits - 8) + (start - (start % 2 ** (40 - bits)));
      endBits = bits;
    } else if (endBits !== bits) return -1;
    end += 2 ** (32 - endBits) - 1;
    if (start > end) return -1;
    scan.start = start;
    scan.end = end;
    scan.bits = 32;
    return at;
  }
  let length = bits;
  if (s.charCodeAt(at) === 47 /* / */) {
    at = scanLength(s, at + 1);
    if (at < 0) return -1;
    length = scan.bits;
  } else if (bits === 8) return -1;
  scan.start = start;
  scan.bits = length;
  scan.end = (start | ~mask4(length)) >>> 0;
  return at;
}

/** A CIDR or prefix, no ranges (ip4trie). Same results as scanRange4. */
export function scanCidr4(s: string, pos: number): number {
  let at = scanOctets(s, pos);
  if (at < 0) return -1;
  if (s.charCodeAt(at) === 47) {
    const start = scan.start;
    at = scanLength(s, at + 1);
    if (at < 0) return -1;
    scan.start = start;
  } else if (scan.bits === 8) return -1;
  scan.end = (scan.start | ~mask4(scan.bits)) >>> 0;
  return at;
}

/** True when `pos` ends an address: end of line, blank, comment or value. */
export function endsEntry(s: string, pos: number): boolean {
  if (pos >= s.length) return true;
  const c = s.charCodeAt(pos);
  return c === 32 || c === 9 || c === 35 /* # */ || c === 59 /* ; */ || c === 58 /* : */;
}
