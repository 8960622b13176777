export { CSRF_FIELD, CSRF_HEADER, endSession, LOGIN_PAGE, SESSION_COOKIE, startSession } from "./auth.js";
export { AUTOCONFIG_OFF, autoconfigOn } from "./autoconfig.js";
export { defaultWebConfig, type IncomingServer, type WebConfig, webConfigSchema } from "./config.js";
export type { HelpLink, HelpWords, NavEntry, RegisterRoutes, RouteAccess, WebContext } from "./context.js";
export {
  DemoProgress,
  type DemoProgressReport,
  type DemoSeedContext,
  type DemoState,
  type DemoStatus,
  type SeedDemo,
} from "./demo.js";
export { escapeHtml, Html, html } from "./html.js";
export { type ConsolePage, consolePage, csrfField, HTML_TYPE, publicPage } from "./layout.js";
export { type Operator, OperatorStore, parseRole, ROLES, type Role } from "./operators.js";
export { hasRole } from "./roles.js";
export { ROUTE_MODULES } from "./routes/index.js";
export { createWebApp, startWeb, type WebOptions, type WebServer } from "./server.js";
export { type Session, SessionStore } from "./sessions.js";
