import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { importOneComplaint } from "../../helpers/console-data.js";
import { login } from "../app.js";
import { CONSOLE_ENDPOINTS, consoleApp } from "../console-app.js";

test("every console read says as of when its data is; new data gets the older answer marked updating, then the new one", async (t) => {
  const { app, context, dataDir } = await consoleApp(t);
  const { cookie } = await login(app, "caio");
  const get = (url: string) => app.inject({ url, headers: { cookie } });
  /** Asks again, as the page does, until the answer is no longer marked updating. */
  const whenUpdated = async (url: string) => {
    let response = await get(url);
    for (let attempt = 0; attempt < 200 && response.headers["x-data-updating"]; attempt++) {
      await sleep(20);
      response = await get(url);
    }
    assert.equal(response.headers["x-data-updating"], undefined, `${url} still updating`);
    return response;
  };
  for (const url of CONSOLE_ENDPOINTS) {
    const before = Date.now();
    const response = await get(url);
    assert.equal(response.statusCode, 200, url);
    const asOf = Date.parse(String(response.headers["x-data-as-of"]));
    assert.ok(
      asOf <= Date.now() && asOf > before - 3_600_000,
      `${url}: as of ${response.headers["x-data-as-of"]}`,
    );
  }

  const first = await get("/api/overview");
  const firstAsOf = first.headers["x-data-as-of"];
  assert.equal(first.headers["x-data-updating"], undefined);
  const weeks = first.json().complaints.x as string[];
  assert.equal(first.json().complaints.partial, undefined, "the fixture's weeks are long over");

  const imported = Date.now();
  await importOneComplaint(context.store, dataDir, imported);
  const stale = await get("/api/overview");
  assert.equal(stale.headers["x-data-updating"], "1", "new data: not served as current");
  assert.equal(stale.headers["x-data-as-of"], firstAsOf, "dated as the older data");
  assert.deepEqual(stale.json().complaints.x, weeks);

  const fresh = await whenUpdated("/api/overview");
  // The overview's time is its oldest part's: the flows' charts, unchanged, keep theirs.
  assert.equal(fresh.headers["x-data-as-of"], firstAsOf);
  const complaints = fresh.json().complaints;
  assert.ok(complaints.x.length > weeks.length, "the new week is there");
  assert.equal(complaints.period, "week");
  assert.equal(complaints.partial?.from, complaints.x.at(-1), "this week is drawn as partial");
  assert.ok(Date.parse(complaints.partial.to) > Date.parse(String(firstAsOf)));

  // The complaints' own endpoint reads only them: dated after the import.
  const own = await whenUpdated("/api/complaints/series?by=region");
  assert.ok(Date.parse(String(own.headers["x-data-as-of"])) >= imported);
});
