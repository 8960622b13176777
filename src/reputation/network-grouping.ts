import type { Grouping } from "./grouping.js";
import { decodeCountry } from "./networks/country-code.js";
import type { NetworkKey, NetworkMap } from "./networks/network-map.js";

export const UNKNOWN = "unknown";

const cache = new WeakMap<NetworkMap, Partial<Record<NetworkKey, Grouping>>>();

/**
 * The map's runs grouped by AS (keys `AS64496`) or country (`BR`), plus an `unknown` group for
 * space the map attributes to none. Built once per map and attribute.
 */
export function networkGrouping(map: NetworkMap, by: NetworkKey): Grouping {
  let perMap = cache.get(map);
  if (!perMap) {
    perMap = {};
    cache.set(map, perMap);
  }
  perMap[by] ??= build(map, by);
  return perMap[by];
}

function build(map: NetworkMap, by: NetworkKey): Grouping {
  const values4 = by === "asn" ? map.v4Asn : map.v4Country;
  const values6 = by === "asn" ? map.v6Asn : map.v6Country;
  // Group 0 is "unknown", the value 0 in both attributes.
  const indexOf = new Map<number, number>([[0, 0]]);
  const values: number[] = [0];
  const label = (runValues: Uint32Array | Uint16Array): Int32Array => {
    const groups = new Int32Array(runValues.length);
    for (let run = 0; run < runValues.length; run++) {
      const value = runValues[run] as number;
      let group = indexOf.get(value);
      if (group === undefined) {
        group = indexOf.size;
        indexOf.set(value, group);
        values.push(value);
      }
      groups[run] = group;
    }
    return groups;
  };
  const v4Groups = label(values4);
  const v6Groups = label(values6);
  const keys = values.map((v, i) =>
    i === 0 ? UNKNOWN : by === "asn" ? `AS${v}` : (decodeCountry(v) as string),
  );
  // Allocation is the IPv4 run sizes summed per group, in the same pass's dense indexes.
  const sizes = new Float64Array(values.length);
  for (let run = 0; run < v4Groups.length; run++) {
    const group = v4Groups[run] as number;
    sizes[group] = (sizes[group] as number) + map.runSize4(run);
  }
  const allocated: (number | null)[] = Array.from(sizes, (size, i) => (i === 0 ? null : size));
  const details =
    by === "asn"
      ? values.map((v, i) => ({ as_name: i === 0 ? null : (map.asNames.get(v) ?? null) }))
      : values.map(() => ({}));
  return {
    keys,
    allocated,
    details,
    v4Starts: map.v4Starts,
    v4Groups,
    // A map read from the cache makes its IPv6 bigints on first use: only an IPv6 count asks.
    get v6Starts() {
      return map.v6Starts;
    },
    v6Groups,
  };
}
