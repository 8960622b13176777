import { type Day, tryParseDay } from "../../core/index.js";

/** A 400 with a message for the person or script that asked. */
export function badRequest(message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode: 400 });
}

export type Query = Record<string, unknown>;

const text = (query: Query, name: string): string | undefined => {
  const value = query[name];
  return typeof value === "string" && value !== "" ? value : undefined;
};

export function dayParam(query: Query, name: string): Day | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const day = tryParseDay(value);
  if (!day) throw badRequest(`${name}: expected a date YYYY-MM-DD`);
  return day;
}

export function choiceParam<T extends string>(
  query: Query,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = text(query, name) ?? fallback;
  if (!(choices as readonly string[]).includes(value))
    throw badRequest(`${name}: expected one of ${choices.join(", ")}`);
  return value as T;
}

export function stringParam(query: Query, name: string, maxLength = 200): string | undefined {
  const value = text(query, name);
  if (value !== undefined && value.length > maxLength) throw badRequest(`${name}: too long`);
  return value;
}

export function intParam(query: Query, name: string, fallback: number, max: number): number {
  const value = text(query, name);
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) > max)
    throw badRequest(`${name}: expected a whole number from 0 to ${max}`);
  return Number(value);
}

/** [since 00:00, until+1 00:00) in UTC milliseconds, either end open. */
export function dayWindow(
  since: Day | undefined,
  until: Day | undefined,
): { sinceMs?: number; untilMs?: number } {
  if (since && until && until < since) throw badRequest(`until ${until} is before since ${since}`);
  return {
    ...(since ? { sinceMs: Date.parse(`${since}T00:00:00Z`) } : {}),
    ...(until ? { untilMs: Date.parse(`${until}T00:00:00Z`) + 86_400_000 } : {}),
  };
}
