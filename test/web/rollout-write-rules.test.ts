/** What an organisation's people may change, tried where it reached further than the write rules allow, on a real `porteiro serve`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { serveProgramme, twoIsps, type Who } from "../rollout/helpers.js";

const REPORT = { org_id: "a", region: "r1", as_of: "2021-03-01", phase: "enforce", adoption_pct: 64 };

test("an org-member cannot publish a report by entering it as public; entered unpublished it is kept", async (t) => {
  const p = await serveProgramme(t, twoIsps);
  const reports = async () =>
    (await (await p.request("coord", "GET", "/api/rollout/reports?org=a")).json()).items;

  const refused = await p.request("mem", "POST", "/api/rollout/reports", { ...REPORT, public: true });
  assert.equal(refused.status, 403);
  assert.match((await refused.json()).error, /publishing a report needs the org-admin programme role/);
  assert.deepEqual(await reports(), [], "nothing stored, published or not");

  const kept = await p.request("mem", "POST", "/api/rollout/reports", REPORT);
  assert.equal(kept.status, 201);
  assert.equal((await kept.json()).public, false);
  const published = await p.request("adm", "POST", "/api/rollout/reports", { ...REPORT, public: true });
  assert.equal(published.status, 201);
  assert.equal((await published.json()).public, true);

  const memberPage = await (await p.request("mem", "GET", "/console/rollout/orgs/a")).text();
  assert.doesNotMatch(memberPage, /name="public"/, "no publish box or button for a member");
  const adminPage = await (await p.request("adm", "GET", "/console/rollout/orgs/a")).text();
  assert.match(adminPage, /name="public"/);
});

test("an org-admin links no console account, and answers alike whether the operator name exists or not", async (t) => {
  const p = await serveProgramme(t, twoIsps);
  const answer = async (response: Response) => ({ status: response.status, body: await response.text() });
  // An unlinked admin, an unlinked read-only account, a linked account, and no account at all.
  const names = ["root", "reader", "coord", "no-such-operator"];

  const created = [];
  for (const username of names)
    created.push(
      await answer(
        await p.request("adm", "POST", "/api/rollout/people", {
          org_id: "a",
          role: "org-member",
          name: "New hire",
          username,
        }),
      ),
    );
  assert.equal(created[0]?.status, 403, created[0]?.body);
  for (const reply of created) assert.deepEqual(reply, created[0]);

  const hire = await p.request("adm", "POST", "/api/rollout/people", {
    org_id: "a",
    role: "org-member",
    name: "New hire",
  });
  assert.equal(hire.status, 201, "a person without a login is the org-admin's to add");
  const hireId = (await hire.json()).id as number;
  const changed = [];
  for (const username of names)
    changed.push(
      await answer(await p.request("adm", "PATCH", `/api/rollout/people/${hireId}`, { username })),
    );
  assert.equal(changed[0]?.status, 403);
  for (const reply of changed) assert.deepEqual(reply, changed[0]);

  // Unlinking a login or naming an observer (who reads the whole programme) is the coordinator's too.
  const people = (await (await p.request("adm", "GET", "/api/rollout/people")).json()).items as {
    id: number;
    username: string | null;
  }[];
  const mem = people.find((person) => person.username === "mem")?.id;
  assert.equal(
    (await p.request("adm", "PATCH", `/api/rollout/people/${mem}`, { username: null })).status,
    403,
  );
  assert.equal((await p.request("adm", "DELETE", `/api/rollout/people/${mem}`)).status, 403);
  assert.equal(
    (await p.request("adm", "PATCH", `/api/rollout/people/${hireId}`, { role: "observer" })).status,
    403,
  );

  const me = async (who: Who) => (await p.request(who, "GET", "/api/rollout/me")).json();
  assert.deepEqual(await me("root"), { username: "root", role: null, org_id: null });
  assert.deepEqual(await me("reader"), { username: "reader", role: null, org_id: null });
  assert.deepEqual(await me("mem"), { username: "mem", role: "org-member", org_id: "a" });

  const linked = await p.request("coord", "POST", "/api/rollout/people", {
    org_id: "b",
    role: "org-member",
    name: "Root at B",
    username: "root",
  });
  assert.equal(linked.status, 201, "the coordinator links accounts");
  assert.deepEqual(await me("root"), { username: "root", role: "org-member", org_id: "b" });
});
