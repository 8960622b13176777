import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { SimOptions } from "./options.js";

/** What the demo generator has done in a store (table demo_state, migration 010). */
export class DemoState {
  constructor(private readonly store: Store) {}

  /** The options of the first run in this store, if there was one. */
  options(): SimOptions | undefined {
    const value = this.get("options");
    if (value === undefined) return undefined;
    const { seed, scale, endDay } = JSON.parse(value) as { seed: number; scale: number; endDay: Day };
    return { seed, scale, endDay };
  }

  saveOptions(options: SimOptions): void {
    this.set("options", JSON.stringify(options));
  }

  done(step: string): boolean {
    return this.get(`step:${step}`) !== undefined;
  }

  /** Records a step as done; call it inside the transaction that wrote the step's data when there is one. */
  markDone(step: string): void {
    this.set(`step:${step}`, new Date().toISOString());
  }

  private get(key: string): string | undefined {
    const row = this.store.prepare("SELECT value FROM demo_state WHERE key = ?").pluck().get(key);
    return row === undefined ? undefined : String(row);
  }

  private set(key: string, value: string): void {
    this.store
      .prepare(
        "INSERT INTO demo_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }
}
