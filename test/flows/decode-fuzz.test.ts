/**
 * The decoders never throw and only count: real softflowd datagrams (test/fixtures/flows) and
 * built ones, mutated by bit flips, byte overwrites, truncation and extension.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import fc from "fast-check";
import { FlowDecoder } from "../../src/flows/decode/decode.js";
import type { MailFlow } from "../../src/flows/mail-flow.js";
import { CLOCK, decoderWithSink, flow4, flow6 } from "./decode-helpers.js";
import { type FieldDef, ipfixPacket, V4_FIELDS, V6_FIELDS, v5Packet, v9Packet } from "./exports.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/flows/${name}`, import.meta.url));
const VARIABLE: FieldDef[] = [[82, 65535], ...V4_FIELDS, [[5, 9], 65535]];

const seeds: Buffer[] = [
  fixture("softflowd-v5.bin"),
  fixture("softflowd-v9.bin"),
  fixture("softflowd-ipfix.bin"),
  v5Packet([flow4(1, 25), flow4(2, 587)], CLOCK),
  v9Packet(
    [
      { kind: "template", id: 256, fields: V6_FIELDS },
      { kind: "data", id: 256, fields: V6_FIELDS, flows: [flow6(1, 25), flow6(2, 465)] },
    ],
    CLOCK,
  ),
  ipfixPacket(
    [
      { kind: "template", id: 300, fields: VARIABLE },
      { kind: "data", id: 300, fields: VARIABLE, flows: [flow4(1, 25), flow4(2, 465)] },
    ],
    CLOCK,
  ),
];

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "extend"; bytes: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 0xff, 0x80, 0x7f),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("extend" as const), bytes: fc.array(fc.nat(255), { maxLength: 40 }) }),
);

function mutate(seed: Buffer, mutations: readonly Mutation[]): Buffer {
  let packet = Buffer.from(seed);
  for (const m of mutations) {
    if (packet.length === 0) break;
    const at = m.kind === "extend" ? 0 : m.at % packet.length;
    if (m.kind === "flip") packet[at] = (packet[at] as number) ^ (1 << m.bit);
    else if (m.kind === "set") packet[at] = m.value;
    else if (m.kind === "truncate") packet = packet.subarray(0, at);
    else packet = Buffer.concat([packet, Buffer.from(m.bytes)]);
  }
  return packet;
}

describe("decoder fuzzing", () => {
  test("mutated packets never throw; the counters stay consistent", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { maxLength: 6 })),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (packets) => {
          let added = 0;
          const decoder = new FlowDecoder({
            add(flow: MailFlow) {
              added++;
              assert.ok(flow.dstPort === 25 || flow.dstPort === 587 || flow.dstPort === 465);
              assert.ok(Number.isFinite(flow.packets) && Number.isFinite(flow.firstMs));
            },
          });
          // One exporter, so templates from earlier packets meet mutated data later.
          for (const [seed, mutations] of packets)
            decoder.decode(mutate(seeds[seed] as Buffer, mutations), "e");
          const stats = decoder.stats().get("e");
          assert.equal(stats?.packets, packets.length);
          assert.equal(stats?.mailFlows, added);
          assert.ok((stats?.mailFlows ?? 0) <= (stats?.records ?? 0));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("a packet read in place from a larger buffer decodes as the same packet alone", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: seeds.length - 1 }),
            fc.array(mutation, { maxLength: 4 }),
            fc.uint8Array({ minLength: 1, maxLength: 64 }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (packets) => {
          // The ring's layout: packets back to back in one buffer, other bytes around them.
          const alone = decoderWithSink();
          const inPlace = decoderWithSink();
          const mutated = packets.map(([seed, mutations, filler]) => ({
            packet: mutate(seeds[seed] as Buffer, mutations),
            filler,
          }));
          const shared = new Uint8Array(
            mutated.reduce((n, m) => n + m.packet.length + 2 * m.filler.length, 0),
          );
          let at = 0;
          for (const { packet, filler } of mutated) {
            shared.set(filler, at);
            shared.set(packet, at + filler.length);
            shared.set(filler, at + filler.length + packet.length);
            // Its own buffer, exactly its size: a read past its end throws and counts it malformed.
            alone.decoder.decode(new Uint8Array(packet), "e");
            inPlace.decoder.decode(
              shared.subarray(at + filler.length, at + filler.length + packet.length),
              "e",
            );
            at += packet.length + 2 * filler.length;
          }
          assert.deepEqual(inPlace.sink.flows, alone.sink.flows);
          assert.deepEqual(inPlace.decoder.stats(), alone.decoder.stats());
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("random bytes behind a valid version never throw", () => {
    fc.assert(
      fc.property(fc.constantFrom(5, 9, 10), fc.uint8Array({ maxLength: 300 }), (version, body) => {
        const decoder = new FlowDecoder({ add() {} });
        decoder.decode(Buffer.concat([Buffer.from([0, version]), body]), "e");
        const stats = decoder.stats().get("e");
        assert.equal(stats?.packets, 1);
      }),
      { numRuns: 3000 },
    );
  });

  test("the unmutated seeds decode cleanly", () => {
    for (const seed of seeds) {
      const decoder = new FlowDecoder({ add() {} });
      decoder.decode(seed, "e");
      const stats = decoder.stats().get("e");
      assert.equal(stats?.malformed, 0);
      assert.ok((stats?.mailFlows ?? 0) >= 2);
    }
  });
});
