import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { cannotListen, type Logger, processMetrics } from "../core/index.js";
import { type FlowStore, SqliteFlowStore } from "../flows/index.js";
import { Catalogues } from "../i18n/index.js";
import type { Store } from "../store/index.js";
import type { LockoutPolicy } from "../submission/index.js";
import { installAuth } from "./auth.js";
import type { WebConfig } from "./config.js";
import { cacheOf } from "./console/cache.js";
import { reportThreadOf } from "./console/reports.js";
import { startWarmer } from "./console/warmer.js";
import { makeStores, type RegisterRoutes, type WebContext } from "./context.js";
import { DemoProgress } from "./demo.js";
import { installLanguage } from "./language.js";
import { Logins } from "./login.js";
import { requestCounter, webRegistry } from "./metrics.js";
import { PlanSource } from "./plan-source.js";
import { ROUTE_MODULES } from "./routes/index.js";
import { installSecurityHeaders } from "./security-headers.js";

export interface WebOptions {
  readonly store: Store;
  /** Where the flows live (default: the store's own, `sqlite`), and its URL for the report thread. */
  readonly flows?: { readonly store: FlowStore; readonly url: string };
  readonly dataDir: string;
  /** The plan file the help site and console read; re-read when it changes. */
  readonly planFile?: string;
  readonly config: WebConfig;
  /** The host subscribers send through (default: the submission's hostname, from the caller). */
  readonly submissionHost: string;
  readonly logger: Logger;
  /** Other services' registries for /metrics (the submission service's, …). */
  readonly registries?: readonly Registry[];
  readonly demo?: DemoProgress;
  /** The route modules to register (default: every one in ROUTE_MODULES). */
  readonly routes?: readonly RegisterRoutes[];
  /** Tests shorten the login lockout's delays. */
  readonly loginLockout?: LockoutPolicy;
}

const FORM_LIMIT = 64 * 1024;

/** The web application with every route module registered, not listening: tests `inject` into it. */
export async function createWebApp(
  options: WebOptions,
): Promise<{ app: FastifyInstance; context: WebContext }> {
  const plan = new PlanSource(options.planFile, options.logger);
  const own = webRegistry(options.store, options.dataDir, () => plan.current());
  const stores = makeStores(options.store, options.config);
  const context: WebContext = {
    store: options.store,
    flows: options.flows?.store ?? new SqliteFlowStore(options.store),
    flowsStoreUrl: options.flows?.url ?? "sqlite",
    dataDir: options.dataDir,
    plan,
    config: options.config,
    submissionHost: options.submissionHost,
    logger: options.logger,
    ...stores,
    logins: new Logins(stores.operators, stores.sessions, options.loginLockout),
    demo: options.demo ?? new DemoProgress(),
    nav: [],
    helpLinks: [],
    catalogues: new Catalogues(options.dataDir),
    registries: [own, processMetrics(), ...(options.registries ?? [])],
  };
  // Loaded here, not at the top: commands other than serve never pay for loading fastify.
  const { default: Fastify } = await import("fastify");
  const trusted = options.config.trust_proxy;
  const app = Fastify({
    logger: false,
    trustProxy: trusted.length > 0 ? [...trusted] : false,
    bodyLimit: 1024 * 1024,
  });
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const responses = requestCounter(own);
  app.addHook("onResponse", async (_request, reply) => {
    responses.inc({ status: `${Math.floor(reply.statusCode / 100)}xx` });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.logger.error({ err: error.message, url: request.url }, "request failed");
    // Never a stack trace to a user; a 4xx says what was wrong with the request.
    const message = status === 500 ? "internal error" : error.message;
    return reply.code(status).type("application/json; charset=utf-8").send({ error: message });
  });
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).type("text/plain; charset=utf-8").send("not found\n"),
  );
  installSecurityHeaders(app);
  installAuth(app, context);
  installLanguage(app, context);
  app.addHook("onClose", () => reportThreadOf(context).stop());
  for (const register of options.routes ?? ROUTE_MODULES) await register(app, context);
  return { app, context };
}

export interface WebServer {
  readonly url: string;
  readonly context: WebContext;
  close(): Promise<void>;
}

/** Starts the web server; `url` names where it listens (port 0 becomes the port picked). */
export async function startWeb(options: WebOptions & { host: string; port: number }): Promise<WebServer> {
  const { app, context } = await createWebApp(options);
  await app.listen({ host: options.host, port: options.port }).catch(async (error: Error) => {
    await app.close();
    throw cannotListen(
      "the web console",
      { host: options.host, port: options.port },
      error,
      "change it with --web HOST:PORT or web.listen",
    );
  });
  // Listening first: the port answers while the console's heavy answers are computed behind it.
  const warmer = startWarmer(cacheOf(context), options.logger);
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    context,
    // Closing stops the report thread, which cuts a warming pass short; it has ended before the
    // caller closes the store the pass reads.
    close: async () => {
      const warmed = warmer.stop();
      await app.close();
      await warmed;
    },
  };
}
