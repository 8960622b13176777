import type { Connection } from "./connection.js";
import type { Destination } from "./parse-result.js";
import { emulateSmtp, type SmtpEmulatorOptions } from "./smtp-emulator.js";

/** Ports where a proxy client expects a mail server; 587 and 465 are served in clear. */
export const MAIL_PORTS: ReadonlySet<number> = new Set([25, 587, 465]);

export type MailServerOptions = Omit<SmtpEmulatorOptions, "bannerHost">;

/**
 * What a proxy does with a CONNECT: a mail port gets the emulated mail server (the caller has
 * already told the client the tunnel is up); any other port gets the caller's failure reply.
 * There is no third way: the sensor has no code that opens a connection to `destination`.
 */
export function routeTunnel(
  conn: Connection,
  destination: Destination,
  mail: MailServerOptions,
  replies: { granted: () => void; refused: () => void },
  leftover: Buffer,
): void {
  conn.session.destination = destination;
  if (!MAIL_PORTS.has(destination.port)) {
    conn.counters.add("proxy_requests_refused");
    replies.refused();
    return;
  }
  conn.counters.add("proxy_requests_to_mail");
  replies.granted();
  conn.session.path.push("smtp");
  emulateSmtp(conn, { ...mail, bannerHost: destination.host }, leftover);
}
