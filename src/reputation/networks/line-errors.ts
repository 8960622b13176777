import { type Diagnostic, DiagnosticsError } from "../../core/index.js";

/** Past this many, a file is plainly in another format: the rest are only counted. */
const SHOWN = 20;

/** Collects the bad lines of one file and fails the load with all of them at the end. */
export class LineErrors {
  private readonly shown: Diagnostic[] = [];
  private count = 0;

  constructor(private readonly file: string) {}

  add(line: number, message: string): void {
    this.count++;
    if (this.shown.length < SHOWN) this.shown.push({ file: this.file, line, severity: "error", message });
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const hidden = this.count - this.shown.length;
    const more: Diagnostic[] =
      hidden > 0
        ? [{ file: this.file, line: 0, severity: "error", message: `and ${hidden} more bad lines` }]
        : [];
    throw new DiagnosticsError([...this.shown, ...more]);
  }
}
