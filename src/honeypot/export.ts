import { isIP } from "node:net";
import type { Store } from "../store/index.js";

export const EXPORT_FORMATS = ["rbldnsd", "plain"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The abusing sources: addresses that, since `sinceMs`, sent a message through the sensor or
 * asked one of its proxies for a destination. A connection that only looked around is not listed.
 */
export function abusingSources(store: Store, sinceMs = 0): { v4: string[]; v6: string[] } {
  const rows = store
    .prepare(`SELECT DISTINCT source FROM honeypot_sessions
      WHERE started_ms >= ? AND (messages > 0 OR destination_host IS NOT NULL)`)
    .all(sinceMs) as { source: string }[];
  const v4 = rows.map((r) => r.source).filter((a) => isIP(a) === 4);
  const v6 = rows.map((r) => r.source).filter((a) => isIP(a) === 6);
  return { v4: v4.sort(compareV4), v6: v6.sort() };
}

function compareV4(a: string, b: string): number {
  const value = (t: string) => t.split(".").reduce((n, p) => n * 256 + Number(p), 0);
  return value(a) - value(b);
}

/**
 * `plain`: one address a line. `rbldnsd`: a `combined` dataset (load it as
 * `zone:combined:FILE`) with an ip4set section and an ip6trie section, each answering
 * 127.0.0.2 with a TXT naming the sensor data.
 */
export function renderZone(
  sources: { v4: readonly string[]; v6: readonly string[] },
  format: ExportFormat,
  generatedAt: Date,
): string {
  if (format === "plain") return [...sources.v4, ...sources.v6].map((a) => `${a}\n`).join("");
  const txt = ":127.0.0.2:Abuse seen by a porteiro honeypot sensor";
  return [
    `# porteiro honeypot export, ${generatedAt.toISOString()}: ${sources.v4.length} IPv4, ${sources.v6.length} IPv6 sources`,
    "$DATASET ip4set:honeypot4 @",
    txt,
    ...sources.v4,
    "$DATASET ip6trie:honeypot6 @",
    txt,
    ...sources.v6,
    "",
  ].join("\n");
}
