import { type Diagnostic, DiagnosticsError, UserError } from "../core/index.js";

/** Collects findings while a file is read, so one run reports every problem, not just the first. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];

  error(file: string, line: number, message: string): void {
    this.items.push({ file, line, severity: "error", message });
  }

  warn(file: string, line: number, message: string): void {
    this.items.push({ file, line, severity: "warning", message });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === "warning");
  }

  /** Runs a parse step; a UserError it throws becomes an error at `line`. */
  attempt<T>(file: string, line: number, step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (error instanceof UserError) {
        this.error(file, line, error.message);
        return undefined;
      }
      throw error;
    }
  }

  throwIfErrors(): void {
    if (this.hasErrors) {
      const sorted = [...this.items].sort((a, b) =>
        a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
      );
      throw new DiagnosticsError(sorted);
    }
  }
}
