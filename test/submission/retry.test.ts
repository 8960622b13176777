import assert from "node:assert/strict";
import { test } from "node:test";
import { retryDelay } from "../../src/submission/retry.js";

test("retries back off 1, 2, 4 … minutes up to an hour, within a tenth either way", () => {
  const middle = () => 0.5;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelay(n, middle) / 60_000),
    [1, 2, 4, 8, 16, 32, 60, 60, 60],
  );
  assert.equal(
    retryDelay(1, () => 0),
    54_000,
  );
  assert.equal(
    retryDelay(1, () => 1),
    66_000,
  );
});
