import type { SMTPServerAuthentication } from "smtp-server";

/**
 * True when an AUTH PLAIN asks to act as someone other than the user logging in: its
 * authorization identity is set and differs from the authentication identity (RFC 4616 §2).
 * porteiro has no proxy authorization, so such a login is refused; smtp-server itself would take
 * the authzid as the user when the authcid is empty, which this refuses too.
 */
export function asksForAnotherIdentity(auth: SMTPServerAuthentication): boolean {
  if (auth.method !== "PLAIN") return false;
  const authzid = (auth.authzid ?? "").trim().toLowerCase();
  return authzid !== "" && authzid !== (auth.authcid ?? "").trim().toLowerCase();
}
