import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { periodEnd, pivot } from "../../../src/web/console/series.js";

const rows = (xs: string[]) => xs.map((x, i) => ({ x, label: "all", value: i + 1 }));
const at = (iso: string) => Date.parse(iso);

test("the last period is partial while the data was read before it ended, up to that time", () => {
  const series = pivot(rows(["2026-11-30", "2026-12-07"]), 0, {
    period: "week",
    now: at("2026-12-09T21:14:00Z"),
  });
  assert.deepEqual(series.partial, { from: "2026-12-07", to: "2026-12-09T21:14:00.000Z" });
  assert.equal(series.period, "week");
  assert.deepEqual(series.lines[0]?.values, [1, 2], "the values stay as counted");
});

test("a last period that had ended when the data was read is whole, and a series without a period has no partial", () => {
  assert.equal(
    pivot(rows(["2026-11-30"]), 0, { period: "week", now: at("2026-12-07T00:00:00Z") }).partial,
    undefined,
  );
  assert.equal(pivot(rows(["2026-12-07"]), 0, { now: at("2026-12-07T10:00:00Z") }).partial, undefined);
  assert.deepEqual(
    pivot(rows(["2026-12-07"]), 0, { period: "day", now: at("2026-12-07T23:59:59Z") }).partial?.from,
    "2026-12-07",
  );
  assert.deepEqual(
    pivot(rows(["2026-11", "2026-12"]), 0, { period: "month", now: at("2026-12-31T12:00:00Z") }).partial
      ?.from,
    "2026-12",
  );
});

test("a period's end is its start plus one period, across month and year ends", () => {
  assert.equal(periodEnd("2026-12-28", "week"), at("2027-01-04T00:00:00Z"));
  assert.equal(periodEnd("2026-12", "month"), at("2027-01-01T00:00:00Z"));
  assert.equal(periodEnd("2028-02-28", "day"), at("2028-02-29T00:00:00Z"));
  fc.assert(
    fc.property(
      fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
      (date) => {
        const day = date.toISOString().slice(0, 10);
        const start = at(`${day}T00:00:00Z`);
        assert.equal(periodEnd(day, "day") - start, 86_400_000);
        assert.equal(periodEnd(day, "week") - start, 7 * 86_400_000);
        const month = periodEnd(day.slice(0, 7), "month");
        assert.ok(month > start && month - start <= 31 * 86_400_000);
        assert.equal(new Date(month).getUTCDate(), 1);
      },
    ),
  );
});
