/** The installation's submission queue and its programme's participants, on a real `porteiro serve`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Store } from "../../src/store/index.js";
import { HELD_ACCOUNT, seedConsoleData } from "../helpers/console-data.js";
import { serveProgramme, twoIsps, type Who } from "../rollout/helpers.js";

async function seed(store: Store, dataDir: string): Promise<void> {
  await seedConsoleData(store, dataDir, { weeks: 2, complaints: 2, honeypotSessions: 1 });
  twoIsps(store);
}

const HELD = `/api/submission/held/${encodeURIComponent(HELD_ACCOUNT)}`;

test("an organisation's programme staff cannot release, drop, retry or delete queued mail, whatever their console role", async (t) => {
  const p = await serveProgramme(t, seed);
  const get = async (path: string) => (await p.request("root", "GET", path)).json();
  const queue = await get("/api/submission/queue");
  const id = queue.messages[0].id as string;
  const actions = [`${HELD}/release`, `${HELD}/drop`, `/api/submission/queue/${id}/retry`];
  const remove = `/api/submission/queue/${id}/delete`;

  // Console operators and a console admin, each in the programme for an organisation or as observer.
  for (const who of ["mem", "adm", "admb", "obs"] as Who[])
    for (const path of [...actions, remove]) {
      const refused = await p.request(who, "POST", path);
      assert.equal(refused.status, 403, `${who} ${path}`);
      assert.match((await refused.json()).error, /this installation's own operators/);
    }
  assert.deepEqual(await get("/api/submission/queue"), queue, "the queue is as it was");
  assert.equal((await get("/api/submission/held")).accounts.length, 1);

  // The installation's own: an operator and an admin with no part in the programme, the coordinator.
  assert.equal((await p.request("none", "POST", actions[2] as string)).status, 200);
  assert.equal((await p.request("root", "POST", remove)).status, 200);
  const released = await p.request("coord", "POST", actions[0] as string);
  assert.deepEqual(await released.json(), { address: HELD_ACCOUNT, released: true, messages_released: 0 });
  assert.deepEqual((await get("/api/submission/queue")).messages, []);
});
