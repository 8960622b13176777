import type { FastifyRequest } from "fastify";
import { actorOf, runsInstallation } from "../rollout/index.js";
import type { WebContext } from "./context.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The programme role of a session given to take part in the programme, not to run the installation. */
    programmeStaff: string | null;
  }
}

/**
 * Where an organisation's people (and observers) may go with their console accounts: the
 * programme's pages and API, and their own session. Everything else of the console reads the
 * installation's private data (its subscribers' flows, queued mail, complaints), which they were
 * not given an account for, whatever its console role says.
 */
const PROGRAMME_AREAS = [
  "/api/rollout",
  "/console/rollout",
  "/api/session",
  "/api/logout",
  "/console/logout",
];

const within = (path: string, area: string) => path === area || path.startsWith(`${area}/`);

/** Whether every form of the path (the route matched and the raw one) lies in the programme's areas. */
export function inProgrammeArea(paths: readonly string[]): boolean {
  return paths.every((path) => PROGRAMME_AREAS.some((area) => within(path, area)));
}

/** Marks the request when its session takes part in the programme other than as its coordinator. */
export function markProgrammeStaff(request: FastifyRequest, context: WebContext): void {
  const username = request.session?.username;
  if (!username) return;
  const actor = actorOf(context.store, username);
  request.programmeStaff = runsInstallation(actor) ? null : (actor.role as string);
}

/** The console's entry page for programme staff. */
export const PROGRAMME_HOME = "/console/rollout";
