import { Resolver } from "node:dns/promises";
import { type Address, formatAddress, UserError } from "../../core/index.js";
import { meaningOfA } from "./answer.js";
import { dnsblName } from "./query-name.js";
import { RateLimit } from "./rate-limit.js";

export interface DnsblOptions {
  /** The DNS server to ask, `HOST:PORT` (an IP address; `[v6]:PORT` for IPv6). */
  readonly server: string;
  readonly zone: string;
  /** Look-ups in flight at once. */
  readonly concurrency: number;
  /** Addresses looked up per second at most; 0 for no limit. */
  readonly ratePerSecond: number;
  /** Further tries after a timeout or server failure. */
  readonly retries: number;
  readonly timeoutMs: number;
}

export interface DnsblResult {
  readonly address: string;
  readonly listed: boolean;
  readonly a: readonly string[];
  readonly txt: readonly string[];
  /** Why the answer could not be had or is not a listing (a DNSBL error code, SERVFAIL, timeout). */
  readonly error?: string;
}

const SERVER = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/;

/** Checks `HOST:PORT` names an address and a port: look-ups go to that server and no other. */
export function checkServer(server: string): string {
  const match = SERVER.exec(server);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    throw new UserError(`--server "${server}": expected IP:PORT, e.g. 127.0.0.1:5353 or [::1]:5353`);
  }
  return server;
}

/** No such name (NXDOMAIN) or no record of the type: an answer, not a failure. */
const ANSWERED = new Set(["ENOTFOUND", "ENODATA"]);
/** Worth asking again. */
const TRANSIENT = new Set(["ETIMEOUT", "ESERVFAIL", "ECONNREFUSED", "ECANCELLED"]);

type Outcome<T> = { readonly value: T } | { readonly error: string };

async function ask<T>(query: () => Promise<T>, empty: T, retries: number): Promise<Outcome<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await query() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (ANSWERED.has(code)) return { value: empty };
      if (!TRANSIENT.has(code) || attempt >= retries) {
        const tries = attempt + 1;
        return {
          error: `${code || (error as Error).message} after ${tries} ${tries === 1 ? "try" : "tries"}`,
        };
      }
    }
  }
}

async function lookUp(resolver: Resolver, address: Address, options: DnsblOptions): Promise<DnsblResult> {
  const name = dnsblName(address, options.zone);
  const [a, txt] = await Promise.all([
    ask(() => resolver.resolve4(name), [] as string[], options.retries),
    ask(() => resolver.resolveTxt(name), [] as string[][], options.retries),
  ]);
  const text = formatAddress(address);
  const aValues = "value" in a ? a.value : [];
  const txtValues = "value" in txt ? txt.value.map((chunks) => chunks.join("")) : [];
  const failure = "error" in a ? `A: ${a.error}` : "error" in txt ? `TXT: ${txt.error}` : undefined;
  const meaning = meaningOfA(aValues);
  const error = failure ?? ("error" in meaning ? meaning.error : undefined);
  return { address: text, listed: meaning.listed, a: aValues, txt: txtValues, ...(error ? { error } : {}) };
}

/**
 * Looks every address up under the zone (A and TXT) at the one server given, never the system's
 * resolver, with `concurrency` in flight and at most `ratePerSecond` started a second. Results
 * come back in the order of `addresses`.
 */
export async function queryDnsbl(
  addresses: readonly Address[],
  options: DnsblOptions,
  onResult?: (done: number) => void,
): Promise<DnsblResult[]> {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  resolver.setServers([checkServer(options.server)]);
  const limit = new RateLimit(options.ratePerSecond);
  const results: DnsblResult[] = new Array(addresses.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const i = next++;
      await limit.take();
      results[i] = await lookUp(resolver, addresses[i] as Address, options);
      onResult?.(++done);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, addresses.length)) }, worker),
  );
  return results;
}
