/**
 * Listed addresses outside the ISP, so that rankings by country and AS have something to rank:
 * a synthetic background drawn from the address ranges ip-location-db gives each country, with
 * Brazil's share falling over the year as its other ISPs block port 25 too. The counts are
 * invented for the demo; they describe no real network.
 */
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { HISTORY_DAYS } from "./options.js";
import { Random } from "./random.js";

/** Listed addresses at scale 1 on the first and the last day. */
const COUNTRIES: readonly (readonly [code: string, first: number, last: number])[] = [
  ["BR", 30_000, 7_000],
  ["IN", 26_000, 29_000],
  ["VN", 21_000, 19_000],
  ["CN", 17_000, 16_000],
  ["RU", 15_000, 14_000],
  ["ID", 11_000, 12_000],
  ["TR", 9_000, 8_500],
  ["US", 8_000, 7_500],
  ["AR", 6_000, 6_500],
  ["MX", 5_000, 5_200],
  ["CO", 4_000, 4_300],
  ["UA", 3_500, 3_000],
];

interface CountryRanges {
  readonly starts: number[];
  readonly ends: number[];
  /** Cumulative sizes, to draw an address uniformly over the country's space. */
  readonly cumulative: number[];
}

async function countryRanges(): Promise<Map<string, CountryRanges>> {
  const file = createRequire(import.meta.url).resolve("@ip-location-db/asn-country/asn-country-ipv4-num.csv");
  const wanted = new Map<string, CountryRanges>(
    COUNTRIES.map(([code]) => [code, { starts: [], ends: [], cumulative: [] }]),
  );
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const [start, end, code] = line.split(",");
    const ranges = wanted.get(code ?? "");
    if (!ranges) continue;
    const s = Number(start);
    const e = Number(end);
    ranges.starts.push(s);
    ranges.ends.push(e);
    ranges.cumulative.push((ranges.cumulative.at(-1) ?? 0) + e - s + 1);
  }
  return wanted;
}

function draw(ranges: CountryRanges, random: Random): number {
  const total = ranges.cumulative.at(-1) ?? 0;
  const target = random.int(total);
  let low = 0;
  let high = ranges.cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((ranges.cumulative[mid] as number) > target) high = mid;
    else low = mid + 1;
  }
  const before = low === 0 ? 0 : (ranges.cumulative[low - 1] as number);
  return (ranges.starts[low] as number) + (target - before);
}

/** Per country, a fixed set of candidate addresses; a day lists a sliding window of them. */
export class Elsewhere {
  private constructor(
    private readonly candidates: ReadonlyMap<string, Uint32Array>,
    private readonly scale: number,
  ) {}

  static async load(seed: number, scale: number): Promise<Elsewhere> {
    const ranges = await countryRanges();
    const candidates = new Map<string, Uint32Array>();
    for (const [code, first, last] of COUNTRIES) {
      const country = ranges.get(code);
      if (!country || country.starts.length === 0) continue;
      const random = new Random(seed).fork("elsewhere", candidates.size);
      const size = Math.ceil(Math.max(first, last) * scale * 2);
      candidates.set(
        code,
        Uint32Array.from({ length: size }, () => draw(country, random)),
      );
    }
    return new Elsewhere(candidates, scale);
  }

  /** One of a country's candidate addresses (a machine there), or undefined for a country not loaded. */
  addressIn(code: string, random: Random): number | undefined {
    const pool = this.candidates.get(code);
    return pool && pool.length > 0 ? pool[random.int(pool.length)] : undefined;
  }

  /** The addresses listed on day index `day` (0 … HISTORY_DAYS − 1), unsorted. */
  listedOn(day: number): number[] {
    const out: number[] = [];
    const progress = day / (HISTORY_DAYS - 1);
    for (const [code, first, last] of COUNTRIES) {
      const pool = this.candidates.get(code);
      if (!pool) continue;
      const count = Math.round((first + (last - first) * progress) * this.scale);
      // Listings turn over: a tenth of the window moves on each week.
      const offset = Math.floor((day / 7) * count * 0.1);
      for (let i = 0; i < count; i++) out.push(pool[(offset + i) % pool.length] as number);
    }
    return out;
  }
}
