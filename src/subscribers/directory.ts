/**
 * The subscriber directory: the ISP's customer export (CSV with a header naming at least
 * `subscriber` and `email`, optionally `name` and `language`; other columns ignored), keyed by the
 * subscriber ids the leases carry. A bad line is reported as `file:line: reason` and skipped; the
 * good ones land in one transaction, so a file is never half-imported.
 */
import { readFileSync } from "node:fs";
import { type Diagnostic, UserError } from "../core/index.js";
import type { Store } from "../store/index.js";
import { csvRecords, isProblem } from "./csv-records.js";

export interface DirectoryEntry {
  readonly subscriber: string;
  readonly email: string;
  readonly name: string;
  readonly language: string;
  /** When a notice to the address bounced; null while it is good. */
  readonly email_bad_since: string | null;
  readonly email_bad_reason: string | null;
}

export interface DirectoryImport {
  readonly imported: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Entries dropped by --replace because the file no longer names them. */
  readonly removed: number;
  readonly diagnostics: readonly Diagnostic[];
}

const REQUIRED = ["subscriber", "email"] as const;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;
/** An address a notice can go to: one @, a dotted domain, no spaces or controls, at most 254 characters. */
const MAILBOX =
  /^[^\s@"<>()[\]\\,;:\p{Cc}]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

export function emailProblem(email: string): string | undefined {
  if (email === "") return "no e-mail address";
  if (email.length > 254 || !MAILBOX.test(email)) return `not an e-mail address: ${JSON.stringify(email)}`;
  return undefined;
}

/** Reads the file (UTF-8) and imports its good lines; --replace drops the subscribers it does not name. */
export function importDirectory(
  store: Store,
  file: string,
  options: { replace?: boolean } = {},
): DirectoryImport {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const { rows, diagnostics } = parseDirectory(text, file);
  const now = new Date().toISOString();
  const existing = store.prepare(
    "SELECT email, name, language FROM subscriber_directory WHERE subscriber = ?",
  );
  const upsert = store.prepare(
    `INSERT INTO subscriber_directory (subscriber, email, name, language, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (subscriber) DO UPDATE SET
       email_bad_since = CASE WHEN email = excluded.email THEN email_bad_since END,
       email_bad_reason = CASE WHEN email = excluded.email THEN email_bad_reason END,
       email = excluded.email, name = excluded.name, language = excluded.language,
       updated_at = excluded.updated_at`,
  );
  return store.transaction(() => {
    let imported = 0;
    let updated = 0;
    let unchanged = 0;
    let removed = 0;
    if (options.replace) {
      store.exec("CREATE TEMP TABLE IF NOT EXISTS directory_kept (subscriber TEXT PRIMARY KEY)");
      store.exec("DELETE FROM directory_kept");
      const keep = store.prepare("INSERT OR IGNORE INTO directory_kept VALUES (?)");
      for (const row of rows) keep.run(row.subscriber);
      removed = store
        .prepare(
          "DELETE FROM subscriber_directory WHERE subscriber NOT IN (SELECT subscriber FROM directory_kept)",
        )
        .run().changes;
      store.exec("DELETE FROM directory_kept");
    }
    for (const row of rows) {
      const before = existing.get(row.subscriber) as
        | { email: string; name: string; language: string }
        | undefined;
      if (
        before &&
        before.email === row.email &&
        before.name === row.name &&
        before.language === row.language
      ) {
        unchanged++;
        continue;
      }
      upsert.run(row.subscriber, row.email, row.name, row.language, now);
      if (before) updated++;
      else imported++;
    }
    return { imported, updated, unchanged, removed, diagnostics };
  })();
}

interface DirectoryRow {
  readonly subscriber: string;
  readonly email: string;
  readonly name: string;
  readonly language: string;
}

/** The file's good rows and a diagnostic per bad line; a file without the header is refused whole. */
export function parseDirectory(
  text: string,
  file: string,
): { rows: DirectoryRow[]; diagnostics: Diagnostic[] } {
  const rows: DirectoryRow[] = [];
  const diagnostics: Diagnostic[] = [];
  const bad = (line: number, message: string) => diagnostics.push({ file, line, severity: "error", message });
  const seen = new Map<string, number>();
  let columns: Map<string, number> | undefined;
  for (const record of csvRecords(text)) {
    if (isProblem(record)) {
      if (!columns) throw new UserError(`${file}:${record.line}: ${record.problem}`);
      bad(record.line, record.problem);
      continue;
    }
    if (!columns) {
      columns = new Map(record.fields.map((f, i) => [f.trim().toLowerCase(), i]));
      const missing = REQUIRED.filter((c) => !columns?.has(c));
      if (missing.length > 0)
        throw new UserError(
          `${file}:${record.line}: the header must name ${missing.join(" and ")} (subscriber,email,name,language)`,
        );
      continue;
    }
    const field = (name: string) => {
      const at = columns?.get(name);
      return at === undefined ? "" : (record.fields[at] ?? "").trim();
    };
    const subscriber = field("subscriber");
    const email = field("email");
    const language = field("language");
    const problem =
      subscriber === ""
        ? "no subscriber id"
        : (emailProblem(email) ??
          (language !== "" && !LANGUAGE.test(language)
            ? `not a language tag: ${JSON.stringify(language)} (e.g. pt-BR, es, en)`
            : seen.has(subscriber)
              ? `subscriber ${JSON.stringify(subscriber)} is already on line ${seen.get(subscriber)}`
              : undefined));
    if (problem) {
      bad(record.line, problem);
      continue;
    }
    seen.set(subscriber, record.line);
    rows.push({ subscriber, email, name: field("name"), language });
  }
  if (!columns) throw new UserError(`${file}: empty; expected a header subscriber,email,name,language`);
  return { rows, diagnostics };
}

export interface DirectoryListOptions {
  readonly limit?: number;
  /** Only subscribers after this id (the previous page's last). */
  readonly after?: string;
}

export function listDirectory(store: Store, options: DirectoryListOptions = {}): DirectoryEntry[] {
  return store
    .prepare(
      `SELECT subscriber, email, name, language, email_bad_since, email_bad_reason FROM subscriber_directory
       WHERE subscriber > ? ORDER BY subscriber LIMIT ?`,
    )
    .all(options.after ?? "", options.limit ?? -1) as DirectoryEntry[];
}

/** Directory entries by subscriber id, for the ids asked (at most 999 per query). */
export function directoryEntries(store: Store, subscribers: readonly string[]): Map<string, DirectoryEntry> {
  const found = new Map<string, DirectoryEntry>();
  for (let i = 0; i < subscribers.length; i += 500) {
    const ids = subscribers.slice(i, i + 500);
    const rows = store
      .prepare(
        `SELECT subscriber, email, name, language, email_bad_since, email_bad_reason FROM subscriber_directory
         WHERE subscriber IN (${ids.map(() => "?").join(",")})`,
      )
      .all(...ids) as DirectoryEntry[];
    for (const row of rows) found.set(row.subscriber, row);
  }
  return found;
}

/** Marks an address bad (a notice to it bounced); returns how many subscribers had it. */
export function markEmailBad(store: Store, email: string, reason: string, at = new Date()): number {
  return store
    .prepare(
      `UPDATE subscriber_directory SET email_bad_since = ?, email_bad_reason = ?
       WHERE email = ? COLLATE NOCASE AND email_bad_since IS NULL`,
    )
    .run(at.toISOString(), reason, email).changes;
}
