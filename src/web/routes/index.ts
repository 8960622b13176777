import type { RegisterRoutes } from "../context.js";
import { register as api } from "./api.js";
import { register as autoconfig } from "./autoconfig.js";
import { register as console } from "./console.js";
import { register as consoleHome } from "./console-home.js";
import { register as help } from "./help.js";
import { register as metrics } from "./metrics.js";
import { register as rolloutApi } from "./rollout-api.js";
import { register as rolloutConsole } from "./rollout-console.js";
import { register as rolloutHelp } from "./rollout-help.js";
import { register as staticFiles } from "./static.js";
import { register as transparency } from "./transparency.js";

/** Every route module, in the order their nav entries appear. A new area adds one line here. */
export const ROUTE_MODULES: readonly RegisterRoutes[] = [
  staticFiles,
  help,
  rolloutHelp,
  transparency,
  autoconfig,
  console,
  consoleHome,
  api,
  rolloutConsole,
  rolloutApi,
  metrics,
];
