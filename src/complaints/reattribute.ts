import { parseAddress } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type AttributionSources, attribute } from "./attribution.js";
import { complaintSources, updateAttribution } from "./store.js";

/**
 * Attributes every stored complaint again, with today's network map, plan and leases (leases
 * imported after the complaints, a corrected plan). Returns how many complaints were updated.
 */
export function reattributeComplaints(store: Store, sources: Omit<AttributionSources, "store">): number {
  const all = complaintSources(store);
  store.transaction(() => {
    for (const c of all) {
      const source = parseAddress(c.sourceIp);
      updateAttribution(store, c.id, attribute({ ...sources, store }, source, c.arrivalMs, c.sourcePort));
    }
  })();
  return all.length;
}
