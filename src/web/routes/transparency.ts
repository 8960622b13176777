/**
 * The programme's public record at /transparency: who takes part, what they committed to and
 * whether it is met, progress per region and the national trends — from what is marked public
 * only (src/rollout/transparency.ts), drawn on the server, every value escaped. Each page of it is
 * rendered once per change of the programme's data and day, and carries an ETag so a reverse
 * proxy (or the browser) revalidates instead of fetching it again. Its participants are paged and
 * can be searched by name.
 */
import type { FastifyInstance } from "fastify";
import { today } from "../../core/index.js";
import { computedOnce, publicDocumentFile, publicRecord } from "../../rollout/index.js";
import type { WebContext } from "../context.js";
import { type Html, html } from "../html.js";
import { HTML_TYPE, publicPage } from "../layout.js";
import { lineChart } from "./rollout-chart.js";
import { commitmentText, figure, stateBadge } from "./rollout-html.js";

const TYPE_NAMES: Record<string, string> = {
  isp: "Internet providers",
  "mail-provider": "Mail providers",
  regulator: "Regulators",
  "consumer-protection": "Consumer protection",
  csirt: "CSIRTs",
  association: "Associations",
  academia: "Academia",
};

/** Participants and commitments a page shows: the per-organisation lists run to thousands of rows. */
export const TRANSPARENCY_PAGE_ROWS = 200;

/** Links to the other pages of the per-organisation lists, when there are more than one. */
function pageLinks(page: number, pages: number, search: string): Html | string {
  if (pages <= 1) return "";
  const found = search ? `&q=${encodeURIComponent(search)}` : "";
  const link = (n: number, text: string) =>
    html`<a href="/transparency?page=${String(n)}${found}#participants">${text}</a>`;
  return html`<nav class="pages" aria-label="pages">Page ${String(page)} of ${String(pages)}${page > 1 ? html` · ${link(page - 1, "previous")}` : ""}${page < pages ? html` · ${link(page + 1, "next")}` : ""}</nav>`;
}

/** The participants' search: a GET of this page, so it works without script. */
const searchForm = (
  search: string,
) => html`<form class="search" method="get" action="/transparency#participants">
<label>Find a participant <input type="search" name="q" value="${search}" maxlength="100"></label> <button type="submit">Find</button>${search ? html` <a href="/transparency#participants">all participants</a>` : ""}</form>`;

/** Whether a participant's name holds the search, in any case. */
const holds = (name: string, search: string) => name.toLowerCase().includes(search.toLowerCase());

function render(context: WebContext, day: ReturnType<typeof today>, page: number, search: string): string {
  const record = publicRecord(context.store, day);
  const slice = <T>(rows: readonly T[]) =>
    rows.slice((page - 1) * TRANSPARENCY_PAGE_ROWS, page * TRANSPARENCY_PAGE_ROWS);
  const found = search ? record.orgs.filter((o) => holds(o.name, search)) : record.orgs;
  const committed = search ? record.commitments.filter((c) => holds(c.org, search)) : record.commitments;
  const pages = Math.max(1, Math.ceil(Math.max(found.length, committed.length) / TRANSPARENCY_PAGE_ROWS));
  const orgs = slice(found);
  const commitments = slice(committed);
  const types = [...new Set(orgs.map((o) => o.type))];
  return publicPage(
    context,
    "Port 25 management: the public record",
    html`<h1>Port 25 management: the public record</h1>
<p>Internet providers are closing port 25 for home connections, region by region, so infected computers can no longer send spam directly while everyone's e-mail keeps working through authenticated submission (port 587). This page shows the programme as its participants publish it, as of ${record.today}.</p>
<section id="participants"><h2>Participants</h2>
${searchForm(search)}
${
  types.length
    ? html`<dl>${types.map(
        (t) =>
          html`<dt>${TYPE_NAMES[t] ?? t}</dt><dd>${orgs
            .filter((o) => o.type === t)
            .map((o) => o.name)
            .join(", ")}</dd>`,
      )}</dl>`
    : search
      ? html`<p>No participant's name holds “${search}”.</p>`
      : html`<p>No participants published yet.</p>`
}
${pageLinks(page, pages, search)}
</section>
<section id="documents"><h2>Documents</h2>
${record.documents.length ? html`<ul>${record.documents.map((d) => html`<li>${d.date} · ${d.kind}${d.issuer ? html` (${d.issuer})` : ""}: ${d.link ? html`<a href="${d.link}" rel="noopener noreferrer">${d.title}</a>` : d.has_file ? html`<a href="/transparency/documents/${d.id}">${d.title}</a>` : d.title}</li>`)}</ul>` : html`<p>No documents published yet.</p>`}
</section>
<section id="commitments"><h2>Commitments</h2>
${commitments.length ? html`<table><thead><tr><th>Participant</th><th>Commitment</th><th>Due</th><th>State</th></tr></thead><tbody>${commitments.map((c) => html`<tr><td>${c.org}</td><td>${commitmentText(c)}</td><td>${c.due}</td><td>${stateBadge(c.state)}${c.met_on ? html` <small>on ${c.met_on}</small>` : ""}</td></tr>`)}</tbody></table>` : html`<p>No commitments published yet.</p>`}
</section>
<section id="regions"><h2>Progress per region</h2>
<table><thead><tr><th>Region</th><th>First switch</th><th>Providers blocking port 25</th><th>Adoption of port 587</th></tr></thead>
<tbody>${record.regions.map((r) => html`<tr><td>${r.name}</td><td>${r.switch_day ?? "–"}</td><td>${r.enforcing} of ${r.organisations}</td><td>${figure(r.adoption_pct, "%")}</td></tr>`)}</tbody></table>
</section>
<section id="trends"><h2>National trends</h2>
${lineChart(
  "Adoption of authenticated submission (%)",
  record.national.map((p) => ({ x: p.day, y: p.adoption_pct })),
  { max: 100, unit: "%" },
)}
${lineChart(
  "Addresses on blacklists",
  record.national.map((p) => ({ x: p.day, y: p.listed_ips })),
)}
${lineChart(
  "Spam complaints",
  record.national.map((p) => ({ x: p.day, y: p.complaints })),
)}
</section>`,
  );
}

export function register(app: FastifyInstance, context: WebContext): void {
  context.helpLinks.push({
    href: "/transparency",
    title: "The programme's public record",
    description: "who takes part, their commitments, progress per region",
  });
  app.get("/transparency", async (request, reply) => {
    const asked = (request.query as { page?: unknown }).page;
    const page = typeof asked === "string" && /^[1-9][0-9]{0,5}$/.test(asked) ? Number(asked) : 1;
    const day = today();
    const askedSearch = (request.query as { q?: unknown }).q;
    const search = typeof askedSearch === "string" ? askedSearch.trim().slice(0, 100) : "";
    // A search is filtered from the record of this change, not kept: any text may be searched for.
    if (search)
      return reply
        .header("cache-control", "public, max-age=60")
        .type(HTML_TYPE)
        .send(render(context, day, page, search));
    const { value, version } = computedOnce(context.store, `transparency ${day} ${page}`, () =>
      render(context, day, page, ""),
    );
    const etag = `"rollout-${version}-${day}-${page}"`;
    reply.header("etag", etag).header("cache-control", "public, max-age=60");
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    return reply.type(HTML_TYPE).send(value);
  });
  app.get("/transparency/documents/:id", async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const file = /^[1-9][0-9]{0,15}$/.test(id)
      ? publicDocumentFile(context.store, Number(id), today())
      : undefined;
    if (!file) return reply.code(404).type("text/plain; charset=utf-8").send("not found\n");
    return reply
      .type(file.type)
      .header("content-disposition", `attachment; filename="${file.name}"`)
      .send(file.content);
  });
}
