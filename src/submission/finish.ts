import type { Logger } from "../core/index.js";
import { buildDsn, type FailedRecipient, readHeaderBlock } from "./dsn.js";
import type { Spool } from "./spool.js";

/** The account name a spooled DSN carries, as Postfix and sendmail call their bounces. */
const MAILER_DAEMON = "MAILER-DAEMON";

/**
 * Ends a message whose recipients are all final: spools a DSN to the sender for those that
 * failed, then removes the message. Returns true when a DSN was spooled. Nothing is sent back
 * to an empty sender (a DSN itself), so bounces never loop.
 */
export async function finishMessage(
  spool: Spool,
  id: string,
  reportingMta: string,
  logger: Logger,
): Promise<boolean> {
  const message = spool.message(id);
  if (!message) return false;
  const recipients = spool.recipients(id);
  if (recipients.some((r) => r.state === "queued")) return false;
  const failed: FailedRecipient[] = recipients.flatMap((r) =>
    r.state === "bounced" || r.state === "expired"
      ? [{ recipient: r.recipient, state: r.state, error: r.lastError }]
      : [],
  );
  let notified = false;
  if (failed.length > 0 && message.mailFrom !== "") {
    const originalHeaders = await readHeaderBlock(spool.pathOf(id)).catch(() => Buffer.alloc(0));
    const dsn = buildDsn({ reportingMta, original: message, failed, originalHeaders, now: new Date() });
    const writer = await spool.create();
    try {
      await writer.write(dsn);
      const spooled = await writer.commit({
        username: MAILER_DAEMON,
        mailFrom: "",
        recipients: [message.mailFrom],
        clientAddress: "127.0.0.1",
      });
      logger.info({ id, dsn: spooled.id, to: message.mailFrom, failed: failed.length }, "DSN spooled");
      notified = true;
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }
  // A cut between the DSN's commit and this removal sends the DSN twice, never zero times.
  spool.remove(id);
  return notified;
}
