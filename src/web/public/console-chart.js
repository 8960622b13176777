// Charts: uPlot (loaded as the global `uPlot` from /static/uplot.js) for time series, and two
// small canvas drawings uPlot has no shape for: the phase timeline and ranked bars.
import { dateTime, daySeconds, el, fill } from "./console-dom.js";

const COLORS = [
  "#0b5fad",
  "#b3261e",
  "#1d7a3a",
  "#9a6200",
  "#6a3d9a",
  "#00838f",
  "#c2185b",
  "#5d4037",
  "#455a64",
  "#7cb342",
];
export const PHASE_COLORS = { open: "#d8dde6", observe: "#e8b04a", enforce: "#b3261e" };

const widthOf = (container) => Math.max(320, container.clientWidth || 640);

/** Vertical dashed lines at given days, labelled: the enforcement dates. */
function marksPlugin(marks) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          ctx.save();
          ctx.strokeStyle = "#b3261e";
          ctx.fillStyle = "#b3261e";
          ctx.setLineDash([5, 4]);
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          for (const mark of marks) {
            const x = u.valToPos(daySeconds(mark.day), "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(mark.label, x + 3, u.bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** The series' last period when it was still under way as the data was read, else undefined. */
const partialOf = (series) =>
  series.partial && series.x[series.x.length - 1] === series.partial.from ? series.partial : undefined;

/**
 * Draws the last, partial period of each line dashed from the point before it, with a hollow
 * point, over a light band: a week three days old is not a fall.
 */
function partialPlugin(lines) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          const last = u.data[0].length - 1;
          const x = u.valToPos(u.data[0][last], "x", true);
          ctx.save();
          ctx.fillStyle = "rgba(91, 100, 117, 0.08)";
          ctx.fillRect(x, u.bbox.top, u.bbox.left + u.bbox.width - x, u.bbox.height);
          ctx.setLineDash([4, 4]);
          ctx.lineWidth = 2 * devicePixelRatio;
          lines.forEach((line, i) => {
            const value = line.values[last];
            if (!u.series[i + 1].show || value === null || value === undefined) return;
            const y = u.valToPos(value, "y", true);
            ctx.strokeStyle = COLORS[i % COLORS.length];
            let before = last - 1;
            while (before >= 0 && (line.values[before] === null || line.values[before] === undefined))
              before--;
            if (before >= 0) {
              ctx.beginPath();
              ctx.moveTo(
                u.valToPos(u.data[0][before], "x", true),
                u.valToPos(line.values[before], "y", true),
              );
              ctx.lineTo(x, y);
              ctx.stroke();
            }
            ctx.beginPath();
            ctx.fillStyle = "#fff";
            ctx.arc(x, y, 3.5 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.fill();
            ctx.stroke();
          });
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * A line per series label over dates. series: { x: [day…], lines: [{ label, values }] }, and
 * when its last period was under way as the data was read, partial: { from, to } with period:
 * that period is drawn dashed and named below the chart, not drawn as a fall.
 */
export function timeChart(container, series, { marks = [], unit = "", height = 260 } = {}) {
  if (!series || series.x.length === 0) {
    fill(container, el("p", { className: "hint" }, "No data yet."));
    return undefined;
  }
  fill(container);
  const partial = partialOf(series);
  const last = series.x.length - 1;
  const shown = (v) => (v === null || v === undefined ? "–" : `${v.toLocaleString("en")}${unit}`);
  // The partial period's values are left out of the solid lines and drawn by partialPlugin.
  const solid = series.lines.map((line) => (partial ? [...line.values.slice(0, last), null] : line.values));
  const partialValues = partial
    ? series.lines.map((line) => line.values[last]).filter((v) => v !== null && v !== undefined)
    : [];
  const options = {
    width: widthOf(container),
    height,
    scales: {
      x: { time: true },
      ...(partialValues.length
        ? {
            y: {
              range: (_u, min, max) =>
                window.uPlot.rangeNum(
                  Math.min(min ?? Infinity, ...partialValues),
                  Math.max(max ?? -Infinity, ...partialValues),
                  0.1,
                  true,
                ),
            },
          }
        : {}),
    },
    series: [
      {},
      ...series.lines.map((line, i) => ({
        label: line.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        spanGaps: true,
        points: { show: series.x.length < 60 },
        value: (_u, v, _s, index) =>
          partial && index === last ? `${shown(line.values[last])} (partial)` : shown(v),
      })),
    ],
    axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t.toLocaleString("en")}${unit}`), size: 60 }],
    plugins: [
      ...(marks.length ? [marksPlugin(marks)] : []),
      ...(partial ? [partialPlugin(series.lines)] : []),
    ],
  };
  const data = [series.x.map(daySeconds), ...solid];
  const chart = new window.uPlot(options, data, container);
  if (partial)
    container.append(
      el(
        "p",
        { className: "partial-note" },
        `Dashed, last point: partial ${series.period ?? "period"}, ${partial.from} to ${dateTime(partial.to)} UTC.`,
      ),
    );
  return chart;
}

function canvasFor(container, height) {
  const width = widthOf(container);
  const canvas = el("canvas", { role: "img" });
  canvas.width = width * devicePixelRatio;
  canvas.height = height * devicePixelRatio;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(devicePixelRatio, devicePixelRatio);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  return { canvas, ctx, width };
}

/** One row per region: open, observe and enforce as coloured spans, with today as a line. */
export function phaseTimeline(container, regions, today) {
  if (regions.length === 0) {
    fill(container, el("p", { className: "hint" }, "No plan loaded."));
    return;
  }
  const rowHeight = 24;
  const { canvas, ctx, width } = canvasFor(container, regions.length * rowHeight + 30);
  const days = regions
    .flatMap((r) => [r.observe_from, r.enforce_from])
    .filter(Boolean)
    .concat(today)
    .map(daySeconds);
  const year = 365 * 86400;
  // Dates years away (a region planned for later) would squeeze the near ones into a sliver.
  const start = Math.min(...days) - year / 4;
  const end = Math.min(Math.max(...days) + year / 4, daySeconds(today) + 2 * year);
  const left = 140;
  const x = (seconds) => left + ((seconds - start) / (end - start)) * (width - left - 10);
  canvas.setAttribute("aria-label", regions.map((r) => `${r.name}: ${r.phase}`).join("; "));
  regions.forEach((region, i) => {
    const y = i * rowHeight + 4;
    ctx.fillStyle = "#1d2330";
    ctx.fillText(
      region.name.length > 20 ? `${region.name.slice(0, 19)}…` : region.name,
      4,
      y + rowHeight / 2 - 2,
    );
    const observe = region.observe_from ? daySeconds(region.observe_from) : daySeconds(region.enforce_from);
    const spans = [
      ["open", start, observe],
      ["observe", observe, daySeconds(region.enforce_from)],
      ["enforce", daySeconds(region.enforce_from), end],
    ];
    for (const [phase, from, to] of spans) {
      if (to <= from) continue;
      ctx.fillStyle = PHASE_COLORS[phase];
      ctx.fillRect(
        x(Math.max(from, start)),
        y,
        x(Math.min(to, end)) - x(Math.max(from, start)),
        rowHeight - 6,
      );
    }
  });
  const bottom = regions.length * rowHeight + 4;
  ctx.fillStyle = "#5b6475";
  const monthsPerLabel = Math.max(1, Math.ceil((end - start) / (year / 12) / 10));
  for (
    let t = new Date(start * 1000);
    t.getTime() / 1000 < end;
    t.setUTCMonth(t.getUTCMonth() + monthsPerLabel)
  ) {
    t.setUTCDate(1);
    const at = x(t.getTime() / 1000);
    if (at > left) ctx.fillText(t.toISOString().slice(0, 7), at, bottom + 12);
  }
  ctx.strokeStyle = "#1d2330";
  ctx.beginPath();
  ctx.moveTo(x(daySeconds(today)), 0);
  ctx.lineTo(x(daySeconds(today)), bottom);
  ctx.stroke();
  const legend = el(
    "p",
    { className: "legend" },
    Object.keys(PHASE_COLORS).map((p) => el("span", { className: `swatch ${p}` }, p)),
  );
  fill(container, canvas, legend);
}

/** Horizontal bars, largest first: rows [{ label, value }]. */
export function rankedBars(container, rows, { unit = "" } = {}) {
  if (rows.length === 0) {
    fill(container, el("p", { className: "hint" }, "No data yet."));
    return;
  }
  const barHeight = 20;
  const { canvas, ctx, width } = canvasFor(container, rows.length * barHeight + 8);
  const max = Math.max(...rows.map((r) => r.value), 1);
  const left = 170;
  canvas.setAttribute("aria-label", rows.map((r) => `${r.label}: ${r.value}${unit}`).join("; "));
  rows.forEach((row, i) => {
    const y = i * barHeight + 4;
    const label = String(row.label);
    ctx.fillStyle = "#1d2330";
    ctx.fillText(label.length > 24 ? `${label.slice(0, 23)}…` : label, 4, y + barHeight / 2 - 1);
    const length = Math.max(1, (row.value / max) * (width - left - 90));
    ctx.fillStyle = COLORS[0];
    ctx.fillRect(left, y + 2, length, barHeight - 6);
    ctx.fillStyle = "#1d2330";
    ctx.fillText(`${row.value.toLocaleString("en")}${unit}`, left + length + 6, y + barHeight / 2 - 1);
  });
  fill(container, canvas);
}

/** Enforcement dates as chart marks. */
export const enforcementMarks = (regions) =>
  regions.map((r) => ({ day: r.enforce_from, label: `${r.id} enforces` }));
