/**
 * An abuse report as a mailbox provider's feedback loop sends it: ARF (RFC 5965), a
 * multipart/report with a human part, the message/feedback-report and the spam's headers.
 */
import { dotted } from "./isp.js";
import type { Random } from "./random.js";

const REPORTERS = ["correio.example.com", "mail.example.net", "webmail.example.org"];
const SUBJECTS = [
  "Seu pacote está retido na alfândega",
  "Ganhe R$ 5.000 por semana trabalhando em casa",
  "Atualize seus dados bancários hoje",
  "Promoção imperdível: 90% de desconto",
  "Você foi sorteado!",
];

/** RFC 5322 date-time in UTC. */
const mailDate = (ms: number) => new Date(ms).toUTCString().replace("GMT", "+0000");

/** Encodes a header value with non-ASCII text as an RFC 2047 encoded word. */
const headerText = (text: string) =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;

export function arfReport(source: number, arrivalMs: number, serial: string, random: Random): string {
  const reporter = random.pick(REPORTERS);
  const ip = dotted(source);
  const subject = headerText(random.pick(SUBJECTS));
  const victim = `usuario${random.int(100_000)}@${reporter}`;
  const spammer = `promo${random.int(1000)}@ofertas-${random.int(50)}.example`;
  const boundary = `arf-${serial}`;
  const arrival = mailDate(arrivalMs);
  return [
    `From: FBL <fbl@${reporter}>`,
    `Date: ${mailDate(arrivalMs + random.between(60, 7200) * 1000)}`,
    `Subject: FW: ${subject}`,
    `To: <abuse@aurora.example>`,
    `Message-ID: <fbl-${serial}@${reporter}>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    'Content-Type: text/plain; charset="US-ASCII"',
    "",
    `This is an email abuse report for a message received from IP ${ip} on ${arrival}.`,
    "",
    `--${boundary}`,
    "Content-Type: message/feedback-report",
    "",
    "Feedback-Type: abuse",
    "User-Agent: SyntheticFBL/1.0",
    "Version: 1",
    `Original-Mail-From: <${spammer}>`,
    `Original-Rcpt-To: <${victim}>`,
    `Arrival-Date: ${arrival}`,
    `Reporting-MTA: dns; mx.${reporter}`,
    `Source-IP: ${ip}`,
    `Reported-Domain: ${spammer.split("@")[1]}`,
    "",
    `--${boundary}`,
    "Content-Type: text/rfc822-headers",
    "",
    `Received: from [${ip}] by mx.${reporter}; ${arrival}`,
    `From: <${spammer}>`,
    `To: <${victim}>`,
    `Subject: ${subject}`,
    `Message-ID: <${serial}@ofertas.example>`,
    `Date: ${arrival}`,
    "",
    `--${boundary}--`,
    "",
  ].join("\r\n");
}
