import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Counters } from "./counters.js";

/**
 * Counts every TCP client socket this process creates while the sensor runs, through Node's
 * `net.client.socket` channel: the sensor's proof that it connected nowhere. When the sensor runs
 * alone (`porteiro honeypot serve`) the count covers the whole process and must stay 0.
 */
export function watchOutbound(counters: Counters): () => void {
  const seen = () => counters.add("outbound_attempts");
  subscribe("net.client.socket", seen);
  return () => unsubscribe("net.client.socket", seen);
}
