import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { Logger } from "../core/index.js";
import type { FlowStore } from "../flows/index.js";
import type { Catalogues, MessageId } from "../i18n/index.js";
import type { Store } from "../store/index.js";
import type { WebConfig } from "./config.js";
import type { DemoProgress } from "./demo.js";
import type { Logins } from "./login.js";
import type { Role } from "./operators.js";
import { OperatorStore } from "./operators.js";
import type { PlanSource } from "./plan-source.js";
import { SessionStore } from "./sessions.js";

/** A console page in the nav. `role` hides it from operators below that role. */
export interface NavEntry {
  readonly href: string;
  readonly title: string;
  readonly role?: Role;
  /** Lower first; entries with the same order keep the order they were added in. */
  readonly order?: number;
}

/** Words on the help site: a catalogue message, in the visitor's language, or fixed text. */
export type HelpWords = string | { readonly message: MessageId };

/** A link on the public help site's home page, under "More help". */
export interface HelpLink {
  readonly href: string;
  readonly title: HelpWords;
  readonly description: HelpWords;
}

/** Everything a route module gets: one per server, built by `createWebApp`. */
export interface WebContext {
  readonly store: Store;
  /** Where the flows live: the store's own tables, or ClickHouse. */
  readonly flows: FlowStore;
  /** Its URL, for the report thread to open its own connection. */
  readonly flowsStoreUrl: string;
  readonly dataDir: string;
  readonly plan: PlanSource;
  readonly config: WebConfig;
  /** The host subscribers send through, for guides and autoconfig. */
  readonly submissionHost: string;
  readonly logger: Logger;
  readonly operators: OperatorStore;
  readonly sessions: SessionStore;
  /** Password checks with lockout; the login routes' only way in. */
  readonly logins: Logins;
  readonly demo: DemoProgress;
  /** Console pages register here; the shell's nav lists them. */
  readonly nav: NavEntry[];
  /** Public help pages beyond the guides register here. */
  readonly helpLinks: HelpLink[];
  /** The pages' messages in each language, the data folder's overrides included. */
  readonly catalogues: Catalogues;
  /** Registries `/metrics` serves, the web server's own included. */
  readonly registries: readonly Registry[];
}

/** A route module: `src/web/routes/<area>.ts` exports one as `register`. */
export type RegisterRoutes = (app: FastifyInstance, context: WebContext) => void | Promise<void>;

/**
 * Per-route access, set in a route's `config`. The default for `/console/` and `/api/` is a
 * session of any role, and for anything but GET/HEAD also a role other than read-only and a
 * valid CSRF token.
 */
export interface RouteAccess {
  /** Reachable without a session (the login routes; the public site needs nothing). */
  readonly public?: boolean;
  /** The least role the route needs; `read-only` lets read-only operators change something (logout). */
  readonly role?: Role;
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export function makeStores(store: Store, config: WebConfig): Pick<WebContext, "operators" | "sessions"> {
  return {
    operators: new OperatorStore(store),
    sessions: new SessionStore(store, config.session_hours * 3_600_000),
  };
}
