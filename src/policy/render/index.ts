import { UserError } from "../../core/index.js";
import { iosRenderer } from "./ios.js";
import { iptablesRenderer } from "./iptables.js";
import { junosRenderer } from "./junos.js";
import { nftablesRenderer } from "./nftables.js";
import { pblRenderer } from "./pbl.js";
import { routerosRenderer } from "./routeros.js";
import type { Renderer } from "./types.js";

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
