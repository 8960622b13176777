import type { Endpoint } from "./endpoint.js";
import { UserError } from "./errors.js";

const REASONS: Record<string, string> = {
  EADDRINUSE: "the address is already in use (another porteiro, or another program?)",
  EACCES: "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
  EADDRNOTAVAIL: "no interface of this machine has that address",
};

/**
 * One line for a listener that cannot start: which listener, where, why in words, and the flag or
 * configuration key that moves it — the same shape for every service, never an errno dump.
 */
export function cannotListen(listener: string, endpoint: Endpoint, error: Error, change: string): UserError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const reason = REASONS[code] ?? error.message;
  return new UserError(
    `porteiro: cannot listen for ${listener} on ${host}:${endpoint.port}: ${reason}; ${change}`,
  );
}
