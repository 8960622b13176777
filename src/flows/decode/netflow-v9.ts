/**
 * NetFlow v9 (RFC 3954): a 20-byte header, then flowsets: 0 templates, 1 options templates,
 * 256 and up data. Templates live per exporter and source id, within the bounds of
 * template-table.ts; a data flowset whose template has not arrived (or was refused) is counted
 * as `noTemplate` and dropped.
 */
import type { DecodeContext, PacketDecoder } from "./context.js";
import { type FieldSpec, readDataSet, setsFit } from "./templates.js";

export const V9_HEADER = 20;
const TEMPLATE_SET = 0;
const OPTIONS_SET = 1;
const FIRST_DATA_SET = 256;

export const decodeV9: PacketDecoder = (bytes, view, start, end, ctx) => {
  const stats = ctx.stats;
  if (!setsFit(view, start + V9_HEADER, end)) {
    stats.malformed++;
    return;
  }
  const clock = ctx.clock;
  clock.sysUptimeMs = view.getUint32(start + 4);
  clock.exportMs = view.getUint32(start + 8) * 1000;
  clock.systemInitMs = Number.NaN;
  const sourceId = view.getUint32(start + 16);
  let domain = ctx.domain(sourceId);
  for (let offset = start + V9_HEADER; offset < end; ) {
    const id = view.getUint16(offset);
    const setEnd = offset + view.getUint16(offset + 2);
    const setStart = offset + 4;
    offset = setEnd;
    if (id === TEMPLATE_SET || id === OPTIONS_SET) {
      const read = id === TEMPLATE_SET ? readTemplates : readOptionsTemplates;
      if (!read(view, setStart, setEnd, sourceId, ctx)) stats.malformed++;
      // The first template creates the domain.
      domain = ctx.domain(sourceId);
    } else if (id >= FIRST_DATA_SET) {
      const template = domain?.templates.get(id);
      if (domain === undefined || template === undefined) {
        stats.noTemplate++;
        continue;
      }
      clock.sampling = domain.sampling;
      clock.samplers = domain.samplers;
      clock.samplerMisses = 0;
      readDataSet(template, bytes, view, setStart, setEnd, ctx, domain);
      stats.samplerUnknown += clock.samplerMisses;
    }
  }
};

/** Reads `count` (type, length) pairs from `offset`; the first `scope` become unread (-1) fields. */
function fieldsAt(view: DataView, offset: number, count: number, scope: number): FieldSpec[] {
  const fields: FieldSpec[] = [];
  for (let i = 0; i < count; i++) {
    const id = view.getUint16(offset + 4 * i);
    fields.push({ id: i < scope ? -1 : id, length: view.getUint16(offset + 4 * i + 2) });
  }
  return fields;
}

/** Stores each template record of the set; false when one is malformed (the rest is skipped). */
function readTemplates(
  view: DataView,
  start: number,
  end: number,
  sourceId: number,
  ctx: DecodeContext,
): boolean {
  let offset = start;
  while (end - offset >= 4) {
    const id = view.getUint16(offset);
    const count = view.getUint16(offset + 2);
    if (id === 0 && count === 0) return true; // padding
    const fieldsEnd = offset + 4 + count * 4;
    if (id < FIRST_DATA_SET || count === 0 || fieldsEnd > end) return false;
    if (!ctx.storeTemplate(sourceId, id, false, fieldsAt(view, offset + 4, count, 0))) return false;
    offset = fieldsEnd;
  }
  return true;
}

function readOptionsTemplates(
  view: DataView,
  start: number,
  end: number,
  sourceId: number,
  ctx: DecodeContext,
): boolean {
  let offset = start;
  while (end - offset >= 6) {
    const id = view.getUint16(offset);
    const scopeBytes = view.getUint16(offset + 2);
    const optionBytes = view.getUint16(offset + 4);
    if (id === 0 && scopeBytes === 0 && optionBytes === 0) return true; // padding
    const fieldsEnd = offset + 6 + scopeBytes + optionBytes;
    if (id < FIRST_DATA_SET || scopeBytes % 4 !== 0 || optionBytes % 4 !== 0 || fieldsEnd > end) return false;
    const scope = scopeBytes / 4;
    if (!ctx.storeTemplate(sourceId, id, true, fieldsAt(view, offset + 6, scope + optionBytes / 4, scope)))
      return false;
    offset = fieldsEnd;
  }
  return true;
}
