import type { Destination } from "./parse-result.js";

export const LISTENERS = ["http", "socks4", "socks5", "smtp"] as const;
export type Listener = (typeof LISTENERS)[number];

export interface CapturedMessage {
  readonly receivedMs: number;
  readonly mailFrom: string;
  readonly recipients: readonly string[];
  readonly sha256: string;
  /** Bytes sent in DATA; the stored body is the first `storedSize` of them. */
  readonly size: number;
  readonly storedSize: number;
  readonly truncated: boolean;
  readonly fingerprint: string;
  readonly subjectPattern: string;
  readonly urls: readonly string[];
}

/** One connection to a listener, filled in as it goes and written when it ends. */
export interface CapturedSession {
  readonly startedMs: number;
  endedMs: number;
  readonly source: string;
  readonly sourcePort: number;
  readonly sensor: string;
  listener: Listener;
  /** Protocols in order: ["socks5", "smtp"] is shown as `socks5→smtp`. */
  readonly path: string[];
  destination?: Destination;
  proxyUser?: string;
  proxyPassword?: string;
  helo?: string;
  bytes: number;
  readonly messages: CapturedMessage[];
  outcome: string;
}

export const pathText = (path: readonly string[]): string => path.join("→");
