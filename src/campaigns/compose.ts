/**
 * A notice as the bytes the spool takes: UTF-8 throughout, headers encoded per RFC 2047, the text
 * and HTML bodies quoted-printable (nodemailer's composer picks base64 where that is shorter), a
 * Message-ID of its own, and the marks of an automatic service message (RFC 3834) rather than of
 * a mailing: no List-*, no Precedence: bulk.
 */
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { RenderedNotice } from "./templates.js";

export interface NoticeEnvelope {
  readonly from: string;
  readonly fromName: string;
  readonly to: string;
  readonly toName: string;
  readonly messageId: string;
  readonly language: string;
  readonly date: Date;
}

export function composeNotice(envelope: NoticeEnvelope, notice: RenderedNotice): Promise<Buffer> {
  const mail = new MailComposer({
    from: { name: envelope.fromName, address: envelope.from },
    to: envelope.toName ? { name: envelope.toName, address: envelope.to } : envelope.to,
    subject: notice.subject,
    text: notice.text,
    html: notice.html,
    messageId: envelope.messageId,
    date: envelope.date,
    textEncoding: "quoted-printable",
    headers: { "Auto-Submitted": "auto-generated", "Content-Language": envelope.language },
  });
  return mail.compile().build();
}
