import { type Day, UserError } from "../../core/index.js";
import type { Plan } from "../../plan/index.js";
import { computePolicy, type PolicyOptions } from "../compute.js";
import { iosRenderer } from "./ios.js";
import { iptablesRenderer } from "./iptables.js";
import { junosRenderer } from "./junos.js";
import { nftablesRenderer } from "./nftables.js";
import { pblRenderer } from "./pbl.js";
import { routerosRenderer } from "./routeros.js";
import type { Renderer, Rendering } from "./types.js";

export type { RenderedFile, Renderer, Rendering } from "./types.js";

export const RENDERERS: readonly Renderer[] = [
  nftablesRenderer,
  iptablesRenderer,
  routerosRenderer,
  iosRenderer,
  junosRenderer,
  pblRenderer,
];

export function rendererFor(format: string): Renderer {
  const renderer = RENDERERS.find((r) => r.format === format);
  if (!renderer) {
    throw new UserError(
      `unknown format "${format}"; expected one of ${RENDERERS.map((r) => r.format).join(", ")}`,
    );
  }
  return renderer;
}

/** One format of a plan's policy on one day: what `porteiro policy render` prints and routers pull. */
export function renderPolicy(plan: Plan, day: Day, format: string, options: PolicyOptions = {}): Rendering {
  return rendererFor(format).render(computePolicy(plan, day, options));
}
