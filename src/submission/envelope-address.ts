import { domainToASCII } from "node:url";

/** An address of MAIL FROM or RCPT TO in the form it is spooled and relayed in, or why it may not be. */
export type EnvelopeAddress =
  | { readonly ok: true; readonly address: string }
  | {
      readonly ok: false;
      readonly code: number;
      readonly text: string;
      readonly reason: "bad_address" | "smtputf8_required";
    };

const NON_ASCII = /[^\p{ASCII}]/u;

/** True when an address may only travel in an SMTPUTF8 transaction (RFC 6531). */
export function needsSmtpUtf8(address: string): boolean {
  return NON_ASCII.test(address);
}

/**
 * Checks an address as smtp-server decoded it, and gives its domain in A-labels (IDNA), which
 * every hop understands, so that only a non-ASCII local part needs SMTPUTF8. smtp-server decodes
 * the command as UTF-8 and turns A-labels into U-labels: invalid UTF-8 shows as U+FFFD (refused,
 * as no mailbox holds one), and a U-label domain cannot be told from an A-label one, so both are
 * taken. A non-ASCII local part without SMTPUTF8 on MAIL FROM is refused with RFC 6531's 553 5.6.7.
 */
export function envelopeAddress(
  address: string,
  role: "sender" | "recipient",
  smtpUtf8: boolean,
): EnvelopeAddress {
  const status = role === "sender" ? "5.1.7" : "5.1.3";
  if (address.includes("\ufffd")) {
    return { ok: false, code: 501, text: `${status} Address is not valid UTF-8`, reason: "bad_address" };
  }
  const spooled = inALabels(address);
  if (spooled === undefined) {
    return { ok: false, code: 501, text: `${status} Bad domain in address`, reason: "bad_address" };
  }
  if (needsSmtpUtf8(spooled) && !smtpUtf8) {
    return {
      ok: false,
      code: 553,
      text: "5.6.7 A non-ASCII address needs SMTPUTF8 on MAIL FROM (RFC 6531)",
      reason: "smtputf8_required",
    };
  }
  return { ok: true, address: spooled };
}

/** The address with its domain in A-labels (an address literal as it is); undefined when not a valid IDN. */
export function inALabels(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  const domain = address.slice(at + 1);
  if (at === -1 || domain.startsWith("[")) return address;
  const ascii = domainToASCII(domain);
  return ascii === "" ? undefined : `${address.slice(0, at)}@${ascii}`;
}
