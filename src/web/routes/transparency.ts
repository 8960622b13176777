/**
 * The programme's public record at /transparency: who takes part, what they committed to and
 * whether it is met, progress per region and the national trends — from what is marked public
 * only (src/rollout/transparency.ts), drawn on the server, every value escaped.
 */
import type { FastifyInstance } from "fastify";
import { today } from "../../core/index.js";
import { publicDocumentFile, publicRecord } from "../../rollout/index.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";
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

function page(context: WebContext): string {
  const record = publicRecord(context.store, today());
  const types = [...new Set(record.orgs.map((o) => o.type))];
  return publicPage(
    context,
    "Port 25 management: the public record",
    html`<h1>Port 25 management: the public record</h1>
<p>Internet providers are closing port 25 for home connections, region by region, so infected computers can no longer send spam directly while everyone's e-mail keeps working through authenticated submission (port 587). This page shows the programme as its participants publish it, as of ${record.today}.</p>
<section id="participants"><h2>Participants</h2>
${
  types.length
    ? html`<dl>${types.map(
        (t) =>
          html`<dt>${TYPE_NAMES[t] ?? t}</dt><dd>${record.orgs
            .filter((o) => o.type === t)
            .map((o) => o.name)
            .join(", ")}</dd>`,
      )}</dl>`
    : html`<p>No participants published yet.</p>`
}
</section>
<section id="documents"><h2>Documents</h2>
${record.documents.length ? html`<ul>${record.documents.map((d) => html`<li>${d.date} · ${d.kind}${d.issuer ? html` (${d.issuer})` : ""}: ${d.link ? html`<a href="${d.link}" rel="noopener noreferrer">${d.title}</a>` : d.has_file ? html`<a href="/transparency/documents/${d.id}">${d.title}</a>` : d.title}</li>`)}</ul>` : html`<p>No documents published yet.</p>`}
</section>
<section id="commitments"><h2>Commitments</h2>
${record.commitments.length ? html`<table><thead><tr><th>Participant</th><th>Commitment</th><th>Due</th><th>State</th></tr></thead><tbody>${record.commitments.map((c) => html`<tr><td>${c.org}</td><td>${commitmentText(c)}</td><td>${c.due}</td><td>${stateBadge(c.state)}${c.met_on ? html` <small>on ${c.met_on}</small>` : ""}</td></tr>`)}</tbody></table>` : html`<p>No commitments published yet.</p>`}
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
  app.get("/transparency", async (_request, reply) => reply.type(HTML_TYPE).send(page(context)));
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
