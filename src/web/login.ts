import { clientNetwork } from "../core/index.js";
import {
  AuthLockout,
  CheckScheduler,
  type CheckSchedulerOptions,
  DEFAULT_CHECK_SCHEDULER,
  DEFAULT_MAX_IN_FLIGHT_PER_CLIENT,
  isRefusal,
  type LockoutPolicy,
} from "../submission/index.js";
import type { OperatorStore } from "./operators.js";
import type { Session, SessionStore } from "./sessions.js";

/** 5 failures in 15 minutes for a name or from a client network lock it, 1 min doubling up to a day. */
export const DEFAULT_LOGIN_LOCKOUT: LockoutPolicy = {
  failures: 5,
  windowMs: 15 * 60_000,
  lockMs: 60_000,
  maxLockMs: 24 * 3_600_000,
  failureDelayMs: 500,
  maxInFlightPerClient: DEFAULT_MAX_IN_FLIGHT_PER_CLIENT,
};

export type LoginResult =
  | { readonly ok: true; readonly id: string; readonly session: Session }
  | { readonly ok: false; readonly reason: "invalid" }
  | { readonly ok: false; readonly reason: "locked" | "busy"; readonly retryAfterSeconds: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks a console login against the operators, with the same lockout as submission's AUTH. */
export class Logins {
  private readonly lockout: AuthLockout;
  /** Password checks run a few at a time, logins from clean networks and names first. */
  readonly checks: CheckScheduler;

  constructor(
    private readonly operators: OperatorStore,
    private readonly sessions: SessionStore,
    policy: LockoutPolicy = DEFAULT_LOGIN_LOCKOUT,
    scheduling: CheckSchedulerOptions = DEFAULT_CHECK_SCHEDULER,
  ) {
    this.lockout = new AuthLockout(policy);
    this.checks = new CheckScheduler(scheduling);
  }

  async attempt(username: string, password: string, ip: string): Promise<LoginResult> {
    const name = username.slice(0, 128);
    // Counted before the password is checked, so concurrent guesses cannot outrun the lock.
    const attempt = this.lockout.begin(name, clientNetwork(ip));
    if (isRefusal(attempt)) {
      return {
        ok: false,
        reason: attempt.reason,
        retryAfterSeconds: Math.max(1, Math.ceil((attempt.retryAt - Date.now()) / 1000)),
      };
    }
    const check = this.checks.schedule(attempt.lane, () =>
      this.operators.verify(name, password.slice(0, 1024)),
    );
    if (!check) {
      // Its lane's queue is full: refused unchecked, and counted as nothing.
      attempt.abandoned();
      return { ok: false, reason: "busy", retryAfterSeconds: 1 };
    }
    let operator: Awaited<ReturnType<OperatorStore["verify"]>>;
    try {
      operator = await check;
    } catch (error) {
      attempt.abandoned();
      throw error;
    }
    if (!operator) {
      await sleep(attempt.failed());
      return { ok: false, reason: "invalid" };
    }
    attempt.succeeded();
    return { ok: true, ...this.sessions.create(operator.username) };
  }
}
