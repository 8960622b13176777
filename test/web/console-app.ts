import type { TestContext } from "node:test";
import { createLogger } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { createWebApp, defaultWebConfig, type Role } from "../../src/web/index.js";
import { seedConsoleData } from "../helpers/console-data.js";
import { tempDir } from "../helpers/tmp.js";
import { PASSWORD, type TestApp } from "./app.js";

/** The web app over a store seeded with the console's fixture data, with one operator per role. */
export async function consoleApp(t: TestContext): Promise<TestApp & { dataDir: string }> {
  const dataDir = tempDir(t, "console");
  const store = openStore(dataDir);
  process.env.PORTEIRO_LOG_LEVEL = "silent";
  const planFile = await seedConsoleData(store, dataDir);
  const { app, context } = await createWebApp({
    store,
    dataDir,
    planFile,
    config: { ...defaultWebConfig(), provider_name: "Example Telecom" },
    submissionHost: "mail.example.net",
    logger: createLogger("web"),
  });
  for (const [name, role] of [
    ["ana", "admin"],
    ["bia", "operator"],
    ["caio", "read-only"],
  ] as const) {
    await context.operators.add(name, PASSWORD, role as Role);
  }
  t.after(async () => {
    await app.close();
    store.close();
  });
  return { app, context, dataDir };
}

/** Every GET endpoint a console page calls, with the query the page sends first. */
export const CONSOLE_ENDPOINTS = [
  "/api/overview",
  "/api/plan",
  "/api/policy/render?format=nftables&at=2026-11-28",
  "/api/policy/diff",
  "/api/flows/senders",
  "/api/flows/impact",
  "/api/flows/evidence?address=203.0.113.1",
  "/api/submission/summary",
  "/api/submission/held",
  "/api/submission/queue",
  "/api/reputation/lists",
  "/api/reputation/report?by=region",
  "/api/reputation/series?by=region",
  "/api/reputation/report?by=country",
  "/api/complaints/series?by=region",
  "/api/complaints/report?by=asn",
  "/api/complaints?limit=1000",
  "/api/honeypot/series",
  "/api/honeypot/origins?by=country",
  "/api/honeypot/campaigns",
  "/api/honeypot/sessions?limit=500",
];
