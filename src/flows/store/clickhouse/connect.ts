/**
 * The HTTP client for a clickhouse:// URL, and the one-line reason a user reads when the server
 * cannot be reached or refuses porteiro (never the client's stack or its own logging).
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { UserError } from "../../../core/index.js";
import type { FlowStoreUrl } from "../url.js";

export type ClickHouseUrl = Extract<FlowStoreUrl, { engine: "clickhouse" }>;

/** ClickHouse error codes a user fixes (credentials, rights, a read-only user): not porteiro's bugs. */
const USER_FIXABLE_CODES = new Set(["164", "192", "193", "194", "195", "497", "516"]);

/** Network failures: the server is down, unknown, or does not speak HTTP on that port. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "HPE_INVALID_CONSTANT",
]);

export function connect(url: ClickHouseUrl): ClickHouseClient {
  return createClient({
    url: url.endpoint,
    username: url.username,
    password: url.password,
    // Queries name their database: the database may not exist before the schema is made.
    database: "default",
    application: "porteiro",
    // A year's GROUP BY on a large ISP can take a while before its first byte.
    request_timeout: 600_000,
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
}

/**
 * The error's code: the client's own, a network code, or the number a ClickHouse exception
 * starts with (the client does not parse 18.16's `Code: N, e.displayText() = …` form).
 */
function codeOf(error: Error): string {
  const own = (error as { code?: unknown }).code;
  if (typeof own === "string" && own !== "") return own;
  return /^Code: (\d+)/.exec(error.message)?.[1] ?? "";
}

/** ClickHouse's message without its `Code: N, e.displayText() = DB::Exception:` wrapping. */
function reasonOf(error: Error): string {
  const text = error.message
    .replace(/^Code: \d+, e\.displayText\(\) = DB::Exception: /, "")
    .replace(/, e\.what\(\) = DB::Exception\s*$/, "")
    .split("\n")[0]
    ?.trim();
  return text || error.name;
}

/** Any failure at open is the URL's or the server's setting (the schema's SQL is tested): one line. */
export function explainOpen(error: unknown, url: ClickHouseUrl): UserError {
  const explained = explain(error, url);
  if (explained instanceof UserError) return explained;
  return new UserError(
    `flows store ${url.display}: ${explained instanceof Error ? reasonOf(explained) : String(explained)}`,
  );
}

/**
 * A UserError naming the store for what the user can fix (server unreachable, credentials,
 * rights); anything else is rethrown as it is, being a bug rather than a setting.
 */
export function explain(error: unknown, url: ClickHouseUrl): unknown {
  if (!(error instanceof Error) || error instanceof UserError) return error;
  const code = codeOf(error);
  if (NETWORK_CODES.has(code))
    return new UserError(`flows store ${url.display}: cannot reach ClickHouse (${code}: ${reasonOf(error)})`);
  if (USER_FIXABLE_CODES.has(code) || /timeout/i.test(error.message)) {
    return new UserError(`flows store ${url.display}: ${reasonOf(error)}`);
  }
  return error;
}
