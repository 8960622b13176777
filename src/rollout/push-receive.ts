/**
 * The coordinator's side of a signed push: who sent it (the organisation's registered key), that
 * nobody altered it (the signature over its canonical form), and that it is fresh (a timestamp
 * within the window and a nonce never seen before).
 */
import { z } from "zod";
import type { Store } from "../store/index.js";
import { RolloutError } from "./errors.js";
import { orgPublicKey } from "./orgs.js";
import { appendReports } from "./reports.js";
import { idSchema, measuresInput, parseInput } from "./schemas.js";
import { canonicalJson, keyFingerprint, verifyBody } from "./signing.js";

/** How far a push's timestamp may be from the coordinator's clock, either way. */
export const CLOCK_WINDOW_MS = 5 * 60_000;

export const signedBodySchema = z.strictObject({
  org: idSchema,
  /** When it was signed (ISO 8601, UTC). */
  timestamp: z.iso.datetime(),
  /** Random, once per push: a second push with the same one is a replay. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, { message: "expected 16-128 base64url characters" }),
  reports: z.array(measuresInput).min(1).max(500),
});
export type SignedBody = z.infer<typeof signedBodySchema>;

export interface SignedPush {
  readonly signed: SignedBody;
  /** Ed25519 over canonicalJson(signed), base64. */
  readonly signature: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Whether a request body is a signed push rather than a report typed in by a person. */
export const isSignedPush = (body: unknown): boolean => isObject(body) && "signature" in body;

export interface Accepted {
  readonly org: string;
  readonly reports: readonly number[];
}

export function receivePush(store: Store, envelope: unknown, nowMs = Date.now()): Accepted {
  if (!isObject(envelope) || !isObject(envelope.signed) || typeof envelope.signature !== "string")
    throw new RolloutError(400, "expected { signed: {...}, signature: base64 }");
  const { signed, signature } = envelope;
  const org = typeof signed.org === "string" ? signed.org : "";
  const key = orgPublicKey(store, org);
  if (!key)
    throw new RolloutError(401, `unknown organisation "${org.slice(0, 64)}" or no key registered for it`);
  if (!verifyBody(signed, signature, key))
    throw new RolloutError(401, `the signature does not verify with ${org}'s registered key: refused`);
  const body = parseInput(signedBodySchema, signed);
  const skew = Math.abs(nowMs - Date.parse(body.timestamp));
  if (skew > CLOCK_WINDOW_MS)
    throw new RolloutError(
      401,
      `the timestamp ${body.timestamp} is more than ${CLOCK_WINDOW_MS / 60_000} minutes from the coordinator's clock: refused`,
    );
  return store.transaction(() => {
    store.prepare("DELETE FROM rollout_push_nonces WHERE seen_ms < ?").run(nowMs - 2 * CLOCK_WINDOW_MS);
    const fresh = store
      .prepare(
        "INSERT INTO rollout_push_nonces (org_id, nonce, seen_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      )
      .run(body.org, body.nonce, nowMs);
    if (fresh.changes === 0) throw new RolloutError(409, "replayed: this push's nonce was already received");
    const reports = appendReports(
      store,
      {
        orgId: body.org,
        source: "pushed",
        submittedBy: `key ${keyFingerprint(key).slice(0, 16)}`,
        signedBody: canonicalJson(signed),
        signature,
      },
      body.reports,
    );
    return { org: body.org, reports };
  })();
}
