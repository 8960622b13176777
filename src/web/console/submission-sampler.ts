import type { Registry } from "prom-client";

/** The counters sampled: accepted messages, refusals per reason, delivery attempts per outcome. */
const COUNTERS = [
  "porteiro_submission_messages_accepted_total",
  "porteiro_submission_rejections_total",
  "porteiro_submission_deliveries_total",
];
const EVERY_MS = 60_000;
const KEEP = 24 * 60;

export interface Sample {
  readonly at: string;
  /** `accepted`, `rejected:<reason>`, `delivery:<outcome>` → the counter's value then. */
  readonly values: Readonly<Record<string, number>>;
}

async function read(registries: readonly Registry[]): Promise<Record<string, number>> {
  const values: Record<string, number> = {};
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      if (!COUNTERS.includes(metric.name)) continue;
      for (const v of metric.values) {
        const labels = v.labels as Record<string, string>;
        const name =
          metric.name === COUNTERS[0]
            ? "accepted"
            : metric.name === COUNTERS[1]
              ? `rejected:${labels.reason}`
              : `delivery:${labels.outcome}`;
        values[name] = (values[name] ?? 0) + v.value;
      }
    }
  }
  return values;
}

/**
 * The submission service's counters live in its process's memory, not the store: sampling them
 * each minute (for a day) is what lets the console draw its traffic over time.
 */
export class SubmissionSampler {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly registries: readonly Registry[]) {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), EVERY_MS);
    this.timer.unref();
  }

  async sample(): Promise<void> {
    this.samples.push({ at: new Date().toISOString(), values: await read(this.registries) });
    if (this.samples.length > KEEP) this.samples.shift();
  }

  /** The samples so far and the counters as they are now. */
  async current(): Promise<{ samples: readonly Sample[]; now: Record<string, number> }> {
    return { samples: this.samples, now: await read(this.registries) };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
