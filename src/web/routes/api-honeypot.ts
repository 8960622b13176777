import type { FastifyInstance } from "fastify";
import { parseAddress } from "../../core/index.js";
import {
  honeypotReport,
  LISTENERS,
  listSessions,
  type NetworkLookup,
  sessionDetail,
} from "../../honeypot/index.js";
import { planCountry } from "../../reputation/index.js";
import { cacheOf, jsonText, sendJson } from "../console/cache.js";
import { serveDataTime } from "../console/freshness.js";
import { networkMapOf } from "../console/network-map.js";
import { badRequest, choiceParam, intParam, type Query, stringParam } from "../console/query.js";
import { pivot } from "../console/series.js";
import { honeypotStamp, planStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

const ORIGIN_KEYS = ["country", "asn"] as const;
const RANKED = 20;

/**
 * The honeypot's captures: sessions and messages per day, top origins, campaigns, and one session
 * in full. Every string of a session is the attacker's: pages insert it as text.
 */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  serveDataTime(app);
  const { store } = context;
  const network = async (): Promise<{ lookup: NetworkLookup; home: string | undefined }> => {
    const map = await networkMapOf(context);
    const plan = context.plan.current();
    // Finding the country holding most of the plan's space walks the whole map: once per plan.
    const home = cache.get("honeypot:home", planStamp(plan), () =>
      plan ? planCountry(plan, map) : undefined,
    );
    return { lookup: { lookup: (text) => map.lookup(parseAddress(text)) }, home };
  };

  const series = () =>
    cache.get("honeypot:series", honeypotStamp(store), () => {
      const rows = honeypotReport(store, { by: "listener", series: true }).rows;
      const perDay = new Map<string, { sessions: number; messages: number }>();
      for (const r of rows) {
        const day = perDay.get(r.day as string) ?? { sessions: 0, messages: 0 };
        day.sessions += r.sessions;
        day.messages += r.messages;
        perDay.set(r.day as string, day);
      }
      return {
        series: pivot(
          [...perDay].flatMap(([x, d]) => [
            { x, label: "sessions", value: d.sessions },
            { x, label: "messages", value: d.messages },
          ]),
          0,
          { period: "day" },
        ),
      };
    });

  const origins = async (query: Query) => {
    const by = choiceParam(query, "by", ORIGIN_KEYS, "country");
    const { lookup, home } = await network();
    return cache.get(`honeypot:origins:${by}:${home}`, honeypotStamp(store), () => {
      const report = honeypotReport(store, { by, network: lookup, ...(home ? { homeCountry: home } : {}) });
      return {
        by,
        home_country: report.home_country,
        abroad_share: report.abroad_share,
        origin: report.origin,
        rows: report.rows.slice(0, RANKED),
      };
    });
  };

  const campaigns = () =>
    cache.get("honeypot:campaigns", honeypotStamp(store), () => ({
      rows: honeypotReport(store, { by: "campaign" }).rows.slice(0, 200),
    }));

  const sessions = (query: Query) => {
    const listener = stringParam(query, "listener", 10);
    if (listener !== undefined && !(LISTENERS as readonly string[]).includes(listener))
      throw badRequest(`listener: expected one of ${LISTENERS.join(", ")}`);
    const source = stringParam(query, "source", 64);
    const limit = intParam(query, "limit", 200, 1000);
    const offset = intParam(query, "offset", 0, 1_000_000);
    const key = `honeypot:sessions:${limit}:${offset}:${listener}:${source}`;
    return cache.get(key, honeypotStamp(store), () =>
      jsonText({
        sessions: listSessions(store, {
          limit,
          offset,
          ...(listener ? { listener } : {}),
          ...(source ? { source } : {}),
        }),
      }),
    );
  };

  // The honeypot page's first questions; origins only once there are sessions to place on the map.
  cache.warmer(series);
  cache.warmer(() => listSessions(store, { limit: 1 }).length > 0 && origins({ by: "country" }));
  cache.warmer(campaigns);
  cache.warmer(() => sessions({ limit: "500" }));

  app.get("/api/honeypot/series", async () => series());
  app.get("/api/honeypot/origins", async (request) => origins(request.query as Query));
  app.get("/api/honeypot/campaigns", async () => campaigns());
  app.get("/api/honeypot/sessions", async (request, reply) =>
    sendJson(request, reply, sessions(request.query as Query)),
  );

  app.get("/api/honeypot/sessions/:id", async (request) => {
    const text = (request.params as { id: string }).id;
    if (!/^[0-9]{1,15}$/.test(text)) throw badRequest("id: expected a number");
    const session = sessionDetail(store, Number(text));
    if (!session) throw Object.assign(new Error(`no session ${text}`), { statusCode: 404 });
    return session;
  });
}
