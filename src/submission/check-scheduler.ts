/**
 * Which queue a password check waits in: "clean" when neither the user nor the client network has
 * failed lately or has another check pending, "suspect" otherwise. Clean checks always go first.
 */
export type CheckLane = "clean" | "suspect";

export interface CheckSchedulerOptions {
  /** Checks running at once: libuv's thread pool (4 threads) runs scrypt, so more only queue there. */
  readonly concurrency: number;
  /** Checks waiting per lane; past it an attempt is refused unchecked, so memory stays bounded. */
  readonly maxQueuedPerLane: number;
}

/** 4 checks at once (the thread pool's size); 128 waiting per lane, about 1.6 s of 50 ms checks. */
export const DEFAULT_CHECK_SCHEDULER: CheckSchedulerOptions = { concurrency: 4, maxQueuedPerLane: 128 };

interface Waiting {
  readonly start: () => void;
}

/**
 * Password checks scheduled fairly: at most `concurrency` run at once, and those waiting go in two
 * lanes, FIFO within each, the clean lane always ahead of the suspect one. A flood of guesses from
 * many networks fills the suspect lane (each network's failures and concurrent attempts put it
 * there) while a legitimate login from a clean network is checked next.
 */
export class CheckScheduler {
  private running = 0;
  private readonly lanes: Record<CheckLane, Waiting[]> = { clean: [], suspect: [] };
  private readonly counts = {
    started: { clean: 0, suspect: 0 },
    refused: { clean: 0, suspect: 0 },
  };

  constructor(private readonly options: CheckSchedulerOptions = DEFAULT_CHECK_SCHEDULER) {
    if (!(options.concurrency >= 1) || !(options.maxQueuedPerLane >= 0)) {
      throw new Error("a check scheduler needs a concurrency of at least 1 and a queue bound of at least 0");
    }
  }

  /**
   * Runs `check` once a slot is free, its lane's turn come; or, when the lane's queue is full,
   * returns undefined at once without running it (the caller refuses the attempt unchecked).
   */
  schedule<T>(lane: CheckLane, check: () => Promise<T>): Promise<T> | undefined {
    const idle = this.running < this.options.concurrency && this.waiting === 0;
    if (!idle && this.lanes[lane].length >= this.options.maxQueuedPerLane) {
      this.counts.refused[lane]++;
      return undefined;
    }
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.counts.started[lane]++;
        let result: Promise<T>;
        try {
          result = check();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => {
          this.running--;
          this.next();
        });
      };
      if (idle) start();
      else this.lanes[lane].push({ start });
    });
  }

  /** Checks running now. */
  get active(): number {
    return this.running;
  }

  /** Checks waiting in a lane, or in both. */
  queued(lane?: CheckLane): number {
    return lane ? this.lanes[lane].length : this.waiting;
  }

  /** Checks started in a lane since the scheduler was made. */
  started(lane: CheckLane): number {
    return this.counts.started[lane];
  }

  /** Attempts refused unchecked because their lane was full. */
  refused(lane: CheckLane): number {
    return this.counts.refused[lane];
  }

  private get waiting(): number {
    return this.lanes.clean.length + this.lanes.suspect.length;
  }

  private next(): void {
    while (this.running < this.options.concurrency) {
      const waiting = this.lanes.clean.shift() ?? this.lanes.suspect.shift();
      if (!waiting) return;
      waiting.start();
    }
  }
}
