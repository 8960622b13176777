/**
 * A coordinator's bulk intake: organisations, calendars and status reports as CSV with a header,
 * the way they arrive as spreadsheets. Each file goes in whole or not at all (one transaction),
 * a bad line is named as FILE:LINE, and importing the same file again changes nothing: an
 * organisation or a calendar entry as the file has it is left alone, a report identical to one on
 * record is not added again (reports are history, so a changed report is a new one).
 */
import { splitCsvLine } from "../plan/csv-pools.js";
import type { Store } from "../store/index.js";
import { type Actor, requireWrite } from "./access.js";
import { RolloutError } from "./errors.js";
import { refreshFigures } from "./figures.js";
import { appendReports } from "./reports.js";
import { calendarInput, orgInput, parseInput, reportInput } from "./schemas.js";

export const IMPORT_HEADERS = {
  orgs: ["id", "name", "type", "subscribers", "public"],
  calendar: ["org", "region", "notify_from", "observe_from", "enforce_from"],
  reports: [
    "org",
    "region",
    "as_of",
    "phase",
    "subscribers_notified",
    "adoption_pct",
    "blocked_ipv4",
    "blocked_ipv6_prefixes",
    "listed_ips",
    "complaints",
    "submission_offered",
    "public",
  ],
} as const;
export type ImportKind = keyof typeof IMPORT_HEADERS;

export interface ImportCount {
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  "1": true,
  false: false,
  no: false,
  "0": false,
};
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
/** The columns holding counts or percentages: the measures between phase and submission_offered, and sizes. */
const NUMERIC = new Set<string>(["subscribers", ...IMPORT_HEADERS.reports.slice(4, -2)]);

/** A cell as the schemas take it: empty is absent, numbers and yes/no as such, the rest as text. */
function cell(column: string, text: string): unknown {
  if (text === "") return null;
  if (column === "public" || column === "submission_offered") {
    const value = BOOLEANS[text.toLowerCase()];
    if (value === undefined)
      throw new RolloutError(400, `${column}: expected true or false, not ${text.slice(0, 20)}`);
    return value;
  }
  if (NUMERIC.has(column)) {
    if (!NUMBER.test(text))
      throw new RolloutError(400, `${column}: expected a number, not ${text.slice(0, 20)}`);
    return Number(text);
  }
  return text;
}

interface Line {
  readonly number: number;
  /** Of the file's lines, for progress. */
  readonly of: number;
  readonly values: Record<string, unknown>;
}

/** The file's records after its header, which must name exactly the kind's columns (in any order). */
function* records(kind: ImportKind, text: string, file: string): Generator<Line> {
  const lines = text.split(/\r?\n/);
  const expected: readonly string[] = IMPORT_HEADERS[kind];
  let header: string[] | undefined;
  for (const [index, raw] of lines.entries()) {
    const number = index + 1;
    if (raw.trim() === "") continue;
    const fields = splitCsvLine(raw);
    if (!fields) throw new RolloutError(400, `${file}:${number}: a quote is not closed`);
    if (!header) {
      header = fields.map((f) => f.trim().toLowerCase());
      const missing = expected.filter((c) => !header?.includes(c));
      const extra = header.filter((c) => !expected.includes(c));
      if (missing.length || extra.length || header.length !== expected.length)
        throw new RolloutError(
          400,
          `${file}:${number}: the header must be ${expected.join(",")}${missing.length ? ` (missing ${missing.join(", ")})` : ""}${extra.length ? ` (unknown ${extra.join(", ")})` : ""}`,
        );
      continue;
    }
    if (fields.length !== header.length)
      throw new RolloutError(
        400,
        `${file}:${number}: ${fields.length} fields, the header has ${header.length}`,
      );
    const values: Record<string, unknown> = {};
    const columns = header;
    try {
      fields.forEach((field, i) => {
        const value = cell(columns[i] as string, field);
        if (value !== null) values[columns[i] as string] = value;
      });
    } catch (error) {
      throw new RolloutError(400, `${file}:${number}: ${(error as Error).message}`);
    }
    yield { number, of: lines.length, values };
  }
  if (!header) throw new RolloutError(400, `${file}: empty, expected the header ${expected.join(",")}`);
}

/** Ids of a table, to name an unknown organisation or region by its line before writing anything. */
const idsOf = (store: Store, table: "rollout_orgs" | "rollout_regions") =>
  new Set(store.prepare(`SELECT id FROM ${table}`).pluck().all() as string[]);

function known(ids: Set<string>, id: unknown, what: string, hint: string): void {
  if (typeof id === "string" && !ids.has(id))
    throw new RolloutError(400, `unknown ${what} "${id}" (${hint})`);
}

/** The line's error with its place in the file. */
function atLine<T>(file: string, number: number, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RolloutError)
      throw new RolloutError(error.statusCode, `${file}:${number}: ${error.message}`);
    throw error;
  }
}

type Tick = (line: Line) => void;

function importOrgs(store: Store, lines: Iterable<Line>, file: string, tick: Tick): ImportCount {
  const count = { added: 0, changed: 0, unchanged: 0 };
  const find = store.prepare("SELECT name, type, subscribers, public FROM rollout_orgs WHERE id = ?");
  const insert = store.prepare(
    "INSERT INTO rollout_orgs (id, name, type, subscribers, public, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const update = store.prepare(
    "UPDATE rollout_orgs SET name = ?, type = ?, subscribers = ?, public = ? WHERE id = ?",
  );
  const now = new Date().toISOString();
  for (const line of lines) {
    const { number, values } = line;
    const org = atLine(file, number, () => parseInput(orgInput, values));
    const row = [org.name, org.type, org.subscribers ?? null, org.public === false ? 0 : 1] as const;
    const before = find.get(org.id) as
      | { name: string; type: string; subscribers: number | null; public: number }
      | undefined;
    if (!before) {
      insert.run(org.id, ...row, now);
      count.added++;
    } else if (
      before.name === row[0] &&
      before.type === row[1] &&
      before.subscribers === row[2] &&
      before.public === row[3]
    )
      count.unchanged++;
    else {
      update.run(...row, org.id);
      count.changed++;
    }
    tick(line);
  }
  return count;
}

function importCalendar(store: Store, lines: Iterable<Line>, file: string, tick: Tick): ImportCount {
  const count = { added: 0, changed: 0, unchanged: 0 };
  const orgs = idsOf(store, "rollout_orgs");
  const regions = idsOf(store, "rollout_regions");
  const find = store.prepare(
    "SELECT notify_from, observe_from, enforce_from FROM rollout_calendar WHERE org_id = ? AND region_id = ?",
  );
  const upsert = store.prepare(
    `INSERT INTO rollout_calendar (org_id, region_id, notify_from, observe_from, enforce_from) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (org_id, region_id) DO UPDATE SET notify_from = excluded.notify_from,
       observe_from = excluded.observe_from, enforce_from = excluded.enforce_from`,
  );
  for (const line of lines) {
    const { number, values } = line;
    const { org, region, ...dates } = values;
    const entry = atLine(file, number, () => {
      known(orgs, org, "organisation", "add it with porteiro rollout org add or org import first");
      known(regions, region, "region", "add it with porteiro rollout region add first");
      return parseInput(calendarInput, { org_id: org, region_id: region, ...dates });
    });
    const dated = [entry.notify_from ?? null, entry.observe_from ?? null, entry.enforce_from] as const;
    const before = find.get(entry.org_id, entry.region_id) as Record<string, string | null> | undefined;
    if (
      before &&
      before.notify_from === dated[0] &&
      before.observe_from === dated[1] &&
      before.enforce_from === dated[2]
    )
      count.unchanged++;
    else {
      upsert.run(entry.org_id, entry.region_id, ...dated);
      if (before) count.changed++;
      else count.added++;
    }
    tick(line);
  }
  return count;
}

/** The columns that, with the organisation, region and date, make a report the same one. */
const MEASURES = IMPORT_HEADERS.reports.slice(3);

function importReports(
  store: Store,
  lines: Iterable<Line>,
  file: string,
  by: string,
  tick: Tick,
): ImportCount {
  const count = { added: 0, changed: 0, unchanged: 0 };
  const orgs = idsOf(store, "rollout_orgs");
  const regions = idsOf(store, "rollout_regions");
  // The same report is one with the same organisation, region, date and every measure.
  const same = store.prepare(
    `SELECT 1 FROM rollout_reports WHERE org_id = ? AND region_id = ? AND as_of = ?
     ${MEASURES.map((m) => `AND ${m} IS ?`).join(" ")} LIMIT 1`,
  );
  for (const line of lines) {
    const { number, values } = line;
    const { org, ...measures } = values;
    const report = atLine(file, number, () => {
      known(orgs, org, "organisation", "add it with porteiro rollout org add or org import first");
      known(regions, measures.region, "region", "add it with porteiro rollout region add first");
      return parseInput(reportInput, { org_id: org, ...measures });
    });
    const flag = (value: boolean | null | undefined) =>
      value === undefined || value === null ? null : value ? 1 : 0;
    const stored = [
      report.phase,
      report.subscribers_notified ?? null,
      report.adoption_pct ?? null,
      report.blocked_ipv4 ?? null,
      report.blocked_ipv6_prefixes ?? null,
      report.listed_ips ?? null,
      report.complaints ?? null,
      flag(report.submission_offered),
      report.public === true ? 1 : 0,
    ];
    if (same.get(report.org_id, report.region, report.as_of, ...stored)) count.unchanged++;
    else {
      appendReports(
        store,
        { orgId: report.org_id, source: "entered", submittedBy: by, public: report.public === true },
        [report],
      );
      count.added++;
    }
    tick(line);
  }
  return count;
}

/** How far an import is: records done, and the line reached of the file's lines. */
export interface ImportReach {
  readonly done: number;
  readonly line: number;
  readonly lines: number;
}

/** Reports are entered in the name of one of the programme's coordinators, by name or login. */
function coordinatorNamed(store: Store, by: string | undefined): string {
  const found =
    by !== undefined &&
    store
      .prepare("SELECT 1 FROM rollout_people WHERE role = 'coordinator' AND (name = ? OR username = ?)")
      .get(by, by);
  if (!found)
    throw new RolloutError(
      400,
      by === undefined
        ? "reports are entered in a coordinator's name: give it"
        : `no coordinator named "${by}" (porteiro rollout person add NAME --role coordinator)`,
    );
  return by as string;
}

/**
 * Imports one CSV file of `kind` as `actor` (a coordinator); reports are entered in the name of
 * `by`, a coordinator. `progress` hears how far it is every thousand records.
 */
export function importCsv(
  store: Store,
  actor: Actor,
  kind: ImportKind,
  text: string,
  options: { file: string; by?: string; progress?: (reach: ImportReach) => void },
): ImportCount {
  requireWrite(actor, null, "coordinator");
  const { file } = options;
  let done = 0;
  const tick = (line: Line) => {
    done++;
    if (done % 1000 === 0) options.progress?.({ done, line: line.number, lines: line.of });
  };
  const lines = records(kind, text, file);
  const count = store.transaction(() => {
    switch (kind) {
      case "orgs":
        return importOrgs(store, lines, file, tick);
      case "calendar":
        return importCalendar(store, lines, file, tick);
      case "reports":
        return importReports(store, lines, file, coordinatorNamed(store, options.by), tick);
    }
  })();
  // The import's wait, not the coordinator's next page: the figures of what came in, worked out now.
  refreshFigures(store);
  return count;
}
