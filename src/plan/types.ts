import type { Day, Prefix } from "../core/index.js";

export const POOL_KINDS = ["dynamic", "static", "infrastructure"] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

export const ACTIONS = ["reject", "drop"] as const;
/** reject answers with a TCP reset so clients fail fast; drop stays silent. */
export type Action = (typeof ACTIONS)[number];

/** Where a plan element was written, for `file:line` messages. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

export interface Region {
  readonly id: string;
  readonly name: string;
  readonly observeFrom?: Day;
  readonly enforceFrom: Day;
  readonly source: SourceRef;
}

export interface Pool {
  readonly prefix: Prefix;
  readonly kind: PoolKind;
  /** Required for dynamic pools; optional for the others. */
  readonly region?: string;
  readonly name: string;
  readonly source: SourceRef;
}

export interface PlanException {
  readonly prefix: Prefix;
  readonly reason: string;
  /** Last day (inclusive) the exception holds; absent means it does not expire. */
  readonly until?: Day;
  readonly source: SourceRef;
}

export interface Plan {
  readonly file: string;
  readonly isp: { readonly name: string; readonly asn?: number; readonly country?: string };
  readonly action: Action;
  readonly relays: readonly Prefix[];
  readonly allowRelaysOn25: boolean;
  readonly regions: readonly Region[];
  readonly pools: readonly Pool[];
  readonly exceptions: readonly PlanException[];
}

/** A region's phase on a day: open → observe (count, don't block) → enforce (block). */
export type Phase = "open" | "observe" | "enforce";
