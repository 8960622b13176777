/**
 * Countries as small numbers so a map can keep one Uint16 per range: 0 is "unknown", AA..ZZ are
 * 1..676. Any two upper-case letters pass (the RIRs use EU, AP and ZZ besides ISO 3166-1 codes).
 */
export const NO_COUNTRY = 0;

const A = 65;

/** The code of `text` (two letters, either case), or -1 when it is not one. */
export function encodeCountry(text: string): number {
  if (text.length !== 2) return -1;
  const first = text.charCodeAt(0) & ~32;
  const second = text.charCodeAt(1) & ~32;
  if (first < A || first > A + 25 || second < A || second > A + 25) return -1;
  return 1 + (first - A) * 26 + (second - A);
}

export function decodeCountry(code: number): string | null {
  if (code === NO_COUNTRY) return null;
  return String.fromCharCode(A + Math.floor((code - 1) / 26), A + ((code - 1) % 26));
}
