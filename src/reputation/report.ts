import { countListed } from "./count.js";
import type { GroupDetails, Grouping } from "./grouping.js";
import type { ListingSet } from "./listing-set.js";
import { unionListings } from "./listing-union.js";
import { UNKNOWN } from "./network-grouping.js";

/** Where a report reads snapshots from (the store in the CLI, a list of sets in tests). */
export interface SnapshotSource {
  /** Names of the lists with at least one snapshot. */
  lists(): string[];
  /** Dates (YYYY-MM-DD, ascending) with a snapshot of the list. */
  dates(list: string): string[];
  read(list: string, date: string): ListingSet | undefined;
}

export interface ReportRow extends GroupDetails {
  readonly key: string;
  /** Listed IPv4 addresses. */
  readonly listed: number;
  /** IPv6 listing ranges reaching into the key's space (IPv6 is not counted by address). */
  readonly listed_v6_ranges: number;
  readonly allocated: number | null;
  /** listed ÷ allocated × 100, null without an allocation. */
  readonly infect_pct: number | null;
  /** By listed count, descending, from 1; ties share a rank; null for `unknown`. */
  readonly rank: number | null;
  /** listed minus listed in the previous snapshot; null when there is none. */
  readonly change: number | null;
}

/**
 * The listing of some lists on one date: the union of their snapshots taken that day, so an
 * address on two lists counts once. Undefined when none of them has a snapshot that day.
 */
export function listingOn(
  source: SnapshotSource,
  lists: readonly string[],
  date: string,
): ListingSet | undefined {
  const sets: ListingSet[] = [];
  for (const list of lists) {
    const set = source.read(list, date);
    if (set) sets.push(set);
  }
  return unionListings(sets);
}

/** Every date on which any of the lists has a snapshot, ascending. */
export function snapshotDates(source: SnapshotSource, lists: readonly string[]): string[] {
  return [...new Set(lists.flatMap((list) => source.dates(list)))].sort();
}

/**
 * One row per key: every group of a plan grouping, and the keys with listings now or at the
 * previous snapshot for ASes and countries (most of the Internet's are clean). Ordered by rank.
 */
export function reportRows(grouping: Grouping, current: ListingSet, previous?: ListingSet): ReportRow[] {
  const now = countListed(current, grouping);
  const before = previous ? countListed(previous, grouping).listed : undefined;
  const everyGroup = !grouping.keys.includes(UNKNOWN);
  const rows: Omit<ReportRow, "rank">[] = [];
  grouping.keys.forEach((key, group) => {
    const listed = now.listed[group] as number;
    const v6 = now.listedV6Ranges[group] as number;
    const earlier = before ? (before[group] as number) : 0;
    if (!everyGroup && listed === 0 && v6 === 0 && earlier === 0) return;
    const allocated = grouping.allocated[group] ?? null;
    rows.push({
      key,
      ...grouping.details[group],
      listed,
      listed_v6_ranges: v6,
      allocated,
      infect_pct: allocated ? (listed / allocated) * 100 : null,
      change: before ? listed - earlier : null,
    });
  });
  return rank(rows);
}

/** Orders by listed count (then key) and gives ranks as sports do: 1, 2, 2, 4. */
function rank(rows: Omit<ReportRow, "rank">[]): ReportRow[] {
  rows.sort((a, b) => b.listed - a.listed || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: ReportRow[] = [];
  let position = 0;
  let lastListed = -1;
  let lastRank = 0;
  for (const row of rows) {
    // Rank goes before change, so the columns read in the order the help lists them.
    const { change, ...counts } = row;
    if (row.key === UNKNOWN) {
      out.push({ ...counts, rank: null, change });
      continue;
    }
    position++;
    if (row.listed !== lastListed) lastRank = position;
    lastListed = row.listed;
    out.push({ ...counts, rank: lastRank, change });
  }
  return out;
}

export interface DatedRow extends ReportRow {
  readonly date: string;
}

/**
 * The report of every snapshot date, each against the date before it: what `--series` and
 * `--rank` pick their rows from.
 */
export function* reportsByDate(
  source: SnapshotSource,
  lists: readonly string[],
  grouping: Grouping,
): IterableIterator<{ date: string; rows: ReportRow[] }> {
  let previous: ListingSet | undefined;
  for (const date of snapshotDates(source, lists)) {
    const current = listingOn(source, lists, date) as ListingSet;
    yield { date, rows: reportRows(grouping, current, previous) };
    previous = current;
  }
}

/** One key over time; a date where the key has no row shows it unlisted. */
export function seriesRows(
  source: SnapshotSource,
  lists: readonly string[],
  grouping: Grouping,
  key: string,
): DatedRow[] {
  const group = grouping.keys.indexOf(key);
  const allocated = group >= 0 ? (grouping.allocated[group] ?? null) : null;
  const out: DatedRow[] = [];
  let lastListed: number | undefined;
  for (const { date, rows } of reportsByDate(source, lists, grouping)) {
    const row = rows.find((r) => r.key === key);
    const listed = row?.listed ?? 0;
    out.push({
      date,
      key,
      ...(group >= 0 ? grouping.details[group] : {}),
      listed,
      listed_v6_ranges: row?.listed_v6_ranges ?? 0,
      allocated,
      infect_pct: allocated ? (listed / allocated) * 100 : null,
      rank: row?.rank ?? null,
      change: lastListed === undefined ? null : listed - lastListed,
    });
    lastListed = listed;
  }
  return out;
}

/**
 * Per date, the first `limit` rows and, when it falls below them, the row of `highlight`:
 * the CBL's country ranking with one country followed.
 */
export function rankingRows(
  source: SnapshotSource,
  lists: readonly string[],
  grouping: Grouping,
  limit: number,
  highlight?: string,
): DatedRow[] {
  const out: DatedRow[] = [];
  for (const { date, rows } of reportsByDate(source, lists, grouping)) {
    const ranked = rows.filter((row) => row.rank !== null);
    const shown = ranked.slice(0, limit);
    const followed = ranked.find((row) => row.key === highlight);
    if (followed && !shown.includes(followed)) shown.push(followed);
    for (const row of shown) out.push({ date, ...row });
  }
  return out;
}
