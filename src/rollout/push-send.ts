import { UserError } from "../core/index.js";
import type { Accepted, SignedPush } from "./push-receive.js";

const REPORTS_PATH = "api/rollout/reports";

/** The coordinator's reports endpoint: a base URL gets /api/rollout/reports appended. */
export function reportsUrl(to: string): URL {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw new UserError(
      `"${to}" is not a URL; give the coordinator's address, like https://coordinator.example.org/`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UserError(`${to}: expected an http or https URL`);
  if (url.pathname.replace(/\/+$/, "").endsWith(`/${REPORTS_PATH}`)) return url;
  return new URL(REPORTS_PATH, url.href.endsWith("/") ? url.href : `${url.href}/`);
}

/** POSTs the push; a refusal becomes a one-line error with the coordinator's reason. */
export async function sendPush(url: URL, push: SignedPush, timeoutMs = 30_000): Promise<Accepted> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(push),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new UserError(`cannot reach ${url.href}: ${cause}`);
  }
  const text = await response.text();
  let answer: { error?: unknown } & Partial<Accepted> = {};
  try {
    answer = JSON.parse(text);
  } catch {
    // not JSON: the status says enough
  }
  if (response.status !== 201)
    throw new UserError(
      `${url.href} refused the push: ${response.status} ${typeof answer.error === "string" ? answer.error : response.statusText}`,
    );
  return answer as Accepted;
}
