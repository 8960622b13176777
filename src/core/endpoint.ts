import { isIP } from "node:net";
import { z } from "zod";
import { UserError } from "./errors.js";

/** Where a service listens or a peer is reached. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** `HOST:PORT`, an IPv6 host in brackets (`[::1]:2587`); port 0 picks a free one. */
export function parseEndpoint(text: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || !host || port > 65535 || (match[1] !== undefined && isIP(host) !== 6)) {
    throw new UserError(`"${text}" is not HOST:PORT (an IPv6 host goes in brackets: [::1]:2587)`);
  }
  return { host, port };
}

/** A `HOST:PORT` text in porteiro.yaml, as an Endpoint; a bad one is a schema error at its line. */
export const endpointSchema = z.string().transform((text, ctx) => {
  try {
    return parseEndpoint(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});
