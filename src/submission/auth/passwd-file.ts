import { type Diagnostic, DiagnosticsError } from "../../core/index.js";
import { parseMailbox } from "../address.js";
import type { ImportedAccount } from "../users.js";
import { importedHashProblem } from "./password-schemes.js";

/**
 * The accounts of a Dovecot passwd-file: `address:{SCHEME}hash`, optionally followed by the
 * file's other colon-separated fields (uid, gid, home, extra fields), which are ignored. Blank
 * lines and `#` comments are skipped. Every bad line is reported as FILE:LINE; then nothing is
 * returned, so an import is all or nothing.
 */
export function parsePasswdFile(text: string, file: string): ImportedAccount[] {
  const accounts: ImportedAccount[] = [];
  const problems: Diagnostic[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const problem = lineProblem(raw, line);
    if (problem) problems.push({ file, line, severity: "error", message: problem });
  }
  if (problems.length > 0) throw new DiagnosticsError(problems);
  return accounts;

  /** Adds the line's account, or says what is wrong with it. */
  function lineProblem(raw: string, line: number): string | undefined {
    if (raw.trim() === "" || raw.trimStart().startsWith("#")) return undefined;
    const [user = "", hash = ""] = raw.split(":");
    let address: string;
    try {
      address = parseMailbox(user);
    } catch {
      return `"${user}" is not a mail address (lines are address:{SCHEME}hash)`;
    }
    const problem = hash === "" ? "no password hash after the address" : importedHashProblem(hash);
    if (problem) return `${address}: ${problem}`;
    const first = seen.get(address);
    if (first !== undefined) return `${address} is already on line ${first}`;
    seen.set(address, line);
    accounts.push({ address, hash });
    return undefined;
  }
}
