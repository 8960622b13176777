/**
 * Small server-drawn SVG charts for the programme pages: no script needed, so the public page
 * and the console show the same curves, and presentation attributes rather than styles (the CSP
 * allows no inline style).
 */
import { type Html, html } from "../html.js";

const WIDTH = 640;
const HEIGHT = 170;
const PAD = { left: 56, right: 12, top: 12, bottom: 26 };

const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

export interface Point {
  readonly x: string;
  readonly y: number | null;
}

/** A line over dated points; gaps where y is null. `max` fixes the top (100 for a percent). */
export function lineChart(
  title: string,
  points: readonly Point[],
  options: { max?: number; unit?: string } = {},
): Html {
  const values = points.map((p) => p.y).filter((y): y is number => y !== null);
  if (values.length === 0) return html`<p class="empty">${title}: no reports yet.</p>`;
  const top = options.max ?? (Math.max(...values) * 1.1 || 1);
  const spanX = WIDTH - PAD.left - PAD.right;
  const spanY = HEIGHT - PAD.top - PAD.bottom;
  const xOf = (i: number) => PAD.left + (points.length === 1 ? spanX / 2 : (i / (points.length - 1)) * spanX);
  const yOf = (y: number) => PAD.top + spanY - (top > 0 ? (y / top) * spanY : 0);
  const runs: string[][] = [[]];
  points.forEach((p, i) => {
    if (p.y === null) runs.push([]);
    else (runs[runs.length - 1] as string[]).push(`${xOf(i).toFixed(1)},${yOf(p.y).toFixed(1)}`);
  });
  const unit = options.unit ?? "";
  const last = values[values.length - 1] as number;
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}: latest ${number.format(last)}${unit}">
<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end" font-size="11">${number.format(top)}${unit}</text>
<text x="${PAD.left - 6}" y="${HEIGHT - PAD.bottom}" text-anchor="end" font-size="11">0</text>
<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11">${points[0]?.x}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end" font-size="11">${points[points.length - 1]?.x}</text>
${runs.filter((run) => run.length > 0).map((run) => html`<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="${run.join(" ")}"/>`)}
</svg>
<figcaption>${title} — latest ${number.format(last)}${unit}</figcaption>
</figure>`;
}

/**
 * One bar per day, red above `threshold` (amber when its reports came from few networks), with
 * the threshold as a dashed line and the switch day marked.
 */
export function noiseChart(
  title: string,
  days: readonly {
    day: string;
    after_switch: number;
    records: number;
    networks: number;
    few_networks: boolean;
  }[],
  threshold: number,
): Html {
  if (days.length === 0) return html`<p class="empty">${title}: the switch is more than a week away.</p>`;
  const top = Math.max(threshold * 1.5, ...days.map((d) => d.records), 1);
  const spanX = WIDTH - PAD.left - PAD.right;
  const spanY = HEIGHT - PAD.top - PAD.bottom;
  const barWidth = spanX / days.length;
  const yOf = (y: number) => PAD.top + spanY - (y / top) * spanY;
  const switchIndex = days.findIndex((d) => d.after_switch === 0);
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}">
<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
${days.map(
  (d, i) =>
    html`<rect x="${(PAD.left + i * barWidth + 1).toFixed(1)}" y="${yOf(d.records).toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${(HEIGHT - PAD.bottom - yOf(d.records)).toFixed(1)}" fill="${d.after_switch >= 0 && d.records > threshold ? (d.few_networks ? "#d68910" : "#c0392b") : "#7f8c8d"}"><title>${d.day}: ${d.records}${d.few_networks ? ` from ${d.networks} ${d.networks === 1 ? "network" : "networks"}: possibly a flood` : ""}</title></rect>`,
)}
<line x1="${PAD.left}" y1="${yOf(threshold).toFixed(1)}" x2="${WIDTH - PAD.right}" y2="${yOf(threshold).toFixed(1)}" stroke="#c0392b" stroke-dasharray="4 3"/>
<text x="${PAD.left - 6}" y="${(yOf(threshold) + 4).toFixed(1)}" text-anchor="end" font-size="11">${threshold}</text>
${switchIndex >= 0 ? html`<line x1="${(PAD.left + switchIndex * barWidth).toFixed(1)}" y1="${PAD.top}" x2="${(PAD.left + switchIndex * barWidth).toFixed(1)}" y2="${HEIGHT - PAD.bottom}" stroke="#333"/><text x="${(PAD.left + switchIndex * barWidth + 4).toFixed(1)}" y="${PAD.top + 10}" font-size="11">switch</text>` : ""}
<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11">${days[0]?.day}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end" font-size="11">${days[days.length - 1]?.day}</text>
</svg>
<figcaption>${title}</figcaption>
</figure>`;
}
