import { type Address, floorIndex } from "../../core/index.js";
import type { NetworkInfo } from "../listing-set.js";
import { decodeCountry, encodeCountry } from "./country-code.js";
import type { Tiling4, Tiling6 } from "./layer.js";

/** Which attribute a count groups by. */
export type NetworkKey = "asn" | "country";

const V4_SIZE = 2 ** 32;

/**
 * Address → ASN and country, for every address at once. Each family is cut into runs that tile
 * it from address 0; run i starts at `starts[i]` and has one ASN (0: unknown — AS0 is never an
 * origin, RFC 7607) and one country code (0: unknown, see country-code.ts). A look-up is a binary
 * search; a count is one merge of a listing's sorted ranges with the runs (count.ts).
 */
export class NetworkMap {
  private allocation: { asn: Map<number, number>; country: Map<number, number> } | undefined;
  private starts6: readonly bigint[] | undefined;
  private names: ReadonlyMap<number, string> | undefined;

  /**
   * IPv6 starts come as 32-bit words, four per start, most significant first, and AS names as a
   * function: a map read from the cache turns them into bigints and a Map only when first asked.
   */
  constructor(
    readonly v4Starts: Uint32Array,
    readonly v4Asn: Uint32Array,
    readonly v4Country: Uint16Array,
    readonly v6Words: Uint32Array,
    readonly v6Asn: Uint32Array,
    readonly v6Country: Uint16Array,
    private readonly readNames: () => ReadonlyMap<number, string>,
  ) {}

  get v6Starts(): readonly bigint[] {
    this.starts6 ??= wordsToStarts(this.v6Words);
    return this.starts6;
  }

  get asNames(): ReadonlyMap<number, string> {
    this.names ??= this.readNames();
    return this.names;
  }

  /** Joins the ASN and country runs of each family into runs of both. */
  static fromTilings(
    asn: { v4: Tiling4; v6: Tiling6 },
    country: { v4: Tiling4; v6: Tiling6 },
    asNames: ReadonlyMap<number, string>,
  ): NetworkMap {
    const v4 = joinTilings<number>(asn.v4, country.v4);
    const v6 = joinTilings<bigint>(asn.v6, country.v6);
    return new NetworkMap(
      Uint32Array.from(v4.starts),
      Uint32Array.from(v4.asns),
      Uint16Array.from(v4.countries),
      startsToWords(v6.starts),
      Uint32Array.from(v6.asns),
      Uint16Array.from(v6.countries),
      () => asNames,
    );
  }

  /** Runs in the IPv4 table, known or not. */
  get ranges4(): number {
    return this.v4Starts.length;
  }

  get ranges6(): number {
    return this.v6Asn.length;
  }

  lookup(address: Address): NetworkInfo {
    const run = address.family === 4 ? this.run4(address.value) : this.run6(address.value);
    const asns = address.family === 4 ? this.v4Asn : this.v6Asn;
    const countries = address.family === 4 ? this.v4Country : this.v6Country;
    const asn = asns[run] as number;
    return {
      asn: asn === 0 ? null : asn,
      asName: asn === 0 ? null : (this.asNames.get(asn) ?? null),
      country: decodeCountry(countries[run] as number),
    };
  }

  /** Index of the IPv4 run holding `address`. */
  run4(address: number): number {
    const starts = this.v4Starts;
    return floorIndex(starts, address);
  }

  run6(address: bigint): number {
    const starts = this.v6Starts;
    return floorIndex(starts, address);
  }

  /** Addresses of IPv4 run `run`. */
  runSize4(run: number): number {
    const next = run + 1 < this.v4Starts.length ? (this.v4Starts[run + 1] as number) : V4_SIZE;
    return next - (this.v4Starts[run] as number);
  }

  /** IPv4 addresses the map gives each ASN (the sum of its ranges' sizes). */
  allocatedByAsn(): ReadonlyMap<number, number> {
    return this.allocations().asn;
  }

  /** IPv4 addresses the map places in each country, by upper-case code. */
  allocatedByCountry(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    for (const [code, size] of this.allocations().country) out.set(decodeCountry(code) as string, size);
    return out;
  }

  /** IPv4 addresses of one ASN or country; 0 when the map has none. */
  allocated(key: { readonly asn: number } | { readonly country: string }): number {
    const { asn, country } = this.allocations();
    return "asn" in key ? (asn.get(key.asn) ?? 0) : (country.get(encodeCountry(key.country)) ?? 0);
  }

  private allocations(): { asn: Map<number, number>; country: Map<number, number> } {
    if (!this.allocation) {
      const asn = new Map<number, number>();
      const country = new Map<number, number>();
      for (let run = 0; run < this.v4Starts.length; run++) {
        const size = this.runSize4(run);
        const a = this.v4Asn[run] as number;
        const c = this.v4Country[run] as number;
        if (a !== 0) asn.set(a, (asn.get(a) ?? 0) + size);
        if (c !== 0) country.set(c, (country.get(c) ?? 0) + size);
      }
      this.allocation = { asn, country };
    }
    return this.allocation;
  }
}

/** Merges two tilings of one family: a run starts wherever either input's run starts. */
function joinTilings<T extends number | bigint>(
  asn: { readonly starts: ArrayLike<T>; readonly values: Uint32Array },
  country: { readonly starts: ArrayLike<T>; readonly values: Uint32Array },
): { starts: T[]; asns: number[]; countries: number[] } {
  const a = asn.starts;
  const c = country.starts;
  const starts: T[] = [];
  const asns: number[] = [];
  const countries: number[] = [];
  let i = 0;
  let j = 0;
  // Both tilings start at address 0, so every step is in a run of each.
  for (;;) {
    const start = (a[i] as T) > (c[j] as T) ? (a[i] as T) : (c[j] as T);
    const asnValue = asn.values[i] as number;
    const countryValue = country.values[j] as number;
    const last = starts.length - 1;
    if (last < 0 || asns[last] !== asnValue || countries[last] !== countryValue) {
      starts.push(start);
      asns.push(asnValue);
      countries.push(countryValue);
    }
    const nextA = i + 1 < a.length ? (a[i + 1] as T) : undefined;
    const nextC = j + 1 < c.length ? (c[j + 1] as T) : undefined;
    if (nextA === undefined && nextC === undefined) break;
    if (nextC === undefined || (nextA !== undefined && nextA < nextC)) i++;
    else if (nextA === undefined || nextC < nextA) j++;
    else {
      i++;
      j++;
    }
  }
  return { starts, asns, countries };
}

function startsToWords(starts: readonly bigint[]): Uint32Array {
  const words = new Uint32Array(starts.length * 4);
  starts.forEach((start, i) => {
    words[4 * i] = Number(start >> 96n);
    words[4 * i + 1] = Number((start >> 64n) & 0xffffffffn);
    words[4 * i + 2] = Number((start >> 32n) & 0xffffffffn);
    words[4 * i + 3] = Number(start & 0xffffffffn);
  });
  return words;
}

function wordsToStarts(words: Uint32Array): bigint[] {
  const starts: bigint[] = new Array(words.length / 4);
  for (let i = 0; i < starts.length; i++) {
    const high = (BigInt(words[4 * i] as number) << 32n) | BigInt(words[4 * i + 1] as number);
    const low = (BigInt(words[4 * i + 2] as number) << 32n) | BigInt(words[4 * i + 3] as number);
    starts[i] = (high << 64n) | low;
  }
  return starts;
}
