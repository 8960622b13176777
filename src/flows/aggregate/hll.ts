/**
 * A small HyperLogLog (2^12 one-byte registers, about 1.6 % standard error) over 32-bit hashes.
 * The aggregator allocates one only when a source's exact destination list reaches its cap, so
 * the usual source with a handful of destinations pays nothing for it.
 */
const P = 12;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);
/** What one estimate's registers take. */
export const HLL_BYTES = M;

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of an IPv6 address, word by word. */
export function hashV6(value: bigint): number {
  let h = 0;
  for (let shift = 96n; shift >= 0n; shift -= 32n) h = mix32(h ^ Number((value >> shift) & 0xffffffffn));
  return h;
}

export class HyperLogLog {
  private readonly registers = new Uint8Array(M);

  /** Adds an element by its 32-bit hash. */
  addHash(hash: number): void {
    const index = hash >>> (32 - P);
    // Rank of the first set bit in the remaining 20 bits (21 when they are all zero).
    const rest = (hash << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > (this.registers[index] as number)) this.registers[index] = rank;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i] as number;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    // Linear counting is the better estimate while many registers are still empty.
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }
}
