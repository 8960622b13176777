import { join } from "node:path";
import { cacheFile, readCachedMap, writeCachedMap } from "./cache.js";
import { NetworkMap } from "./network-map.js";
import { NetworkLayers } from "./sinks.js";
import { completeSources, type NetworkSources, readSources } from "./sources.js";

export interface LoadNetworkMapOptions extends NetworkSources {
  /** A data folder: the built map is kept under its cache/ and reused while the tables are unchanged. */
  readonly dataDir?: string;
}

/**
 * Builds the address → network map from the tables given, the embedded ip-location-db tables
 * standing in for an attribute (ASN, country) that none of them gives. Bad lines fail the load
 * with `file:line: message` for each.
 */
export async function loadNetworkMap(options: LoadNetworkMapOptions = {}): Promise<NetworkMap> {
  const sources = completeSources(options);
  const cached = options.dataDir ? cacheFile(join(options.dataDir, "cache"), sources) : undefined;
  if (cached) {
    const map = readCachedMap(cached);
    if (map) return map;
  }
  const layers = new NetworkLayers();
  await readSources(sources, layers);
  const map = NetworkMap.fromTilings(
    { v4: layers.asn.tiling4(), v6: layers.asn.tiling6() },
    { v4: layers.country.tiling4(), v6: layers.country.tiling6() },
    layers.asNames,
  );
  if (cached) writeCachedMap(cached, map);
  return map;
}
