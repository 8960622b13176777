import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { radixSortUint32 } from "../../src/core/index.js";

test("radixSortUint32 sorts like a numeric sort and moves tags and payload with their keys, stably", () => {
  const uint32 = fc.oneof(fc.nat(0xffffffff), fc.nat(70_000), fc.constant(0xffffffff));
  fc.assert(
    fc.property(fc.array(uint32, { maxLength: 300 }), (values) => {
      const keys = Uint32Array.from(values);
      const tags = Uint8Array.from(values.map((_, i) => i % 251));
      const payload = Uint32Array.from(values.map((_, i) => i));
      radixSortUint32(keys, keys.length, tags, payload);
      const expected = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(
        [...keys],
        expected.map(([v]) => v),
      );
      assert.deepEqual(
        [...payload],
        expected.map(([, i]) => i),
      );
      assert.deepEqual(
        [...tags],
        expected.map(([, i]) => i % 251),
      );
    }),
  );
});

test("radixSortUint32 sorts only the first `count` keys", () => {
  const keys = Uint32Array.from([5, 3, 9, 1, 0]);
  radixSortUint32(keys, 3);
  assert.deepEqual([...keys], [3, 5, 9, 1, 0]);
});
