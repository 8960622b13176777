import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { type Dated, ResultCache } from "../../../src/web/console/cache.js";
import { withFreshness } from "../../../src/web/console/freshness.js";

/** A computation the test finishes by hand, dated when it started. */
function deferred<T>(value: T) {
  let finish!: () => void;
  const started = Date.now();
  const promise = new Promise<Dated<T>>((resolve) => {
    finish = () => resolve({ value, asOf: started });
  });
  return { promise, finish, asOf: started };
}

test("after the stamp changes, the answer served is marked updating with its own data time, then the new one replaces it", async () => {
  const cache = new ResultCache();
  // No live part in this request: its data time is the answer's alone, not the request's start,
  // which may be a millisecond earlier than the computation.
  const first = withFreshness(() => cache.get("k", "1", () => "one"), Number.POSITIVE_INFINITY);
  assert.equal(first.result, "one");
  const firstAsOf = first.freshness.asOf as number;
  assert.equal(first.freshness.updating, false);
  await new Promise((resolve) => setTimeout(resolve, 5));

  const again = withFreshness(() => cache.get("k", "1", () => "never"));
  assert.deepEqual(
    [again.result, again.freshness.asOf, again.freshness.updating],
    ["one", firstAsOf, false],
    "dated when the data was read, not when asked again",
  );

  const changed = withFreshness(() => cache.get("k", "2", () => "two"));
  assert.equal(changed.result, "one", "the older answer, at once");
  assert.equal(changed.freshness.updating, true, "marked: a newer answer is being computed");
  assert.equal(changed.freshness.asOf, firstAsOf, "dated as the older data");

  await tick();
  const after = withFreshness(() => cache.get("k", "2", () => "never"));
  assert.equal(after.result, "two");
  assert.equal(after.freshness.updating, false);
  assert.ok((after.freshness.asOf as number) >= firstAsOf);
});

test("a request's data time is its oldest part's, and it is updating if any part is", async () => {
  const cache = new ResultCache();
  cache.get("old", "1", () => "a");
  await new Promise((resolve) => setTimeout(resolve, 5));
  cache.get("new", "1", () => "b");
  const both = withFreshness(() => [cache.get("new", "1", () => "x"), cache.get("old", "2", () => "y")]);
  const oldAsOf = withFreshness(() => cache.get("old", "1", () => "z")).freshness.asOf;
  assert.deepEqual(both.result, ["b", "a"]);
  assert.equal(both.freshness.updating, true);
  assert.equal(both.freshness.asOf, oldAsOf);
});

test("an answer of the report thread is dated by the thread, served stale while the next computes, and replaced", async () => {
  const cache = new ResultCache();
  const one = deferred("one");
  const firstAsk = withFreshness(() => cache.getAsync("r", "1", () => one.promise));
  one.finish();
  assert.equal((await firstAsk.result).value, "one");
  assert.equal(firstAsk.freshness.asOf, one.asOf);

  const two = deferred("two");
  const stale = withFreshness(() => cache.getAsync("r", "2", () => two.promise));
  assert.equal((await stale.result).value, "one");
  assert.deepEqual([stale.freshness.asOf, stale.freshness.updating], [one.asOf, true]);
  two.finish();
  await tick();
  const fresh = withFreshness(() => cache.getAsync("r", "2", () => Promise.reject(new Error("never"))));
  assert.equal((await fresh.result).value, "two");
  assert.deepEqual([fresh.freshness.asOf, fresh.freshness.updating], [two.asOf, false]);
});

test("while a computation runs, newer stamps wait for it, and only the newest of them is computed", async () => {
  const cache = new ResultCache();
  const computed: string[] = [];
  const runs = new Map<string, () => void>();
  const compute = (stamp: string) => () => {
    computed.push(stamp);
    const run = deferred(`answer ${stamp}`);
    runs.set(stamp, run.finish);
    return run.promise;
  };
  const first = cache.getAsync("r", "1", compute("1"));
  // A first question waits: these wait too, for a computation of their stamp or a newer one.
  const second = cache.getAsync("r", "2", compute("2"));
  const third = cache.getAsync("r", "3", compute("3"));
  assert.deepEqual(computed, ["1"], "nothing else starts while 1 runs");
  runs.get("1")?.();
  assert.equal((await first).value, "answer 1");
  await tick();
  assert.deepEqual(computed, ["1", "3"], "2 was overtaken by 3 before it started");
  runs.get("3")?.();
  assert.equal((await second).value, "answer 3");
  assert.equal((await third).value, "answer 3");
});

test("an answer derived from another is stamped with the version it read, so a derivation of stale input is not kept", async () => {
  const cache = new ResultCache();
  const base = deferred(["a"]);
  const derive = async (stamp: string, compute: () => Promise<Dated<string[]>>) => {
    const { value, version } = await cache.getAsync("base", stamp, compute);
    return cache.get("count", version, () => value.length);
  };
  const computing = derive("1", () => base.promise);
  base.finish();
  assert.equal(await computing, 1);
  const bigger = deferred(["a", "b", "c"]);
  // New data: the base is served stale, and the derived answer of the stale base is served too.
  assert.equal(await derive("2", () => bigger.promise), 1);
  bigger.finish();
  await tick();
  await tick();
  const now = withFreshness(() => derive("2", () => Promise.reject(new Error("never"))));
  assert.equal(await now.result, 1, "the derivation of the new base is computed right after");
  await tick();
  assert.equal(await derive("2", () => Promise.reject(new Error("never"))), 3);
});

test("a request during a warmer pass gets the older answer at once; the warmer waits for the new one", async () => {
  const cache = new ResultCache();
  const one = deferred("one");
  const firstAsk = cache.getAsync("r", "1", () => one.promise);
  one.finish();
  await firstAsk;
  const two = deferred("two");
  let warmed: string | undefined;
  cache.warmer(async () => {
    warmed = (await cache.getAsync("r", "2", () => two.promise)).value;
  });
  const pass = cache.warm();
  await tick();
  const during = withFreshness(() => cache.getAsync("r", "2", () => Promise.reject(new Error("never"))));
  assert.equal((await during.result).value, "one", "not held up by the warmer's computation");
  assert.equal(during.freshness.updating, true);
  two.finish();
  await pass;
  assert.equal(warmed, "two", "the warmer computed instead of taking the stale answer");
});

test("past the time to live, an unchanged stamp is served as current and recomputed for real, not from a saved answer", async () => {
  const cache = new ResultCache();
  const firsts: boolean[] = [];
  const compute = (value: string) => async (first: boolean) => {
    firsts.push(first);
    return { value, asOf: Date.now() };
  };
  await cache.getAsync("r", "1", compute("one"));
  const later = Date.now() + 6 * 60_000;
  const served = withFreshness(() => cache.getAsync("r", "1", compute("recomputed"), later));
  assert.equal((await served.result).value, "one");
  assert.equal(served.freshness.updating, false, "no new data: current");
  await tick();
  assert.equal((await cache.getAsync("r", "1", compute("never"))).value, "recomputed");
  assert.deepEqual(
    firsts,
    [true, false],
    "only the first computation may read an answer saved by an earlier run",
  );
});

test("an answer whose data is over half an hour old is not served: the request waits for the new one", async () => {
  const cache = new ResultCache();
  cache.get("k", "1", () => "one");
  const later = Date.now() + 31 * 60_000;
  const served = withFreshness(() => cache.get("k", "2", () => "two", later));
  assert.deepEqual([served.result, served.freshness.updating], ["two", false]);
});
