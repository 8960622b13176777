import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  addDays,
  type Day,
  daysBetween,
  parseDay,
  today,
  tryParseDay,
  UserError,
} from "../../src/core/index.js";

const RUNS = { numRuns: 300 };
const DAY_MS = 86_400_000;
const FIRST = Date.parse("0000-01-01T00:00:00Z");
const LAST = Date.parse("9999-12-31T00:00:00Z");

/** Any day with a four-digit year, as the ISO text and its UTC midnight in ms. */
const dayMs = fc.integer({ min: FIRST / DAY_MS, max: LAST / DAY_MS }).map((n) => n * DAY_MS);
const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const day = dayMs.map((ms) => dayText(ms) as Day);

describe("tryParseDay / parseDay", () => {
  test("accepts every real calendar day with a four-digit year", () => {
    fc.assert(
      fc.property(dayMs, (ms) => {
        const text = dayText(ms);
        assert.equal(tryParseDay(text), text);
        assert.equal(parseDay(text), text);
      }),
      RUNS,
    );
    for (const text of [
      "2024-02-29",
      "2000-02-29",
      "1999-12-31",
      "2026-01-01",
      "0001-01-01",
      "0050-06-15",
      "9999-12-31",
    ]) {
      assert.equal(tryParseDay(text), text);
    }
  });

  test("rejects days that do not exist", () => {
    for (const text of [
      "2026-02-30",
      "2026-02-29",
      "2025-02-29",
      "2100-02-29",
      "1900-02-29",
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
      "2026-01-32",
      "2026-04-31",
      "2026-06-31",
      "2026-09-31",
      "2026-11-31",
      "2026-99-99",
      "0050-02-29",
    ]) {
      assert.equal(tryParseDay(text), undefined, text);
    }
  });

  test("rejects day numbers past the end of every month (naive month lengths)", () => {
    const monthLength = (y: number, m: number) =>
      [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
        m - 1
      ] as number;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const real = m >= 1 && m <= 12 && d >= 1 && d <= monthLength(y, m);
          assert.equal(tryParseDay(text), real ? text : undefined, text);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("rejects bad formats", () => {
    for (const text of [
      "",
      "2026-1-01",
      "2026-01-1",
      "26-01-01",
      "2026/01/01",
      "2026.01.01",
      "20260101",
      "2026-01-01T00:00:00Z",
      "2026-01-01 ",
      " 2026-01-01",
      "2026-01-01\n",
      "+02026-01-01",
      "-0001-01-01",
      "12026-01-01",
      "2026-001-01",
      "2026-01-001",
      "２０２６-01-01",
      "2026-0a-01",
      "yyyy-mm-dd",
      "01-01-2026",
      "2026-W01-1",
      "2026-001",
    ]) {
      assert.equal(tryParseDay(text), undefined, JSON.stringify(text));
    }
  });

  test("parseDay throws a UserError naming the text and the format", () => {
    for (const text of ["2026-02-30", "tomorrow", ""]) {
      assert.throws(
        () => parseDay(text),
        (error: unknown) =>
          error instanceof UserError &&
          error.message.includes(`"${text}"`) &&
          /YYYY-MM-DD/.test(error.message),
      );
    }
  });

  test("today() is a valid day", () => {
    const t = today();
    assert.match(t, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(tryParseDay(t), t);
    // Within a day of the clock (the test may straddle midnight).
    assert.ok(Math.abs(daysBetween(t, dayText(Date.now()) as Day)) <= 1);
  });
});

describe("addDays / daysBetween", () => {
  const offset = fc.oneof(
    fc.integer({ min: -400, max: 400 }),
    fc.integer({ min: -2_000_000, max: 2_000_000 }),
  );

  test("addDays equals naive millisecond arithmetic, and daysBetween inverts it", () => {
    fc.assert(
      fc.property(dayMs, offset, (ms, n) => {
        const target = ms + n * DAY_MS;
        fc.pre(target >= FIRST && target <= LAST);
        const from = dayText(ms) as Day;
        const to = addDays(from, n);
        assert.equal(to, dayText(target));
        assert.equal(daysBetween(from, to), n);
        assert.equal(daysBetween(to, from), 0 - n);
        assert.equal(addDays(to, -n), from);
      }),
      RUNS,
    );
  });

  test("daysBetween then addDays lands on the other day; order agrees with text order", () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        const n = daysBetween(a, b);
        assert.ok(Number.isInteger(n));
        assert.equal(addDays(a, n), b);
        assert.equal(Math.sign(n), a < b ? 1 : a > b ? -1 : 0);
      }),
      RUNS,
    );
  });

  test("addDays composes", () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }),
        (d, m, n) => {
          const ms = Date.parse(`${d}T00:00:00Z`);
          fc.pre(ms + (m + n) * DAY_MS >= FIRST && ms + (m + n) * DAY_MS <= LAST);
          fc.pre(ms + m * DAY_MS >= FIRST && ms + m * DAY_MS <= LAST);
          assert.equal(addDays(addDays(d, m), n), addDays(d, m + n));
        },
      ),
      RUNS,
    );
  });

  test("examples across month, year and leap-day boundaries", () => {
    const d = (text: string) => parseDay(text);
    assert.equal(addDays(d("2024-02-28"), 1), "2024-02-29");
    assert.equal(addDays(d("2023-02-28"), 1), "2023-03-01");
    assert.equal(addDays(d("2026-12-31"), 1), "2027-01-01");
    assert.equal(addDays(d("2027-01-01"), -1), "2026-12-31");
    assert.equal(addDays(d("2026-03-29"), 1), "2026-03-30"); // a DST change in Europe: irrelevant in UTC
    assert.equal(addDays(d("2026-01-31"), 0), "2026-01-31");
    assert.equal(daysBetween(d("2024-01-01"), d("2025-01-01")), 366);
    assert.equal(daysBetween(d("2025-01-01"), d("2026-01-01")), 365);
    assert.equal(daysBetween(d("2009-06-01"), d("2013-03-01")), 1369);
    assert.equal(daysBetween(d("2026-05-10"), d("2026-05-10")), 0);
  });
});
