/**
 * rbldnsd's IPv6 notation: up to eight hex groups where missing trailing groups are zero and the
 * length defaults to 16 bits per group given (`2001:db8:1` is 2001:db8:1::/48), or `::`
 * compression (then /128), with an optional `/bits`. A lone group needs an explicit length.
 */
export const scan6 = { start: 0n, bits: 0 };

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Reads a prefix at `pos` into scan6; returns the position after it, or -1. */
export function scanCidr6(s: string, pos: number): number {
  const groups: number[] = [];
  let gap = -1;
  let at = pos;
  let bits = -1;
  if (s.charCodeAt(at) === 58 && s.charCodeAt(at + 1) === 58) {
    gap = 0;
    at += 2;
  }
  for (;;) {
    let value = 0;
    const first = at;
    let digit = hexDigit(s.charCodeAt(at));
    while (digit >= 0 && value * 16 + digit <= 0xffff) {
      value = value * 16 + digit;
      digit = hexDigit(s.charCodeAt(++at));
    }
    if (at === first || digit >= 0) break;
    groups.push(value);
    if (s.charCodeAt(at) !== 58 || groups.length === 8) {
      bits = groups.length * 16;
      break;
    }
    at++;
    if (gap < 0 && s.charCodeAt(at) === 58) {
      gap = groups.length;
      at++;
    }
  }
  if (gap >= 0) {
    if (groups.length === 8) return -1;
    groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
    bits = 128;
  }
  if (bits < 0) return -1;
  if (s.charCodeAt(at) === 47 /* / */) {
    at++;
    let c = s.charCodeAt(at) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    bits = 0;
    do {
      bits = bits * 10 + c;
      if (bits > 128) return -1;
      c = s.charCodeAt(++at) - 48;
    } while (c >= 0 && c <= 9);
  } else if (bits === 16) return -1;
  let start = 0n;
  for (let i = 0; i < 8; i++) start = (start << 16n) | BigInt(groups[i] ?? 0);
  scan6.start = start;
  scan6.bits = bits;
  return at;
}
