import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { checkedWrite, notFound, RolloutError } from "./errors.js";
import type { CalendarEntry, Region } from "./model.js";
import { type Listing, type Page, type PageRequest, PHASE_SQL, selectPage } from "./paging.js";
import { calendarInput, parseInput, regionInput } from "./schemas.js";

export function listRegions(store: Store): Region[] {
  return store.prepare("SELECT id, name FROM rollout_regions ORDER BY name").all() as Region[];
}

const REGIONS: Listing<Region, Region> = {
  from: "rollout_regions",
  columns: "id, name",
  order: ["name", "id"],
  filters: { region: "id = @value" },
  toItem: (row) => row,
};

/** A page of the regions, by name: they are the programme's, public to every reader. */
export function pageRegions(store: Store, request: PageRequest): Page<Region> {
  return selectPage(store, REGIONS, { sql: "1", values: [] }, request);
}

export function createRegion(store: Store, actor: Actor, input: unknown): Region {
  const region = parseInput(regionInput, input);
  requireWrite(actor, null, "coordinator");
  checkedWrite(
    () =>
      store
        .prepare("INSERT INTO rollout_regions (id, name, created_at) VALUES (?, ?, ?)")
        .run(region.id, region.name, new Date().toISOString()),
    { store },
    `region ${region.id} already exists`,
  );
  return region;
}

/** A region goes only while nothing refers to it but calendar entries. */
export function deleteRegion(store: Store, actor: Actor, id: string): void {
  requireWrite(actor, null, "coordinator");
  if (!listRegions(store).some((r) => r.id === id)) throw notFound(`region ${id}`);
  try {
    store.prepare("DELETE FROM rollout_regions WHERE id = ?").run(id);
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_FOREIGNKEY") throw error;
    throw new RolloutError(409, `region ${id} has reports, commitments or noise on record and stays`);
  }
}

/**
 * The calendar entries `reader` may see, of one organisation or of all: an organisation's dates
 * are not public (the public record counts them per region).
 */
export function listCalendar(store: Store, reader: Actor, filter: { orgId?: string } = {}): CalendarEntry[] {
  const where = readable(reader, "org_id", null);
  // A condition only when there is an organisation, so that the primary key serves it.
  const own = filter.orgId === undefined ? "" : "AND org_id = ?";
  return store
    .prepare(
      `SELECT org_id, region_id, notify_from, observe_from, enforce_from FROM rollout_calendar
       WHERE ${where.sql} ${own} ORDER BY region_id, enforce_from, org_id`,
    )
    .all(...where.values, ...(filter.orgId === undefined ? [] : [filter.orgId])) as CalendarEntry[];
}

const CALENDAR: Listing<CalendarEntry, CalendarEntry> = {
  from: "rollout_calendar AS entry",
  columns: "org_id, region_id, notify_from, observe_from, enforce_from",
  order: ["region_id", "enforce_from", "org_id"],
  filters: {
    org: "org_id = @value",
    region: "region_id = @value",
    phase: `${PHASE_SQL("entry")} = @value`,
    from: "enforce_from >= @value",
    to: "enforce_from <= @value",
  },
  toItem: (row) => row,
};

/** A page of the calendar entries `reader` may see, in the order of listCalendar; dates filter enforce_from. */
export function pageCalendar(store: Store, reader: Actor, request: PageRequest): Page<CalendarEntry> {
  return selectPage(store, CALENDAR, readable(reader, "org_id", null), request);
}

/** Sets an organisation's dates in a region (its admin, or a coordinator). */
export function setCalendarEntry(store: Store, actor: Actor, input: unknown): CalendarEntry {
  const entry = parseInput(calendarInput, input);
  requireWrite(actor, entry.org_id, "org-admin");
  const saved: CalendarEntry = {
    org_id: entry.org_id,
    region_id: entry.region_id,
    notify_from: entry.notify_from ?? null,
    observe_from: entry.observe_from ?? null,
    enforce_from: entry.enforce_from,
  };
  checkedWrite(
    () =>
      store
        .prepare(
          `INSERT INTO rollout_calendar (org_id, region_id, notify_from, observe_from, enforce_from)
           VALUES (@org_id, @region_id, @notify_from, @observe_from, @enforce_from)
           ON CONFLICT (org_id, region_id) DO UPDATE SET notify_from = excluded.notify_from,
             observe_from = excluded.observe_from, enforce_from = excluded.enforce_from`,
        )
        .run(saved),
    { store, organisation: saved.org_id, region: saved.region_id },
  );
  return saved;
}

export function deleteCalendarEntry(store: Store, actor: Actor, orgId: string, regionId: string): void {
  requireWrite(actor, orgId, "org-admin");
  const result = store
    .prepare("DELETE FROM rollout_calendar WHERE org_id = ? AND region_id = ?")
    .run(orgId, regionId);
  if (result.changes === 0) throw notFound(`calendar entry for ${orgId} in ${regionId}`);
}

/** The day each region switched (or will): the first enforce date any organisation set there. */
export function switchDays(calendar: readonly CalendarEntry[]): Map<string, Day> {
  const days = new Map<string, Day>();
  for (const entry of calendar) {
    const known = days.get(entry.region_id);
    if (known === undefined || entry.enforce_from < known) days.set(entry.region_id, entry.enforce_from);
  }
  return days;
}
