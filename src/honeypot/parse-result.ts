/**
 * What a handshake parser makes of the bytes received so far: not enough yet, a request it
 * rejects, or a value and how many bytes it used (the rest belong to the next stage).
 */
export type Parsed<T> =
  | { readonly status: "more" }
  | { readonly status: "bad"; readonly reason: string }
  | { readonly status: "done"; readonly value: T; readonly used: number };

export const MORE = { status: "more" } as const;

export function bad(reason: string): { readonly status: "bad"; readonly reason: string } {
  return { status: "bad", reason };
}

/** Where a proxy client asked to go. */
export interface Destination {
  readonly host: string;
  readonly port: number;
}
