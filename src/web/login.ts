import { AuthLockout, clientKey, type LockoutPolicy } from "../submission/index.js";
import type { OperatorStore } from "./operators.js";
import type { Session, SessionStore } from "./sessions.js";

/** 5 failures in 15 minutes for a name or from an address (an IPv6 /64) lock it, 1 min doubling up to a day. */
export const DEFAULT_LOGIN_LOCKOUT: LockoutPolicy = {
  failures: 5,
  windowMs: 15 * 60_000,
  lockMs: 60_000,
  maxLockMs: 24 * 3_600_000,
  failureDelayMs: 500,
};

export type LoginResult =
  | { readonly ok: true; readonly id: string; readonly session: Session }
  | { readonly ok: false; readonly reason: "invalid" }
  | { readonly ok: false; readonly reason: "locked"; readonly retryAfterSeconds: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks a console login against the operators, with the same lockout as submission's AUTH. */
export class Logins {
  private readonly lockout: AuthLockout;

  constructor(
    private readonly operators: OperatorStore,
    private readonly sessions: SessionStore,
    policy: LockoutPolicy = DEFAULT_LOGIN_LOCKOUT,
  ) {
    this.lockout = new AuthLockout(policy);
  }

  async attempt(username: string, password: string, ip: string): Promise<LoginResult> {
    const client = clientKey(ip);
    const name = username.slice(0, 128);
    const locked = this.lockout.lockedUntil(name, client);
    if (locked !== undefined) {
      return { ok: false, reason: "locked", retryAfterSeconds: Math.ceil((locked - Date.now()) / 1000) };
    }
    const operator = await this.operators.verify(name, password.slice(0, 1024));
    if (!operator) {
      await sleep(this.lockout.fail(name, client));
      return { ok: false, reason: "invalid" };
    }
    this.lockout.succeed(name);
    return { ok: true, ...this.sessions.create(operator.username) };
  }
}
