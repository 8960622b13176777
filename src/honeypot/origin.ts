/**
 * Where an address belongs: the shape of the reputation capability's NetworkMap look-up, so the
 * report takes that map (or a test's stand-in) without depending on how it is built.
 */
export interface NetworkInfo {
  readonly asn: number | null;
  readonly asName: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string | null;
}

export interface NetworkLookup {
  lookup(address: string): NetworkInfo;
}

const UNKNOWN: NetworkInfo = { asn: null, asName: null, country: null };

/** For when no map is at hand: every origin is unknown. */
export const NO_NETWORK_MAP: NetworkLookup = { lookup: () => UNKNOWN };

/** Looks each distinct address up once. */
export function cachedLookup(map: NetworkLookup): (address: string) => NetworkInfo {
  const seen = new Map<string, NetworkInfo>();
  return (address) => {
    let info = seen.get(address);
    if (!info) {
      info = map.lookup(address);
      seen.set(address, info);
    }
    return info;
  };
}
