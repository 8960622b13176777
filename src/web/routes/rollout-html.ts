/** HTML fragments the programme's console pages and the public transparency page share. */
import type { CommitmentKind, CommitmentState, Phase, TimelineEntry } from "../../rollout/index.js";
import { type Html, html } from "../html.js";

const count = new Intl.NumberFormat("en-GB");
export const figure = (value: number | null | undefined, unit = "") =>
  value === null || value === undefined ? "–" : `${count.format(value)}${unit}`;

export function commitmentText(c: {
  kind: CommitmentKind;
  target: number | null;
  region: string | null;
}): string {
  switch (c.kind) {
    case "adoption_pct":
      return `≥ ${c.target}% of mail-client users on 587/465${c.region ? ` in ${c.region}` : ""}`;
    case "port25_blocked_region":
      return `port 25 blocked in the dynamic space of ${c.region}`;
    case "submission_offered":
      return "authenticated submission (587/465) offered";
  }
}

export const stateBadge = (state: CommitmentState) =>
  html`<span class="state state-${state.replace(" ", "-")}">${state}</span>`;

export const phaseBadge = (phase: Phase) => html`<span class="phase phase-${phase}">${phase}</span>`;

/** Every organisation (rows) in every region (columns): its phase today and its dates. */
export function timelineTable(
  timeline: readonly TimelineEntry[],
  regions: readonly { id: string; name: string }[],
  orgName: (id: string) => string,
): Html {
  const orgs = [...new Set(timeline.map((e) => e.org_id))];
  const entries = new Map(timeline.map((e) => [`${e.org_id}\t${e.region_id}`, e]));
  if (orgs.length === 0) return html`<p class="empty">No calendar yet.</p>`;
  return html`<table class="timeline">
<thead><tr><th>Organisation</th>${regions.map((r) => html`<th>${r.name}</th>`)}</tr></thead>
<tbody>${orgs.map(
    (org) =>
      html`<tr><th>${orgName(org)}</th>${regions.map((region) => {
        const e = entries.get(`${org}\t${region.id}`);
        return e
          ? html`<td class="phase-${e.phase}">${phaseBadge(e.phase)}<small>${e.notify_from ? html`notify ${e.notify_from}<br>` : ""}${e.observe_from ? html`observe ${e.observe_from}<br>` : ""}enforce ${e.enforce_from}</small></td>`
          : html`<td>–</td>`;
      })}</tr>`,
  )}</tbody>
</table>`;
}
