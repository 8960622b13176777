/** What one delivery attempt meant for one recipient. */
export interface RecipientOutcome {
  readonly recipient: string;
  readonly kind: "delivered" | "deferred" | "failed";
  /** The remote reply, or why no reply was had (connection refused, time-out, DNS). */
  readonly reply: string;
}

/** The parts of nodemailer's result and error objects that say how each recipient fared. */
interface SmtpReply {
  /** nodemailer's error kind: EAUTH (our login refused), EENVELOPE, EMESSAGE, ETLS … */
  readonly code?: string;
  readonly response?: string;
  readonly responseCode?: number;
  readonly message?: string;
  readonly accepted?: readonly unknown[];
  readonly rejectedErrors?: readonly (SmtpReply & { recipient?: string })[];
}

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ").trim();

function byCode(code: number | undefined): RecipientOutcome["kind"] {
  return code !== undefined && code >= 500 ? "failed" : "deferred";
}

/**
 * Reads a send's outcome per recipient: a recipient refused at RCPT has its own reply; the rest
 * share the reply to the message. Without any reply (a dropped connection) nothing is final.
 */
export function recipientOutcomes(
  recipients: readonly string[],
  result: { info: SmtpReply } | { error: SmtpReply },
): RecipientOutcome[] {
  const reply = "info" in result ? result.info : result.error;
  // A smarthost refusing our own login says nothing about the message: wait for the operator.
  if ("error" in result && result.error.code === "EAUTH") {
    const text = `smarthost login refused: ${oneLine(result.error.response ?? result.error.message ?? "")}`;
    return recipients.map((recipient) => ({ recipient, kind: "deferred", reply: text }));
  }
  const refused = new Map((reply.rejectedErrors ?? []).map((e) => [e.recipient ?? "", e]));
  return recipients.map((recipient) => {
    const own = refused.get(recipient);
    if (own) return { recipient, kind: byCode(own.responseCode), reply: oneLine(own.response ?? "") };
    if ("info" in result && (result.info.accepted ?? []).includes(recipient)) {
      return { recipient, kind: "delivered", reply: oneLine(result.info.response ?? "") };
    }
    if ("error" in result && result.error.responseCode !== undefined && !result.error.rejectedErrors) {
      return {
        recipient,
        kind: byCode(result.error.responseCode),
        reply: oneLine(result.error.response ?? ""),
      };
    }
    return { recipient, kind: "deferred", reply: oneLine(reply.response ?? reply.message ?? "no reply") };
  });
}

/** True when the attempt never got an SMTP reply, so another host of the domain may be tried. */
export function unanswered(error: SmtpReply): boolean {
  return error.responseCode === undefined;
}
