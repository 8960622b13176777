import { statSync } from "node:fs";
import { type Logger, UserError } from "../core/index.js";
import { loadPlan, type Plan } from "../plan/index.js";

/**
 * The plan as the file says now: checked (one stat) on each call and re-read when its size or
 * time changed, so an operator's edit or the demo's generated plan shows without a restart.
 * A plan that fails to load keeps the last good one in use and the reason in `problem`.
 */
export class PlanSource {
  private plan: Plan | undefined;
  private seen = "";
  private reason: string | undefined;

  constructor(
    readonly file: string | undefined,
    private readonly logger: Logger,
  ) {}

  current(): Plan | undefined {
    if (!this.file) return undefined;
    let stamp: string;
    try {
      const stat = statSync(this.file);
      stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      this.reason = `${this.file}: no such file`;
      return this.plan;
    }
    if (stamp === this.seen) return this.plan;
    this.seen = stamp;
    try {
      this.plan = loadPlan(this.file).plan;
      this.reason = undefined;
      this.logger.info({ file: this.file }, "plan loaded");
    } catch (error) {
      this.reason = error instanceof UserError ? error.message : `${this.file}: cannot load the plan`;
      this.logger.warn(
        { file: this.file, reason: this.reason },
        "plan not loaded; keeping the last good one",
      );
    }
    return this.plan;
  }

  /** Why the file's current content is not the plan in use, if it is not. */
  get problem(): string | undefined {
    return this.reason;
  }
}
