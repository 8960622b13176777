import { loadNetworkMap, type NetworkMap } from "../../reputation/index.js";
import type { WebContext } from "../context.js";

const maps = new WeakMap<WebContext, Promise<NetworkMap>>();

/**
 * The reputation capability's address → AS/country map, loaded once per server (from the data
 * folder's cache after the first build) the first time a page needs origins.
 */
export function networkMapOf(context: WebContext): Promise<NetworkMap> {
  let map = maps.get(context);
  if (!map) {
    map = loadNetworkMap({ dataDir: context.dataDir });
    // A failed load is retried by the next request rather than remembered.
    map.catch(() => maps.delete(context));
    maps.set(context, map);
  }
  return map;
}
