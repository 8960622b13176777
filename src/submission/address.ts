import { UserError } from "../core/index.js";

const MAILBOX =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A mailbox as accounts and senders are written: local@domain, compared without case. */
export function parseMailbox(text: string): string {
  const address = text.trim();
  if (address.length > 254 || !MAILBOX.test(address)) throw new UserError(`"${text}" is not a mail address`);
  return address.toLowerCase();
}

/**
 * A sender pattern: a mailbox, or `*` in the local part (`*@example.net`, `sales-*@example.net`)
 * for every matching address of the domain.
 */
export function parseSenderPattern(text: string): string {
  const pattern = text.trim().toLowerCase();
  const at = pattern.lastIndexOf("@");
  if (at <= 0) throw new UserError(`"${text}" is not a sender pattern; expected user@domain or *@domain`);
  parseMailbox(`${pattern.slice(0, at).replace(/\*/g, "x")}${pattern.slice(at)}`);
  return pattern;
}

export function senderMatches(pattern: string, address: string): boolean {
  const candidate = address.toLowerCase();
  if (!pattern.includes("*")) return pattern === candidate;
  const [local = "", domain = ""] = [
    pattern.slice(0, pattern.lastIndexOf("@")),
    pattern.slice(pattern.lastIndexOf("@") + 1),
  ];
  const at = candidate.lastIndexOf("@");
  if (at < 0 || candidate.slice(at + 1) !== domain) return false;
  const regex = new RegExp(
    `^${local
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(candidate.slice(0, at));
}
