import { addDays, type Day, daysBetween } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { checkedWrite, notFound } from "./errors.js";
import type { NoiseRecord } from "./model.js";
import { noiseChange, noiseInput, parseInput } from "./schemas.js";

const COLUMNS = "id, org_id, region_id, day, category, resolution, note, source, recorded_by";
const REFERENCES = "organisation or region";

/** The noise records `reader` may see (never public: the help desks' notes), of one organisation or of all. */
export function listNoise(store: Store, reader: Actor, filter: { orgId?: string } = {}): NoiseRecord[] {
  const where = readable(reader, "org_id", null);
  return store
    .prepare(
      `SELECT ${COLUMNS} FROM rollout_noise WHERE ${where.sql} AND (? IS NULL OR org_id = ?) ORDER BY day, id`,
    )
    .all(...where.values, filter.orgId ?? null, filter.orgId ?? null) as NoiseRecord[];
}

export function getNoise(store: Store, id: number): NoiseRecord {
  const row = store.prepare(`SELECT ${COLUMNS} FROM rollout_noise WHERE id = ?`).get(id) as
    | NoiseRecord
    | undefined;
  if (!row) throw notFound(`noise record ${id}`);
  return row;
}

function insertNoise(
  store: Store,
  record: Omit<NoiseRecord, "id" | "resolution" | "note"> & { resolution?: string; note?: string | null },
): NoiseRecord {
  const id = checkedWrite(
    () =>
      store
        .prepare(
          `INSERT INTO rollout_noise (org_id, region_id, day, category, resolution, note, source, recorded_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.org_id,
          record.region_id,
          record.day,
          record.category,
          record.resolution ?? "open",
          record.note ?? null,
          record.source,
          record.recorded_by,
          new Date().toISOString(),
        ).lastInsertRowid,
    REFERENCES,
  );
  return getNoise(store, Number(id));
}

/** A help desk records a call about the change. */
export function recordNoise(store: Store, actor: Actor, input: unknown): NoiseRecord {
  const n = parseInput(noiseInput, input);
  requireWrite(actor, n.org_id, "org-member");
  return insertNoise(store, {
    ...n,
    region_id: n.region_id ?? null,
    source: "help-desk",
    recorded_by: actor.name,
  });
}

/** A subscriber's own report from the public help form: no account, so no access check here. */
export function recordHelpFormNoise(
  store: Store,
  report: { orgId: string; regionId: string | null; day: Day; note: string | null },
): NoiseRecord {
  return insertNoise(store, {
    org_id: report.orgId,
    region_id: report.regionId,
    day: report.day,
    category: "user-report",
    note: report.note,
    source: "help-form",
    recorded_by: "help form",
  });
}

export function updateNoise(store: Store, actor: Actor, id: number, input: unknown): NoiseRecord {
  const change = parseInput(noiseChange, input);
  const before = getNoise(store, id);
  requireWrite(actor, before.org_id, "org-member");
  const after = { ...before, ...change };
  checkedWrite(
    () =>
      store
        .prepare("UPDATE rollout_noise SET resolution = ?, region_id = ?, note = ? WHERE id = ?")
        .run(after.resolution, after.region_id ?? null, after.note ?? null, id),
    REFERENCES,
  );
  return getNoise(store, id);
}

export function deleteNoise(store: Store, actor: Actor, id: number): void {
  requireWrite(actor, getNoise(store, id).org_id, "org-admin");
  store.prepare("DELETE FROM rollout_noise WHERE id = ?").run(id);
}

export interface NoiseDay {
  readonly day: Day;
  /** Days since the region's switch: negative before it. */
  readonly after_switch: number;
  readonly records: number;
}

export interface RegionNoise {
  readonly region_id: string;
  readonly switch_day: Day;
  readonly days: readonly NoiseDay[];
  /** Days on or after the switch whose count is above the threshold. */
  readonly alerts: readonly NoiseDay[];
}

/** Days shown before a switch, as the baseline a region's noise is read against. */
export const BASELINE_DAYS = 7;

/** Days after a switch the noise is watched for: later calls are no longer about the change. */
export const WATCH_DAYS = 60;

/**
 * Noise per day of each region from a week before its switch to `until` (at most WATCH_DAYS
 * after it), and the days after the switch above `threshold` records.
 */
export function noiseAroundSwitches(
  counts: readonly { region_id: string; day: Day; records: number }[],
  switches: ReadonlyMap<string, Day>,
  until: Day,
  threshold: number,
): RegionNoise[] {
  const byRegion = new Map<string, Map<Day, number>>();
  for (const c of counts) {
    const days = byRegion.get(c.region_id) ?? new Map<Day, number>();
    days.set(c.day, (days.get(c.day) ?? 0) + c.records);
    byRegion.set(c.region_id, days);
  }
  const out: RegionNoise[] = [];
  for (const [region, switchDay] of [...switches].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = byRegion.get(region) ?? new Map<Day, number>();
    const days: NoiseDay[] = [];
    const last = [until, addDays(switchDay, WATCH_DAYS - 1)].sort()[0] as Day;
    for (let day = addDays(switchDay, -BASELINE_DAYS); day <= last; day = addDays(day, 1))
      days.push({ day, after_switch: daysBetween(switchDay, day), records: seen.get(day) ?? 0 });
    out.push({
      region_id: region,
      switch_day: switchDay,
      days,
      alerts: days.filter((d) => d.after_switch >= 0 && d.records > threshold),
    });
  }
  return out;
}

/** Noise records per region and day, over the records `reader` may see. */
export function noiseCounts(store: Store, reader: Actor): { region_id: string; day: Day; records: number }[] {
  const where = readable(reader, "org_id", null);
  return store
    .prepare(
      `SELECT region_id, day, COUNT(*) AS records FROM rollout_noise
       WHERE region_id IS NOT NULL AND ${where.sql} GROUP BY region_id, day`,
    )
    .all(...where.values) as { region_id: string; day: Day; records: number }[];
}
