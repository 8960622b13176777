import { scanOctets } from "./ip4-syntax.js";

function skipBlanks(s: string, pos: number): number {
  let at = pos;
  while (s.charCodeAt(at) === 32 || s.charCodeAt(at) === 9) at++;
  return at;
}

/**
 * Checks the value after an entry, or of a `:` default line (from `pos`), the way rbldnsd does:
 * `:A:TXT`, `:A`, plain TXT, or nothing / a comment. The A part may be short (`:2` is
 * 127.0.0.2) but not zero. Returns why it is refused, or undefined. The value itself does not
 * change whether an address is listed, so nothing is kept.
 */
export function checkValue(s: string, pos: number): string | undefined {
  const at = skipBlanks(s, pos);
  if (s.charCodeAt(at) !== 58 /* : */) return undefined;
  const after = scanOctets(s, at + 1);
  if (after < 0) return "invalid A value";
  const rest = skipBlanks(s, after);
  if (rest < s.length && s.charCodeAt(rest) !== 58) return "unrecognized value for an entry";
  return aIsZero(s, at + 1, after) ? "invalid A value" : undefined;
}

/** rbldnsd reads the A value like inet_aton (`:0` and `:0.0.0.0` are zero, hence refused). */
function aIsZero(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}
