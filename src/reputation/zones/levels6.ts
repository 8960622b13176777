import { IntervalSet, IPV6 } from "../../core/index.js";

interface Entry6 {
  readonly start: bigint;
  readonly end: bigint;
  readonly excluded: boolean;
}

/**
 * IPv6 entries by precedence level (0 the most specific), resolved like the IPv4 levels: the most
 * specific level that mentions an address decides. Of two entries for the same range in a level
 * the first wins (rbldnsd's ip6trie keeps the first). IPv6 listings are few, so plain objects do.
 */
export class Leveled6 {
  private readonly levels: Map<string, Entry6>[];

  constructor(levelCount: number) {
    this.levels = Array.from({ length: levelCount }, () => new Map<string, Entry6>());
  }

  add(level: number, start: bigint, end: bigint, excluded: boolean): void {
    const entries = this.levels[level] as Map<string, Entry6>;
    const key = `${start}-${end}`;
    if (!entries.has(key)) entries.set(key, { start, end, excluded });
  }

  resolve(): IntervalSet<bigint> {
    let listed = IntervalSet.empty(IPV6);
    let decided = IntervalSet.empty(IPV6);
    for (const entries of this.levels) {
      if (entries.size === 0) continue;
      const all = [...entries.values()];
      const here = IntervalSet.fromRanges(
        IPV6,
        all.filter((e) => !e.excluded).map((e): [bigint, bigint] => [e.start, e.end]),
      );
      const cut = IntervalSet.fromRanges(
        IPV6,
        all.filter((e) => e.excluded).map((e): [bigint, bigint] => [e.start, e.end]),
      );
      listed = listed.union(here.difference(cut).difference(decided));
      decided = decided.union(here).union(cut);
    }
    return listed;
  }
}
