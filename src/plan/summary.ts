import { IPV4, IPV6 } from "../core/index.js";
import { poolTable } from "./space.js";
import type { Plan, PoolKind } from "./types.js";

/** Addresses held by one kind in one region, after more specific pools have taken their share. */
export interface SpaceCount {
  readonly kind: PoolKind;
  readonly region: string | undefined;
  readonly pools: number;
  /** IPv4 addresses. */
  readonly ipv4: bigint;
  /** IPv6 space counted in /64 subnets, the unit a subscriber gets. */
  readonly ipv6Subnets64: bigint;
}

export function summarizeSpace(plan: Plan): SpaceCount[] {
  const table = poolTable(plan);
  const counts = new Map<
    string,
    { kind: PoolKind; region: string | undefined; pools: number; ipv4: bigint; ipv6: bigint }
  >();
  const entry = (kind: PoolKind, region: string | undefined) => {
    const key = `${kind}\u0000${region ?? ""}`;
    let count = counts.get(key);
    if (!count) {
      count = { kind, region, pools: 0, ipv4: 0n, ipv6: 0n };
      counts.set(key, count);
    }
    return count;
  };
  for (const pool of plan.pools) entry(pool.kind, pool.region).pools++;
  for (const { start, end, value } of table.segments4())
    entry(value.kind, value.region).ipv4 += IPV4.span(start, end);
  for (const { start, end, value } of table.segments6())
    entry(value.kind, value.region).ipv6 += IPV6.span(start, end);
  return [...counts.values()]
    .map(({ ipv6, ...rest }) => ({ ...rest, ipv6Subnets64: ipv6 >> 64n }))
    .sort((a, b) =>
      a.kind === b.kind ? (a.region ?? "").localeCompare(b.region ?? "") : a.kind.localeCompare(b.kind),
    );
}
