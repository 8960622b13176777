/**
 * IPFIX (RFC 7011): a 16-byte header, then sets: 2 templates, 3 options templates, 256 and up
 * data. Templates live per exporter and observation domain; a template record with no fields
 * withdraws its template (id 2 or 3: all of that kind), freeing its place under the bounds of
 * template-table.ts. Enterprise-specific fields and variable-length fields are skipped by their
 * lengths.
 */
import type { DecodeContext, PacketDecoder } from "./context.js";
import { type FieldSpec, readDataSet, setsFit } from "./templates.js";

export const IPFIX_HEADER = 16;
const TEMPLATE_SET = 2;
const OPTIONS_SET = 3;
const FIRST_DATA_SET = 256;
const ENTERPRISE_BIT = 0x8000;

export const decodeIpfix: PacketDecoder = (bytes, view, start, packetEnd, ctx) => {
  const stats = ctx.stats;
  const length = view.getUint16(start + 2);
  const end = start + length;
  if (length < IPFIX_HEADER || end > packetEnd || !setsFit(view, start + IPFIX_HEADER, end)) {
    stats.malformed++;
    return;
  }
  const domainId = view.getUint32(start + 12);
  let domain = ctx.domain(domainId);
  const clock = ctx.clock;
  clock.exportMs = view.getUint32(start + 4) * 1000;
  clock.sysUptimeMs = -1;
  for (let offset = start + IPFIX_HEADER; offset < end; ) {
    const id = view.getUint16(offset);
    const setEnd = offset + view.getUint16(offset + 2);
    const setStart = offset + 4;
    offset = setEnd;
    if (id === TEMPLATE_SET || id === OPTIONS_SET) {
      if (!readTemplates(view, setStart, setEnd, domainId, ctx, id === OPTIONS_SET)) stats.malformed++;
      // The first template creates the domain, withdrawing the last forgets it.
      domain = ctx.domain(domainId);
    } else if (id >= FIRST_DATA_SET) {
      const template = domain?.templates.get(id);
      if (domain === undefined || template === undefined) {
        stats.noTemplate++;
        continue;
      }
      // Options records earlier in this packet may have just set these.
      clock.sampling = domain.sampling;
      clock.samplers = domain.samplers;
      clock.samplerMisses = 0;
      clock.systemInitMs = domain.systemInitMs;
      readDataSet(template, bytes, view, setStart, setEnd, ctx, domain);
      stats.samplerUnknown += clock.samplerMisses;
    }
  }
};

/**
 * Stores, replaces or withdraws each (options) template record of the set; false when one is
 * malformed (the rest of the set is skipped).
 */
function readTemplates(
  view: DataView,
  start: number,
  end: number,
  domainId: number,
  ctx: DecodeContext,
  options: boolean,
): boolean {
  const headerLength = options ? 6 : 4;
  let offset = start;
  while (end - offset >= 4) {
    const id = view.getUint16(offset);
    const count = view.getUint16(offset + 2);
    if (count === 0) {
      if (id === 0) return true; // padding
      if (id === (options ? OPTIONS_SET : TEMPLATE_SET)) ctx.withdrawTemplates(domainId, options);
      else if (id >= FIRST_DATA_SET) ctx.withdrawTemplate(domainId, id);
      else return false;
      offset += 4;
      continue;
    }
    if (id < FIRST_DATA_SET || end - offset < headerLength) return false;
    const scope = options ? view.getUint16(offset + 4) : 0;
    if (options && (scope === 0 || scope > count)) return false;
    offset += headerLength;
    const fields: FieldSpec[] = [];
    for (let i = 0; i < count; i++) {
      if (end - offset < 4) return false;
      const raw = view.getUint16(offset);
      const length = view.getUint16(offset + 2);
      offset += 4;
      let field = raw;
      if (raw & ENTERPRISE_BIT) {
        if (end - offset < 4) return false;
        offset += 4;
        field = -1;
      }
      // IPFIX scope fields are information elements too: a selectorId scope names the sampler
      // the record's rate belongs to.
      fields.push({ id: field, length });
    }
    if (!ctx.storeTemplate(domainId, id, options, fields)) return false;
  }
  return true;
}
