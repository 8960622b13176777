import { buildIsp, type SimIsp } from "./isp.js";
import type { SimOptions } from "./options.js";
import { buildPopulation, type Population } from "./population.js";
import { buildSessions, type Sessions } from "./sessions.js";

/** The whole synthetic ISP for a set of options: plan, subscribers and who held which address when. */
export interface World {
  readonly options: SimOptions;
  readonly isp: SimIsp;
  readonly population: Population;
  readonly sessions: Sessions;
}

export function buildWorld(options: SimOptions): World {
  const isp = buildIsp(options);
  const population = buildPopulation(isp, options);
  return { options, isp, population, sessions: buildSessions(isp, population, options) };
}
