/** An error the user caused (bad flag, unreadable file): printed as one line, never as a stack trace. */
export class UserError extends Error {
  override name = "UserError";
}

export type Severity = "error" | "warning";

/** A finding tied to a place in an input file, printed as `file:line: message`. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly severity: Severity;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}` : d.file;
  return d.severity === "warning" ? `${where}: warning: ${d.message}` : `${where}: ${d.message}`;
}

/** One or more errors found in an input file; carries the warnings found alongside them. */
export class DiagnosticsError extends UserError {
  override name = "DiagnosticsError";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
  }
}
