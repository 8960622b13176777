/**
 * Arithmetic on one address family, so interval and table code is written once for
 * IPv4 (plain numbers, exact below 2^53) and IPv6 (bigint).
 */
export interface FamilyMath<T extends number | bigint> {
  readonly family: 4 | 6;
  readonly bits: number;
  readonly zero: T;
  readonly max: T;
  next(value: T): T;
  previous(value: T): T;
  /** Number of addresses in a block of the given prefix length. */
  blockSize(length: number): T;
  /** Count of trailing zero bits, `bits` for zero. */
  trailingZeros(value: T): number;
  /** The inclusive last address of a block starting at `start`. */
  blockEnd(start: T, length: number): T;
  /** Addresses in [start, end] as a bigint count. */
  span(start: T, end: T): bigint;
}

export const IPV4: FamilyMath<number> = {
  family: 4,
  bits: 32,
  zero: 0,
  max: 0xffffffff,
  next: (v) => v + 1,
  previous: (v) => v - 1,
  blockSize: (length) => 2 ** (32 - length),
  trailingZeros: (v) => (v === 0 ? 32 : 31 - Math.clz32(v & -v)),
  blockEnd: (start, length) => start + 2 ** (32 - length) - 1,
  span: (start, end) => BigInt(end - start + 1),
};

export const IPV6: FamilyMath<bigint> = {
  family: 6,
  bits: 128,
  zero: 0n,
  max: (1n << 128n) - 1n,
  next: (v) => v + 1n,
  previous: (v) => v - 1n,
  blockSize: (length) => 1n << BigInt(128 - length),
  trailingZeros: (v) => {
    if (v === 0n) return 128;
    let count = 0;
    let rest = v;
    while ((rest & 0xffffffffn) === 0n) {
      rest >>= 32n;
      count += 32;
    }
    const low = Number(rest & 0xffffffffn);
    return count + (31 - Math.clz32(low & -low));
  },
  blockEnd: (start, length) => start + (1n << BigInt(128 - length)) - 1n,
  span: (start, end) => end - start + 1n,
};
