/** Messages between the hash pool and its threads. */
export type HashJob =
  | { readonly id: number; readonly op: "verify"; readonly stored: string; readonly password: string }
  | { readonly id: number; readonly op: "hash"; readonly password: string; readonly log2N: number };

/** What a thread posts once it listens for jobs, before any result. */
export const HASH_THREAD_READY = "ready";

export type HashResult =
  | { readonly id: number; readonly ok: true; readonly value: boolean | string }
  | { readonly id: number; readonly ok: false; readonly error: string };
