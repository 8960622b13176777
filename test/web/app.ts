import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { FastifyInstance } from "fastify";
import { createLogger } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import {
  createWebApp,
  defaultWebConfig,
  type RegisterRoutes,
  ROUTE_MODULES,
  type Role,
  type WebConfig,
  type WebContext,
} from "../../src/web/index.js";
import { tempDir } from "../helpers/tmp.js";

export const PASSWORD = "correct horse battery";

export const PLAN = `isp: { name: Example Telecom, asn: 64500 }
regions:
  - { id: sul, name: Sul, observe_from: 2020-01-01, enforce_from: 2021-01-01 }
  - { id: norte, name: "Norte <script>alert(1)</script>", observe_from: 2020-01-01, enforce_from: 2999-01-01 }
  - { id: leste, name: Leste, enforce_from: 2999-06-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul }
  - { prefix: 203.0.113.64/28, kind: static, region: sul }
  - { prefix: 198.51.100.0/25, kind: dynamic, region: norte }
  - { prefix: 198.51.100.128/25, kind: dynamic, region: leste }
exceptions:
  - { prefix: 203.0.113.99/32, reason: "mail server" }
`;

export interface TestApp {
  readonly app: FastifyInstance;
  readonly context: WebContext;
}

/** The web app over a fresh store and plan, with an admin, an operator and a read-only account. */
export async function testApp(
  t: TestContext,
  options: { config?: Partial<WebConfig>; routes?: readonly RegisterRoutes[] } = {},
): Promise<TestApp> {
  const data = tempDir(t, "web");
  const planFile = join(data, "plan.yaml");
  writeFileSync(planFile, PLAN);
  const store = openStore(data);
  process.env.PORTEIRO_LOG_LEVEL = "silent";
  const { app, context } = await createWebApp({
    store,
    dataDir: data,
    planFile,
    config: { ...defaultWebConfig(), provider_name: "Example Telecom", ...options.config },
    submissionHost: "mail.example.net",
    logger: createLogger("web"),
    routes: options.routes ?? ROUTE_MODULES,
    loginLockout: {
      failures: 3,
      windowMs: 60_000,
      lockMs: 60_000,
      maxLockMs: 60_000,
      failureDelayMs: 0,
      maxInFlightPerClient: 8,
    },
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
  return { app, context };
}

export interface LoggedIn {
  readonly cookie: string;
  readonly csrfToken: string;
}

/** Logs in through the API and returns the cookie to send back and the CSRF token. */
export async function login(app: FastifyInstance, username: string): Promise<LoggedIn> {
  const response = await app.inject({
    method: "POST",
    url: "/api/login",
    payload: { username, password: PASSWORD },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const setCookie = String(response.headers["set-cookie"]);
  return { cookie: setCookie.split(";")[0] as string, csrfToken: response.json().csrfToken };
}
