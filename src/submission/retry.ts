const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 3_600_000;

/**
 * How long to wait after the `attempts`-th failed try: 1 min, 2, 4 … capped at 1 h, give or take
 * a tenth so that messages deferred together do not all come back in the same second.
 */
export function retryDelay(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
  return Math.round(base * (0.9 + 0.2 * random()));
}
