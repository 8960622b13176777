import type { FastifyInstance } from "fastify";
import type { Plan } from "../../plan/index.js";
import {
  type Grouping,
  listSnapshots,
  networkGrouping,
  planGrouping,
  type ReportRow,
  readSnapshot,
  reportsByDate,
  type SnapshotSource,
} from "../../reputation/index.js";
import { cacheOf } from "../console/cache.js";
import { networkMapOf } from "../console/network-map.js";
import { badRequest, choiceParam, dayParam, type Query, stringParam } from "../console/query.js";
import { planStamp, reputationStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

const KEYS = ["country", "asn", "pool", "region"] as const;
type Key = (typeof KEYS)[number];
/** Rows of one date sent at most (ASes run to thousands). */
const REPORT_ROWS = 500;

interface Dated {
  readonly date: string;
  readonly rows: readonly ReportRow[];
}

/** Listings per ASN, country, pool and region: a date's ranking, and one key over every date. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  const { store } = context;
  const source: SnapshotSource = {
    lists: () => [...new Set(listSnapshots(store).map((s) => s.list))].sort(),
    dates: (list) => listSnapshots(store, list).map((s) => s.date),
    read: (list, date) => readSnapshot(store, context.dataDir, list, date),
  };

  const groupingFor = async (by: Key): Promise<{ grouping: Grouping; plan: Plan | undefined }> => {
    if (by === "asn" || by === "country")
      return { grouping: networkGrouping(await networkMapOf(context), by), plan: undefined };
    const plan = context.plan.current();
    if (!plan) throw Object.assign(new Error("no plan loaded"), { statusCode: 404 });
    return { grouping: planGrouping(plan, by), plan };
  };

  /** Every date's report for a key kind, computed once per data and plan: one pass over the snapshots. */
  const byDate = async (query: Query): Promise<{ by: Key; dates: readonly Dated[] }> => {
    const by = choiceParam(query, "by", KEYS, "country");
    const { grouping, plan } = await groupingFor(by);
    const dates = cache.get(`reputation:${by}`, `${reputationStamp(store)}:${planStamp(plan)}`, () => [
      ...reportsByDate(source, source.lists(), grouping),
    ]);
    return { by, dates };
  };

  const lists = () =>
    cache.get("reputation:lists", reputationStamp(store), () => ({
      snapshots: listSnapshots(store).map((s) => ({
        list: s.list,
        date: s.date,
        v4: s.v4Addresses,
        v6_ranges: s.v6Ranges,
      })),
    }));

  // Every grouping the page offers (country first: the page opens on it), once there are snapshots.
  cache.warmer(lists);
  for (const by of KEYS)
    cache.warmer(async () => {
      if (
        listSnapshots(store).length === 0 ||
        (!context.plan.current() && (by === "pool" || by === "region"))
      )
        return;
      await byDate({ by });
    });

  app.get("/api/reputation/lists", async () => lists());

  app.get("/api/reputation/report", async (request) => {
    const query = request.query as Query;
    const { by, dates } = await byDate(query);
    const date = dayParam(query, "date") ?? dates[dates.length - 1]?.date;
    const found = dates.find((d) => d.date === date);
    if (date !== undefined && !found) throw badRequest(`no snapshot on ${date}`);
    return {
      by,
      date: date ?? null,
      dates: dates.map((d) => d.date),
      total: found?.rows.length ?? 0,
      rows: found?.rows.slice(0, REPORT_ROWS) ?? [],
    };
  });

  app.get("/api/reputation/series", async (request) => {
    const query = request.query as Query;
    const { by, dates } = await byDate(query);
    const key = stringParam(query, "key", 100) ?? dates[dates.length - 1]?.rows[0]?.key;
    return {
      by,
      key: key ?? null,
      points: dates.map(({ date, rows }) => {
        const row = rows.find((r) => r.key === key);
        return {
          date,
          listed: row?.listed ?? 0,
          infect_pct: row?.infect_pct ?? null,
          rank: row?.rank ?? null,
        };
      }),
    };
  });
}
