/**
 * The bounds on the templates a decoder holds (template-table.ts), through real v9 and IPFIX
 * template sets: past a bound templates are refused and counted, withdrawals free places, and
 * past the bound in total the least recently used template of another exporter is evicted.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { FlowDecoder } from "../../src/flows/decode/decode.js";
import {
  TEMPLATE_BOUNDS,
  TEMPLATE_PROTECTED_MS,
  TemplateTable,
} from "../../src/flows/decode/template-table.js";
import { CLOCK, Collected, decoderWithSink, flow4 } from "./decode-helpers.js";
import { type FieldDef, ipfixPacket, type SetSpec, V4_FIELDS, v9Packet } from "./exports.js";

const B = TEMPLATE_BOUNDS;
const fieldsOf = (count: number): FieldDef[] => Array.from({ length: count }, () => [8, 4] as const);

/**
 * Offers templates first…first+count-1 of `fields` fields to domain `domain` of `exporter`, in
 * as many IPFIX messages as their 16-bit length needs.
 */
function offer(
  decoder: FlowDecoder,
  exporter: string,
  domain: number,
  first: number,
  count: number,
  fields = 1,
) {
  const perPacket = Math.floor(60_000 / (8 + 4 * fields));
  for (let done = 0; done < count; done += perPacket) {
    const sets: SetSpec[] = [];
    for (let id = first + done; id < first + Math.min(count, done + perPacket); id++) {
      sets.push({ kind: "template", id, fields: fieldsOf(fields) });
    }
    decoder.decode(ipfixPacket(sets, CLOCK, domain), exporter);
  }
}

const withdraw = (decoder: FlowDecoder, exporter: string, domain: number, id: number) =>
  decoder.decode(ipfixPacket([{ kind: "withdraw", id }], CLOCK, domain), exporter);

/** Template 256 of `domain` and a data set of one flow from 192.0.2.<n> read with it. */
const withData = (domain: number, n: number, port: number) =>
  ipfixPacket(
    [
      { kind: "template", id: 256, fields: V4_FIELDS },
      { kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(n, port)] },
    ],
    CLOCK,
    domain,
  );

/** The data set alone. */
const dataOnly = (domain: number, n: number, port: number) =>
  ipfixPacket([{ kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(n, port)] }], CLOCK, domain);

function held(decoder: FlowDecoder, exporter: string): [number, number] {
  const stats = decoder.stats().get(exporter);
  return [stats?.templates ?? 0, stats?.templatesRefused ?? 0];
}

describe("template bounds", () => {
  test("per domain and per exporter; refreshing or replacing a held template is never refused", () => {
    const { decoder } = decoderWithSink();
    offer(decoder, "e", 0, 256, B.templatesPerDomain + 44);
    assert.deepEqual(held(decoder, "e"), [B.templatesPerDomain, 44]);
    offer(decoder, "e", 0, 256, B.templatesPerDomain);
    offer(decoder, "e", 0, 256, 1, 2);
    assert.deepEqual(held(decoder, "e"), [B.templatesPerDomain, 44], "refreshed and replaced in place");
    // Domain 0 holds templates: 63 more domains fit, 7 do not.
    for (let domain = 1; domain <= B.domainsPerExporter + 6; domain++) offer(decoder, "e", domain, 256, 1);
    assert.deepEqual(held(decoder, "e"), [B.templatesPerDomain + B.domainsPerExporter - 1, 51]);
  });

  test("per template: more fields than the bound are refused, not malformed; NetFlow v9 alike", () => {
    const { decoder } = decoderWithSink();
    offer(decoder, "e", 0, 256, 1, B.fieldsPerTemplate);
    offer(decoder, "e", 0, 257, 1, B.fieldsPerTemplate + 1);
    assert.deepEqual(held(decoder, "e"), [1, 1]);
    assert.equal(decoder.stats().get("e")?.malformed, 0);
    const sets: SetSpec[] = Array.from({ length: B.templatesPerDomain + 1 }, (_, i) => ({
      kind: "template",
      id: 256 + i,
      fields: V4_FIELDS,
    }));
    decoder.decode(v9Packet(sets, CLOCK, 7), "v9");
    assert.deepEqual(held(decoder, "v9"), [B.templatesPerDomain, 1]);
  });

  test("withdrawing a template frees its place, and the last one of a domain its exporter's", () => {
    const { decoder, sink } = decoderWithSink();
    for (let domain = 0; domain < B.domainsPerExporter; domain++) offer(decoder, "e", domain, 256, 1);
    offer(decoder, "e", 0, 257, B.templatesPerDomain);
    assert.deepEqual(held(decoder, "e"), [B.domainsPerExporter + B.templatesPerDomain - 1, 1]);
    withdraw(decoder, "e", 0, 300);
    offer(decoder, "e", 0, 1000, 1);
    assert.deepEqual(held(decoder, "e"), [B.domainsPerExporter + B.templatesPerDomain - 1, 1]);
    offer(decoder, "e", 999, 256, 1);
    assert.equal(held(decoder, "e")[1], 2, "no room for a new domain");
    withdraw(decoder, "e", 5, 256);
    offer(decoder, "e", 999, 256, 1);
    assert.deepEqual(held(decoder, "e"), [B.domainsPerExporter + B.templatesPerDomain - 1, 2]);
    // "Withdraw all" (set id 2) empties domain 0 and gives its place back too.
    withdraw(decoder, "e", 0, 2);
    decoder.decode(
      ipfixPacket(
        [
          { kind: "template", id: 256, fields: V4_FIELDS },
          { kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(1, 25)] },
        ],
        CLOCK,
        1234,
      ),
      "e",
    );
    assert.equal(sink.flows.length, 1, "a new domain decodes");
  });

  test("in total across exporters: a new exporter evicts the least recently used template of another, never one in use", () => {
    const { decoder, sink } = decoderWithSink();
    // A live exporter, then two whose templates no data uses fill the bound in total.
    decoder.decode(withData(7, 1, 25), "live");
    for (const e of ["e0", "e1"]) {
      for (let domain = 0; domain < B.domainsPerExporter; domain++) {
        offer(decoder, e, domain, 256, B.templatesPerDomain);
      }
    }
    const total = () => [...decoder.stats().values()].reduce((n, s) => n + s.templates, 0);
    assert.equal(total(), B.templates);
    // Exporters first seen now: their templates take the places of e0's oldest.
    decoder.decode(withData(0, 2, 587), "new");
    decoder.decode(ipfixPacket([{ kind: "template", id: 256, fields: V4_FIELDS }], CLOCK, 3), "new2");
    decoder.decode(dataOnly(3, 3, 465), "new2");
    // The live exporter's template, used by data, stayed: a data set alone decodes.
    decoder.decode(dataOnly(7, 4, 25), "live");
    assert.deepEqual(
      sink.flows.map((f) => f.dstPort),
      [25, 587, 465, 25],
    );
    assert.equal(total(), B.templates);
    const stats = decoder.stats();
    assert.deepEqual(
      ["live", "new", "new2", "e0", "e1"].map((e) => {
        const s = stats.get(e);
        return [s?.templates, s?.templatesRefused, s?.templatesEvicted, s?.noTemplate];
      }),
      [
        [1, 0, 0, 0],
        [1, 0, 0, 0],
        [1, 0, 0, 0],
        // e1's last template evicted e0's oldest too.
        [B.domainsPerExporter * B.templatesPerDomain - 3, 0, 3, 0],
        [B.domainsPerExporter * B.templatesPerDomain, 0, 0, 0],
      ],
    );
    // Withdrawing frees a place without evicting anything.
    withdraw(decoder, "e1", 0, 256);
    offer(decoder, "new", 1, 256, 1);
    assert.equal(decoder.stats().get("e0")?.templatesEvicted, 3);

    // Bound by fields: one exporter holds them all; another evicts its oldest templates, it
    // cannot evict its own.
    const wide = decoderWithSink().decoder;
    const templates = B.fields / B.fieldsPerTemplate;
    for (let domain = 0; domain < templates / B.templatesPerDomain; domain++) {
      offer(wide, "w", domain, 256, B.templatesPerDomain, B.fieldsPerTemplate);
    }
    offer(wide, "w", 999, 256, 1);
    assert.deepEqual(held(wide, "w"), [templates, 1], "no field left, and none of its own to evict");
    offer(wide, "w2", 0, 256, 1, 2);
    assert.deepEqual(held(wide, "w2"), [1, 0]);
    assert.deepEqual(held(wide, "w"), [templates - 1, 1]);
    assert.equal(wide.stats().get("w")?.templatesEvicted, 1);
  });

  test("eviction takes the least recently used (data or refresh), spares data use within the protection, refuses when all are spared", () => {
    const sink = new Collected();
    let now = 0;
    const bounds = { ...B, templates: 3 };
    const decoder = new FlowDecoder(sink, new TemplateTable(bounds, () => now));
    const evicted = () => [...decoder.stats()].filter(([, s]) => s.templatesEvicted > 0).map(([e]) => e);
    decoder.decode(withData(0, 1, 25), "a");
    offer(decoder, "b", 0, 256, 1);
    decoder.decode(withData(0, 2, 25), "c");
    // a is oldest but used by data just now: b goes.
    decoder.decode(withData(0, 3, 25), "d");
    assert.deepEqual(evicted(), ["b"]);
    // Past the protection, a refreshed template outlives one used by data before.
    now += TEMPLATE_PROTECTED_MS;
    decoder.decode(dataOnly(0, 4, 25), "a");
    decoder.decode(ipfixPacket([{ kind: "template", id: 256, fields: V4_FIELDS }], CLOCK, 0), "c");
    decoder.decode(withData(0, 5, 25), "e");
    assert.deepEqual(evicted(), ["b", "d"]);
    // a, c and e were all used by data in the protection: f is refused, nothing evicted.
    decoder.decode(dataOnly(0, 6, 25), "c");
    decoder.decode(withData(0, 7, 25), "f");
    assert.deepEqual(evicted(), ["b", "d"]);
    assert.deepEqual(held(decoder, "f"), [0, 1]);
    assert.deepEqual(
      sink.flows.map((f) => f.srcV4 & 0xff),
      [1, 2, 3, 4, 5, 6],
    );
    // Once the protection is over, f gets the place of one of them.
    now += TEMPLATE_PROTECTED_MS;
    decoder.decode(withData(0, 8, 25), "f");
    assert.equal(evicted().length, 3);
    assert.equal(sink.flows.length, 7);
  });

  test("whatever the offers and withdrawals, the counts match a model of the bounds", () => {
    type Op =
      | { kind: "offer"; exporter: number; domain: number; first: number; count: number; fields: number }
      | { kind: "withdraw"; exporter: number; domain: number; id: number };
    const exporter = fc.integer({ min: 0, max: 1 });
    const domain = fc.integer({ min: 0, max: B.domainsPerExporter + 2 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant("offer" as const),
        exporter,
        domain,
        first: fc.integer({ min: 256, max: 400 }),
        count: fc.integer({ min: 1, max: B.templatesPerDomain + 10 }),
        fields: fc.constantFrom(1, 2, B.fieldsPerTemplate + 1),
      }),
      fc.record({
        kind: fc.constant("withdraw" as const),
        exporter,
        domain,
        // 2 withdraws them all.
        id: fc.oneof(fc.constant(2), fc.integer({ min: 256, max: 700 })),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { decoder } = decoderWithSink();
        // exporter → domain → template id → its field count.
        const model = [new Map<number, Map<number, number>>(), new Map<number, Map<number, number>>()];
        const refused = new Map<number, number>();
        for (const o of ops) {
          const domains = model[o.exporter] as Map<number, Map<number, number>>;
          const name = `e${o.exporter}`;
          if (o.kind === "withdraw") {
            withdraw(decoder, name, o.domain, o.id);
            const templates = domains.get(o.domain);
            if (o.id === 2) templates?.clear();
            else templates?.delete(o.id);
            if (templates?.size === 0) domains.delete(o.domain);
            continue;
          }
          offer(decoder, name, o.domain, o.first, o.count, o.fields);
          for (let id = o.first; id < o.first + o.count; id++) {
            const templates = domains.get(o.domain);
            const fresh = !templates?.has(id);
            const full = templates
              ? templates.size >= B.templatesPerDomain
              : domains.size >= B.domainsPerExporter;
            if (o.fields > B.fieldsPerTemplate || (fresh && full)) {
              refused.set(o.exporter, (refused.get(o.exporter) ?? 0) + 1);
              continue;
            }
            if (templates) templates.set(id, o.fields);
            else domains.set(o.domain, new Map([[id, o.fields]]));
          }
        }
        for (const e of [0, 1]) {
          let count = 0;
          for (const templates of (model[e] as Map<number, Map<number, number>>).values())
            count += templates.size;
          assert.deepEqual(held(decoder, `e${e}`), [count, refused.get(e) ?? 0]);
        }
      }),
      { numRuns: 100 },
    );
  });
});
