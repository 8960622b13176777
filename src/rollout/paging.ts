/**
 * Pages of the programme's lists: keyset pagination in SQL over a stable order whose last key is
 * unique, so a page never repeats or skips a row, however large the table. The cursor is the
 * previous page's last sort key, opaque to clients.
 */
import { type Day, tryParseDay } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { Condition } from "./access.js";
import { RolloutError } from "./errors.js";
import { PHASES, type Phase } from "./model.js";

/** Rows a page holds when the request names no limit. */
export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 5000;

/** `q`: a search a list matches its own way (organisations: part of the name or id). */
export const FILTERS = ["org", "region", "phase", "from", "to", "q"] as const;
export type FilterName = (typeof FILTERS)[number];

export interface PageRequest {
  readonly limit: number;
  /** The sort key of the last row of the previous page; null for the first page. */
  readonly after: readonly (string | number)[] | null;
  readonly org?: string;
  readonly region?: string;
  readonly phase?: Phase;
  /** Inclusive bounds on the list's date (a report's as_of, a commitment's due, …). */
  readonly from?: Day;
  readonly to?: Day;
  readonly q?: string;
  /** One of the list's orders (Listing.sorts) by name; its default order when absent. */
  readonly sort?: string;
  /** The day phases are worked out on, for lists whose phase comes from the calendar. */
  readonly today: Day;
}

export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

const encodeCursor = (key: readonly unknown[]) => Buffer.from(JSON.stringify(key)).toString("base64url");

function decodeCursor(text: string): (string | number)[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  if (
    !Array.isArray(key) ||
    key.length === 0 ||
    !key.every((v) => typeof v === "string" || typeof v === "number")
  )
    throw new RolloutError(400, "cursor is not one this list gave: pass the next value of the previous page");
  return key;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new RolloutError(400, `${name} is given more than once`);
  return value;
}

function day(query: Record<string, unknown>, name: "from" | "to"): Day | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  const parsed = tryParseDay(text);
  if (parsed === undefined)
    throw new RolloutError(400, `${name} must be a date YYYY-MM-DD, not ${text.slice(0, 20)}`);
  return parsed;
}

/**
 * The page a query string asks for, with only the filters this list takes (`accepts`); any other
 * filter is refused, so a client never mistakes an unfiltered list for a filtered one.
 */
export function pageRequest(
  query: unknown,
  accepts: readonly FilterName[],
  list: string,
  today: Day,
): PageRequest {
  const given = (query ?? {}) as Record<string, unknown>;
  for (const name of FILTERS)
    if (given[name] !== undefined && !accepts.includes(name))
      throw new RolloutError(
        400,
        `${list} cannot be filtered by ${name} (it takes ${accepts.join(", ") || "none"})`,
      );
  const limitText = single(given, "limit");
  let limit = DEFAULT_PAGE_SIZE;
  if (limitText !== undefined) {
    if (!/^[1-9][0-9]{0,5}$/.test(limitText) || Number(limitText) > MAX_PAGE_SIZE)
      throw new RolloutError(400, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    limit = Number(limitText);
  }
  const cursor = single(given, "cursor");
  const phase = single(given, "phase");
  if (phase !== undefined && !(PHASES as readonly string[]).includes(phase))
    throw new RolloutError(400, `phase must be one of ${PHASES.join(", ")}`);
  const sort = single(given, "sort");
  const q = single(given, "q");
  if (q !== undefined && q.length > 100) throw new RolloutError(400, "q takes at most 100 characters");
  const request: PageRequest = {
    limit,
    after: cursor === undefined || cursor === "" ? null : decodeCursor(cursor),
    today,
    ...(sort !== undefined && sort !== "" && { sort }),
    ...(q !== undefined && q !== "" && { q }),
  };
  const org = single(given, "org");
  const region = single(given, "region");
  const from = day(given, "from");
  const to = day(given, "to");
  return {
    ...request,
    ...(org !== undefined && { org }),
    ...(region !== undefined && { region }),
    ...(phase !== undefined && { phase: phase as Phase }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
  };
}

/** Every row at once, for callers that need all of them (the CLI, the views). */
export const EVERYTHING = (today: Day): PageRequest => ({
  limit: Number.MAX_SAFE_INTEGER,
  after: null,
  today,
});

/** A calendar entry's phase on the day bound to its one placeholder (see phaseOf). */
export const PHASE_SQL = (alias: string) =>
  `(CASE WHEN ${alias}.enforce_from <= @today THEN 'enforce'
         WHEN ${alias}.observe_from <= @today THEN 'observe'
         WHEN ${alias}.notify_from <= @today THEN 'notify' ELSE 'planned' END)`;

/**
 * How one list is read: its table, its order (NOT NULL expressions, all ascending or all followed
 * by DESC, the last unique), the other orders a request may name, and its filters.
 */
export interface Listing<Row, Item> {
  readonly from: string;
  readonly columns: string;
  readonly order: readonly string[];
  readonly sorts?: Readonly<Record<string, readonly string[]>>;
  readonly filters: Partial<Record<FilterName, string>>;
  readonly toItem: (row: Row) => Item;
}

/**
 * One page of a listing within `visible` (the reader's rows). Filter conditions name their value
 * as @value and may use @today; the page ends where the next key exceeds the cursor.
 */
export function selectPage<Row, Item>(
  store: Store,
  listing: Listing<Row, Item>,
  visible: Condition,
  request: PageRequest,
): Page<Item> {
  const conditions = [visible.sql];
  const values: unknown[] = [...visible.values];
  for (const name of FILTERS) {
    const value = request[name];
    if (value === undefined) continue;
    const sql = listing.filters[name];
    if (sql === undefined) throw new RolloutError(400, `this list cannot be filtered by ${name}`);
    conditions.push(sql.replaceAll("@today", "?").replaceAll("@value", "?"));
    for (const match of sql.matchAll(/@(today|value)/g))
      values.push(match[1] === "today" ? request.today : value);
  }
  const order = orderOf(listing, request.sort);
  const keys = order.map(({ expression }, i) => `${expression} AS _key${i}`).join(", ");
  if (request.after !== null) {
    // The cursor names its order first, so it never walks a page of another order.
    const [sortName, ...after] = request.after;
    if (sortName !== (request.sort ?? "") || after.length !== order.length)
      throw new RolloutError(
        400,
        "cursor is not one this list gave in this order: pass the next value of the previous page, with its sort",
      );
    conditions.push(afterKey(order));
    values.push(...after);
  }
  const limit = Math.min(request.limit, Number.MAX_SAFE_INTEGER - 1);
  const rows = store
    .prepare(
      `SELECT ${listing.columns}, ${keys} FROM ${listing.from} WHERE ${conditions.join(" AND ")}
       ORDER BY ${order.map(({ expression, descending }) => `${expression}${descending ? " DESC" : ""}`).join(", ")} LIMIT ?`,
    )
    .all(...values, limit + 1) as Record<string, unknown>[];
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  const keyOf = (row: Record<string, unknown>) => [
    request.sort ?? "",
    ...order.map((_, i) => row[`_key${i}`]),
  ];
  return {
    items: shown.map((row) => {
      const plain = { ...row };
      for (let i = 0; i < order.length; i++) delete plain[`_key${i}`];
      return listing.toItem(plain as Row);
    }),
    next: more && last ? encodeCursor(keyOf(last) as (string | number)[]) : null,
  };
}

interface OrderKey {
  readonly expression: string;
  readonly descending: boolean;
}

/** The order a request names (its default when none), refused with the choices when unknown. */
function orderOf(
  listing: Pick<Listing<never, unknown>, "order" | "sorts">,
  sort: string | undefined,
): OrderKey[] {
  const order = sort === undefined ? listing.order : listing.sorts?.[sort];
  if (order === undefined)
    throw new RolloutError(
      400,
      `this list cannot be sorted by ${sort?.slice(0, 40)} (it takes ${Object.keys(listing.sorts ?? {}).join(", ") || "none"})`,
    );
  return order.map((key) => {
    const descending = / DESC$/.test(key);
    return { expression: descending ? key.slice(0, -" DESC".length) : key, descending };
  });
}

/** The rows after a key in an order whose keys all go one way: a row-value comparison an index serves. */
function afterKey(order: readonly OrderKey[]): string {
  const descending = order[0]?.descending === true;
  return `(${order.map((key) => key.expression).join(", ")}) ${descending ? "<" : ">"} (${order.map(() => "?").join(", ")})`;
}
