import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRing, RING_EMPTY, RingReader, RingTag, RingWriter } from "../../src/flows/intake/ring.js";

const bytesOf = (n: number, length: number) => Buffer.from(Array.from({ length }, (_, i) => (n + i) & 0xff));

describe("ring", () => {
  test("hands records over in order, across the wrap, and refuses what does not fit", () => {
    const ring = createRing(4096);
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    assert.equal(reader.next(), RING_EMPTY);
    let written = 0;
    let read = 0;
    // Lengths that are not multiples of 8 walk the records around the ring many times.
    for (let round = 0; round < 200; round++) {
      let accepted = 0;
      while (writer.write(written % 5, bytesOf(written, 100 + ((written * 37) % 900)))) {
        written++;
        accepted++;
      }
      assert.ok(accepted > 0 || round > 0, "an empty ring takes a record");
      // Read about half of what is there, so the writer finds the ring partly full next round.
      const take = Math.max(1, Math.ceil((written - read) / 2));
      for (let i = 0; i < take; i++) {
        assert.equal(reader.next(), read % 5);
        assert.deepEqual(Buffer.from(reader.payload), bytesOf(read, 100 + ((read * 37) % 900)));
        reader.release();
        read++;
      }
    }
    while (read < written) {
      assert.equal(reader.next(), read % 5);
      reader.release();
      read++;
    }
    assert.equal(reader.next(), RING_EMPTY);
    assert.ok(written > 500, `${written} records`);
  });

  test("control records carry no payload; a full ring refuses until the reader releases", () => {
    const ring = createRing(4096);
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    assert.ok(writer.write(RingTag.Exporter, Buffer.from("192.0.2.1:2055")));
    assert.ok(writer.write(RingTag.Drain));
    const big = Buffer.alloc(1400);
    let n = 0;
    while (writer.write(0, big)) n++;
    assert.equal(n, 2);
    assert.ok(writer.write(RingTag.Close), "a header still fits");
    assert.equal(writer.write(0, big), false, "no room at the end, none at the start");
    assert.equal(reader.next(), RingTag.Exporter);
    assert.equal(Buffer.from(reader.payload).toString(), "192.0.2.1:2055");
    reader.release();
    assert.equal(reader.next(), RingTag.Drain);
    assert.equal(reader.payload.length, 0);
    reader.release();
    assert.equal(writer.write(0, big), false, "the released room is not contiguous with the head");
    assert.equal(reader.next(), 0);
    reader.release();
    assert.ok(writer.write(0, big), "wraps to the start");
    assert.equal(reader.next(), 0);
    reader.release();
    assert.equal(reader.next(), RingTag.Close);
    reader.release();
    assert.equal(reader.next(), 0);
    assert.deepEqual(Buffer.from(reader.payload), big);
    reader.release();
    assert.equal(reader.next(), RING_EMPTY);
  });

  test("a reader made after one that died carries on where it stopped, past a record it was reading", () => {
    const ring = createRing(4096);
    const writer = new RingWriter(ring);
    const dead = new RingReader(ring);
    for (let n = 0; n < 30; n++) {
      assert.ok(writer.write(n, bytesOf(n, 300)));
      if (n >= 5) {
        assert.equal(dead.next(), n - 5);
        dead.release();
      }
    }
    // Released 24; in the middle of 25 when it died.
    assert.equal(dead.next(), 25);
    const next = new RingReader(ring);
    assert.equal(next.next(), 26);
    assert.deepEqual(Buffer.from(next.payload), bytesOf(26, 300));
    next.release();
    // Died between records: nothing is skipped.
    const after = new RingReader(ring);
    for (const n of [27, 28, 29]) {
      assert.equal(after.next(), n);
      after.release();
    }
    assert.equal(after.next(), RING_EMPTY);
  });
});
