import type { RegisterRoutes } from "../context.js";
import { register as api } from "./api.js";
import { register as apiComplaints } from "./api-complaints.js";
import { register as apiFlows } from "./api-flows.js";
import { register as apiHoneypot } from "./api-honeypot.js";
import { register as apiOverview } from "./api-overview.js";
import { register as apiPlan } from "./api-plan.js";
import { register as apiReputation } from "./api-reputation.js";
import { register as apiSubmission } from "./api-submission.js";
import { register as autoconfig } from "./autoconfig.js";
import { register as console } from "./console.js";
import { register as consoleCampaigns } from "./console-campaigns.js";
import { register as consoleFlows } from "./console-flows.js";
import { register as consoleHoneypot } from "./console-honeypot.js";
import { register as consoleOverview } from "./console-overview.js";
import { register as consolePlan } from "./console-plan.js";
import { register as consoleReputation } from "./console-reputation.js";
import { register as consoleSubmission } from "./console-submission.js";
import { register as health } from "./health.js";
import { register as help } from "./help.js";
import { register as metrics } from "./metrics.js";
import { register as policyPull } from "./policy-pull.js";
import { register as rolloutApi } from "./rollout-api.js";
import { register as rolloutConsole } from "./rollout-console.js";
import { register as rolloutHelp } from "./rollout-help.js";
import { register as staticFiles } from "./static.js";
import { register as transparency } from "./transparency.js";
import { register as vendor } from "./vendor.js";

/** Every route module, in the order their nav entries appear. A new area adds one line here. */
export const ROUTE_MODULES: readonly RegisterRoutes[] = [
  staticFiles,
  vendor,
  help,
  rolloutHelp,
  transparency,
  autoconfig,
  console,
  consoleOverview,
  consolePlan,
  consoleFlows,
  consoleSubmission,
  consoleCampaigns,
  consoleReputation,
  consoleHoneypot,
  api,
  apiOverview,
  apiPlan,
  apiFlows,
  apiSubmission,
  apiReputation,
  apiComplaints,
  apiHoneypot,
  rolloutConsole,
  rolloutApi,
  metrics,
  health,
  policyPull,
];
