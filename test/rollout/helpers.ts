import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import {
  createCommitment,
  createDocument,
  createOrg,
  createPerson,
  createRegion,
  enterReport,
  generateSigningKeys,
  LOCAL_ADMIN,
  recordNoise,
  setCalendarEntry,
} from "../../src/rollout/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { OperatorStore, type Role, type WebContext } from "../../src/web/index.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";
import { login, PASSWORD, PLAN, testApp } from "../web/app.js";

/** Console accounts and their part in the programme (org "a" unless said). */
export const PEOPLE = {
  coord: { web: "operator", role: "coordinator", org: null },
  adm: { web: "operator", role: "org-admin", org: "a" },
  mem: { web: "operator", role: "org-member", org: "a" },
  /** Another organisation's admin, whose console account is an admin's: the programme's rule wins. */
  admb: { web: "admin", role: "org-admin", org: "b" },
  obs: { web: "operator", role: "observer", org: null },
  none: { web: "operator", role: null, org: null },
  /** The installation's console admin, with no part in the programme. */
  root: { web: "admin", role: null, org: null },
  reader: { web: "read-only", role: null, org: null },
  /** A programme admin whose console account is read-only: the console's rule wins. */
  ro: { web: "read-only", role: "org-admin", org: "a" },
} as const;
export type Who = keyof typeof PEOPLE;

const everyone = () => Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][];

/** Gives each of PEOPLE its operator account and, if it takes part, its person in the programme (orgs a and b exist). */
async function addPeople(store: Store, operators: OperatorStore): Promise<void> {
  for (const [name, p] of everyone()) {
    await operators.add(name, PASSWORD, p.web as Role);
    if (p.role) createPerson(store, LOCAL_ADMIN, { name, role: p.role, org_id: p.org, username: name });
  }
}

export interface ProgrammeApp {
  readonly app: FastifyInstance;
  readonly context: WebContext;
  readonly store: Store;
  /** The private key of org "a" (PKCS#8 PEM); its public key is registered. */
  readonly keyA: string;
  request(
    who: Who | null,
    method: string,
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** Two ISPs (a, b), one region, a calendar, a commitment, a document, a report and a noise record each for a. */
export async function programmeApp(t: TestContext): Promise<ProgrammeApp> {
  const { app, context } = await testApp(t);
  const store = context.store;
  const keys = generateSigningKeys();
  createOrg(store, LOCAL_ADMIN, { id: "a", name: "ISP A", type: "isp", public_key: keys.publicKey });
  createOrg(store, LOCAL_ADMIN, { id: "b", name: "ISP B", type: "isp" });
  createRegion(store, LOCAL_ADMIN, { id: "r1", name: "Region One" });
  setCalendarEntry(store, LOCAL_ADMIN, { org_id: "a", region_id: "r1", enforce_from: "2020-01-01" });
  createCommitment(store, LOCAL_ADMIN, { org_id: "a", kind: "adoption_pct", target: 90, due: "2030-01-01" });
  createDocument(store, LOCAL_ADMIN, {
    org_id: "a",
    kind: "agreement",
    title: "A's pledge",
    date: "2020-01-01",
    link: "https://example.org/a",
  });
  enterReport(store, LOCAL_ADMIN, {
    org_id: "a",
    region: "r1",
    as_of: "2020-02-01",
    phase: "enforce",
    adoption_pct: 50,
  });
  recordNoise(store, LOCAL_ADMIN, {
    org_id: "a",
    region_id: "r1",
    day: "2020-01-02",
    category: "cannot-send",
  });
  await addPeople(store, context.operators);
  const sessions = new Map<Who, { cookie: string; csrfToken: string }>();
  for (const [name] of everyone()) sessions.set(name, await login(app, name));
  return {
    app,
    context,
    store,
    keyA: keys.privateKey,
    request: (who, method, url, payload, headers = {}) => {
      const session = who ? sessions.get(who) : undefined;
      return app.inject({
        method: method as "GET",
        url,
        headers: {
          ...(session ? { cookie: session.cookie, "x-csrf-token": session.csrfToken } : {}),
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });
    },
  };
}

/** The least a served programme needs: ISPs a and b, region r1. */
export function twoIsps(store: Store): void {
  createOrg(store, LOCAL_ADMIN, { id: "a", name: "ISP A", type: "isp" });
  createOrg(store, LOCAL_ADMIN, { id: "b", name: "ISP B", type: "isp" });
  createRegion(store, LOCAL_ADMIN, { id: "r1", name: "Region One" });
}

export interface ServedProgramme<T> {
  readonly url: string;
  /** What the seed returned. */
  readonly seeded: T;
  /** One request over HTTP as `who` (null: no session), with its CSRF token; redirects are not followed. */
  request(who: Who | null, method: string, path: string, body?: unknown): Promise<Response>;
}

/**
 * `porteiro serve` on loopback over a data folder `seed` fills first (it must create orgs a and
 * b), with an operator account for each of PEOPLE, its person in the programme, and a session
 * each, logged in over HTTP.
 */
export async function serveProgramme<T>(
  t: TestContext,
  seed: (store: Store, dataDir: string) => T | Promise<T>,
): Promise<ServedProgramme<T>> {
  const dataDir = tempDir(t, "rollout-served");
  writeFileSync(join(dataDir, "plan.yaml"), PLAN);
  const store = openStore(dataDir);
  let seeded: T;
  try {
    seeded = await seed(store, dataDir);
    await addPeople(store, new OperatorStore(store));
  } finally {
    store.close();
  }
  const { url, child } = await serveWeb(dataDir);
  t.after(() => child.kill("SIGTERM"));
  const sessions = new Map<Who, { cookie: string; csrfToken: string }>();
  for (const [name] of everyone()) {
    const response = await fetch(new URL("api/login", url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: name, password: PASSWORD }),
    });
    assert.equal(response.status, 200, `login of ${name}`);
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
    sessions.set(name, { cookie, csrfToken: ((await response.json()) as { csrfToken: string }).csrfToken });
  }
  return {
    url,
    seeded,
    request: (who, method, path, body) => {
      const session = who ? sessions.get(who) : undefined;
      return fetch(new URL(path.replace(/^\//, ""), url), {
        method,
        redirect: "manual",
        headers: {
          ...(session ? { cookie: session.cookie, "x-csrf-token": session.csrfToken } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
  };
}

const TABLES = [
  "rollout_orgs",
  "rollout_people",
  "rollout_documents",
  "rollout_regions",
  "rollout_calendar",
  "rollout_commitments",
  "rollout_reports",
  "rollout_noise",
  "rollout_push_nonces",
  "rollout_settings",
];

/** Every row of the programme's tables: equal before and after means nothing changed. */
export function snapshot(store: Store): string {
  return JSON.stringify(TABLES.map((table) => store.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()));
}
