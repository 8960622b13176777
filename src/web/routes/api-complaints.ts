import type { FastifyInstance } from "fastify";
import {
  complaintReport,
  complaintSeries,
  getComplaint,
  INTERVALS,
  listComplaints,
  REPORT_KEYS,
} from "../../complaints/index.js";
import { cacheOf, jsonText, sendJson } from "../console/cache.js";
import { serveDataTime } from "../console/freshness.js";
import { badRequest, choiceParam, dayParam, dayWindow, intParam, type Query } from "../console/query.js";
import { pivot } from "../console/series.js";
import { complaintsStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

/** Complaint trends by key and the reports behind them. Every text field is the reporter's: pages insert it as text. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  serveDataTime(app);
  const { store } = context;

  const series = (query: Query) => {
    const by = choiceParam(query, "by", REPORT_KEYS, "region");
    const interval = choiceParam(query, "interval", INTERVALS, "week");
    return cache.get(`complaints:series:${by}:${interval}`, complaintsStamp(store), () => ({
      by,
      interval,
      series: pivot(
        complaintSeries(store, { by, interval }).map((r) => ({
          x: r.interval,
          label: r.key === null ? "unknown" : String(r.key),
          value: r.complaints,
        })),
        0,
        { period: interval },
      ),
    }));
  };

  const report = (query: Query) => {
    const by = choiceParam(query, "by", REPORT_KEYS, "asn");
    const since = dayParam(query, "since");
    const until = dayParam(query, "until");
    return cache.get(`complaints:report:${by}:${since}:${until}`, complaintsStamp(store), () => ({
      by,
      rows: complaintReport(store, { by, ...dayWindow(since, until) }),
    }));
  };

  const list = (query: Query) => {
    const limit = intParam(query, "limit", 200, 5000);
    return cache.get(`complaints:list:${limit}`, complaintsStamp(store), () =>
      jsonText({
        complaints: listComplaints(store, { limit }).map((c) => ({
          id: c.id,
          arrival: new Date(c.arrivalMs).toISOString(),
          source_ip: c.sourceIp,
          feedback_type: c.feedbackType,
          subject: c.subject,
          reporter: c.reporter,
          reported_domain: c.reportedDomain,
          asn: c.attribution.asn,
          country: c.attribution.country,
          region: c.attribution.region,
          pool: c.attribution.pool,
          subscriber: c.attribution.subscriber,
          duplicates: c.duplicates,
        })),
      }),
    );
  };

  // The reputation page's first questions about complaints.
  cache.warmer(() => series({ by: "region" }));
  cache.warmer(() => list({ limit: "1000" }));
  cache.warmer(() => report({ by: "asn" }));

  app.get("/api/complaints/series", async (request) => series(request.query as Query));
  app.get("/api/complaints/report", async (request) => report(request.query as Query));
  app.get("/api/complaints", async (request, reply) =>
    sendJson(request, reply, list(request.query as Query)),
  );

  app.get("/api/complaints/:id", async (request) => {
    const text = (request.params as { id: string }).id;
    if (!/^[0-9]{1,15}$/.test(text)) throw badRequest("id: expected a number");
    const complaint = getComplaint(store, Number(text));
    if (!complaint) throw Object.assign(new Error(`no complaint ${text}`), { statusCode: 404 });
    return complaint;
  });
}
