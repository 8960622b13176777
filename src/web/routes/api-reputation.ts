import type { FastifyInstance } from "fastify";
import { listSnapshots } from "../../reputation/index.js";
import { cacheOf } from "../console/cache.js";
import { serveDataTime } from "../console/freshness.js";
import { badRequest, choiceParam, dayParam, type Query, stringParam } from "../console/query.js";
import { reportThreadOf } from "../console/reports.js";
import { planStamp, reputationStamp } from "../console/stamps.js";
import { type DatedReport, REPORT_KEYS, type ReportKey } from "../console/thread-reports.js";
import type { WebContext } from "../context.js";

/** Rows of one date sent at most (ASes run to thousands). */
const REPORT_ROWS = 500;

/** Listings per ASN, country, pool and region: a date's ranking, and one key over every date. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  serveDataTime(app);
  const { store } = context;
  const reports = reportThreadOf(context);

  /**
   * Every date's report for a key kind, computed once per data and plan: one pass over the
   * snapshots, in the report thread (with the network map for asn and country).
   */
  const byDate = async (query: Query): Promise<{ by: ReportKey; dates: readonly DatedReport[] }> => {
    const by = choiceParam(query, "by", REPORT_KEYS, "country");
    const plan = by === "asn" || by === "country" ? undefined : context.plan.current();
    if (!plan && (by === "pool" || by === "region"))
      throw Object.assign(new Error("no plan loaded"), { statusCode: 404 });
    const listings = reputationStamp(store);
    const dates = await cache.getAsync(`reputation:${by}`, `${listings}:${planStamp(plan)}`, (first) =>
      reports.run("listingsByDate", { by }, listings, first),
    );
    return { by, dates: dates.value };
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
  for (const by of REPORT_KEYS)
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
