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

/** Pages and API reads of the installation's private data: its subscribers, their mail, flows, complaints. */
const PRIVATE_READS = [
  "/api/submission/queue",
  "/api/submission/held",
  "/api/submission/summary",
  "/api/flows/senders",
  "/api/complaints",
  "/api/honeypot/sessions",
  "/api/overview",
  "/api/plan",
  "/console/flows",
  "/console/submission",
  "/console/plan",
];

test("an organisation's programme staff read only the programme: every other area of the console is refused", async (t) => {
  const p = await serveProgramme(t, seed);
  for (const who of ["mem", "adm", "admb", "obs", "ro"] as Who[]) {
    for (const path of PRIVATE_READS) {
      const refused = await p.request(who, "GET", path);
      assert.equal(refused.status, 403, `${who} GET ${path}`);
      assert.match(await refused.text(), /this area is for this installation's own operators/);
    }
    const home = await p.request(who, "GET", "/console/");
    assert.equal(home.status, 303, `${who} is sent to the programme`);
    assert.equal(home.headers.get("location"), "/console/rollout");
    assert.equal((await p.request(who, "GET", "/api/rollout/programme")).status, 200, `${who} programme`);
    const page = await (await p.request(who, "GET", "/console/rollout")).text();
    assert.doesNotMatch(page, /href="\/console\/flows"/, `${who}'s nav leads only where it may go`);
  }
  for (const who of ["none", "root", "coord", "reader"] as Who[]) {
    for (const path of PRIVATE_READS)
      assert.equal((await p.request(who, "GET", path)).status, 200, `${who} GET ${path}`);
    assert.match(await (await p.request(who, "GET", "/console/rollout")).text(), /href="\/console\/flows"/);
  }
});
