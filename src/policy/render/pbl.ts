import { formatPrefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { type Renderer, singleFile } from "./types.js";

/**
 * The dynamic ranges as bare CIDR lines, the form the Spamhaus PBL takes from an ISP. It lists
 * all dynamic space whatever the phase (less static pools and exceptions, which may send mail).
 */
export const pblRenderer: Renderer = {
  format: "pbl",
  summary: "dynamic ranges as one CIDR a line, for the Spamhaus Policy Block List",
  render(policy: Policy) {
    const lines = policy.dynamic.toPrefixes().map(formatPrefix);
    return singleFile("porteiro-pbl.txt", lines.length > 0 ? `${lines.join("\n")}\n` : "");
  },
};
