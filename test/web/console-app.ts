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
