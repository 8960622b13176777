import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import { cannotListen, type Endpoint, type Logger } from "../core/index.js";
import { parseMailbox } from "./address.js";
import { type Authenticator, BackendUnavailableError, createAuthenticator } from "./auth/index.js";
import { AuthLockout, isRefusal } from "./auth-lockout.js";
import { coalesceWrites } from "./coalesced-writes.js";
import type { SubmissionConfig } from "./config.js";
import { scanDataFaster } from "./data-scanning.js";
import { type DkimKey, dkimSigningWriter, fromAddress, loadDkimKeys } from "./dkim.js";
import { envelopeAddress, inALabels } from "./envelope-address.js";
import { missingFields, receivedField } from "./headers.js";
import { messageRefusal } from "./message-refusals.js";
import { SubmissionMetrics } from "./metrics.js";
import { receiveMessage } from "./receive-message.js";
import { asksForAnotherIdentity } from "./sasl-identity.js";
import { SendingLimits } from "./sending-limits.js";
import { SessionLimits } from "./session-limits.js";
import type { Spool, SpooledMessage, SpoolWriter } from "./spool.js";
import { type AccountHold, maySendAs, type UserStore } from "./users.js";

export interface SubmissionOptions {
  readonly config: SubmissionConfig;
  readonly hostname: string;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer };
  readonly spool: Spool;
  readonly users: UserStore;
  readonly logger: Logger;
  /** Counters to move; a private set when not given. */
  readonly metrics?: SubmissionMetrics;
  /** Where logins are checked; made from `config.auth` when not given. */
  readonly authenticator?: Authenticator;
  /** Called once a message is durable and indexed, e.g. to hand it to delivery. */
  readonly onQueued?: (message: SpooledMessage, recipients: readonly string[]) => void;
}

export interface SubmissionService {
  /** Where the listeners are bound (port 0 in the config becomes the port picked). */
  readonly starttls: Endpoint;
  readonly implicitTls: Endpoint;
  /** Stops accepting, lets messages being received finish (bounded), closes the rest. */
  stop(): Promise<void>;
}

/** A reply the client sees: the SMTP code, and the RFC 3463 enhanced code leading the text. */
function reply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * The authenticated submission service (RFC 6409, RFC 8314): a STARTTLS listener and an
 * implicit-TLS one, AUTH only inside TLS, MAIL FROM limited to the user's own addresses, and
 * every accepted message durable in the spool before the client hears 250.
 */
export async function startSubmission(options: SubmissionOptions): Promise<SubmissionService> {
  const { config, hostname, spool, users, logger } = options;
  scanDataFaster();
  const metrics = options.metrics ?? new SubmissionMetrics();
  metrics.countHeldAccounts(() => users.heldCount());
  const dkimKeys = loadDkimKeys(config.dkim);
  const limits = new SessionLimits(config, hostname, metrics, logger);
  const lockout = new AuthLockout({
    failures: config.auth_lockout.failures,
    windowMs: config.auth_lockout.window * 60_000,
    lockMs: config.auth_lockout.lock * 60_000,
    maxLockMs: config.auth_lockout.max_lock * 60_000,
    failureDelayMs: config.auth_lockout.failure_delay_ms,
    maxInFlightPerClient: config.auth_lockout.max_in_flight_per_client,
  });
  /** Password checks run a few at a time, logins from clean networks and users first. */
  const authenticator = options.authenticator ?? createAuthenticator(config.auth, users, metrics);
  const sending = new SendingLimits({
    messages: {
      perMinute: config.limits.messages_per_minute,
      perHour: config.limits.messages_per_hour,
      perDay: config.limits.messages_per_day,
    },
    recipients: {
      perMinute: config.limits.recipients_per_minute,
      perHour: config.limits.recipients_per_hour,
      perDay: config.limits.recipients_per_day,
    },
    limitHits: config.hold.limit_hits,
    distinctDomains: config.hold.distinct_domains,
    flagWindowMs: config.hold.window * 60_000,
  });
  /** Holds this process has put on accounts, counted per account, so a session sees a new one. */
  const holdsPlaced = new Map<string, number>();
  /** Each session's account hold as of its MAIL FROM, and the count of holds placed then. */
  const holdAtMailFrom = new WeakMap<SMTPServerSession, { hold: AccountHold | null; placed: number }>();
  let stopping = false;
  let receiving = 0;
  let idle: (() => void) | undefined;

  const onConnect: SMTPServerOptions["onConnect"] = (session, callback) => {
    if (stopping) return callback(reply(421, `4.7.0 ${hostname} service shutting down`));
    const refusal = limits.admit(session);
    if (refusal) return callback(reply(421, refusal));
    // Until TLS is up AUTH is neither offered nor accepted, so no password crosses in clear.
    session.disabledCommands = session.secure ? [] : ["AUTH"];
    callback();
  };

  const onSecure: SMTPServerOptions["onSecure"] = (socket, session, callback) => {
    session.disabledCommands = [];
    coalesceWrites(socket);
    callback();
  };

  const onAuth: SMTPServerOptions["onAuth"] = (auth, session, callback) => {
    const username = auth.username ?? "";
    const client = session.remoteAddress;
    if (asksForAnotherIdentity(auth)) {
      metrics.reject("proxy_auth");
      logger.warn({ session: session.id, client, username, authzid: auth.authzid }, "login refused: authzid");
      return callback(reply(535, "5.7.8 Authorization identity must be empty or your own (RFC 4616)"));
    }
    // Counted before the password is checked, so parallel sessions cannot outrun the lock.
    const attempt = lockout.begin(username, limits.network(client));
    if (isRefusal(attempt)) {
      metrics.reject("lockout");
      logger.warn(
        { session: session.id, client, username, refusal: attempt.reason, until: new Date(attempt.retryAt) },
        "login refused unchecked",
      );
      return callback(
        reply(
          454,
          attempt.reason === "locked"
            ? "4.7.0 Too many failed logins; try again later"
            : "4.7.0 Too many logins in progress; try again later",
        ),
      );
    }
    const check = authenticator.check(attempt.lane, username, auth.password ?? "", client);
    if (!check) {
      attempt.abandoned();
      metrics.reject("lockout");
      logger.warn(
        { session: session.id, client, username, lane: attempt.lane },
        "login refused unchecked: queue full",
      );
      return callback(reply(454, "4.7.0 Too many logins in progress; try again later"));
    }
    check.then(
      (address) => {
        if (address) {
          attempt.succeeded();
          limits.loggedIn(session);
          logger.info({ session: session.id, client, user: address, method: auth.method }, "login");
          return callback(null, { user: address });
        }
        const delay = attempt.failed();
        metrics.reject("auth_failure");
        logger.warn({ session: session.id, client, username, method: auth.method }, "login failed");
        setTimeout(() => callback(reply(535, "5.7.8 Authentication credentials invalid")), delay).unref();
      },
      (error: Error) => {
        attempt.abandoned();
        if (error instanceof BackendUnavailableError) {
          metrics.reject("auth_unavailable");
          logger.error(
            { session: session.id, client, username, backend: error.backend, reason: error.message },
            "login not checked: authentication backend unavailable",
          );
        } else logger.error({ session: session.id, err: error }, "login check failed");
        callback(reply(454, "4.7.0 Temporary authentication failure"));
      },
    );
  };

  const onMailFrom: SMTPServerOptions["onMailFrom"] = (address, session, callback) => {
    const user = session.user ? authenticator.account(session.user as string) : undefined;
    if (!user) {
      metrics.reject("auth_required");
      return callback(reply(530, "5.7.0 Authentication required"));
    }
    if (user.suspended) {
      metrics.reject("suspended");
      logger.warn({ session: session.id, user: user.address }, "sender refused: account suspended");
      return callback(reply(550, "5.7.1 Account suspended"));
    }
    const sender = envelopeAddress(address.address, "sender", session.envelope.smtpUtf8 === true);
    if (!sender.ok) {
      metrics.reject(sender.reason);
      return callback(reply(sender.code, sender.text));
    }
    if (!maySendAs(user, sender.address)) {
      metrics.reject("sender_not_owned");
      logger.warn({ session: session.id, user: user.address, mailFrom: sender.address }, "sender refused");
      return callback(reply(550, `5.7.1 Sender address <${sender.address}> not owned by ${user.address}`));
    }
    const limit = sending.messageRefusal(user.address);
    // A limit hit may be the one that makes the account suspect.
    const hold = holdOnSuspicion(session.id, user.address, []) ?? user.hold;
    holdAtMailFrom.set(session, { hold, placed: holdsPlaced.get(user.address) ?? 0 });
    if (limit) return callback(limitReply(session.id, user.address, limit));
    if (hold && config.hold.action === "refuse") return callback(heldReply(session.id, user.address, hold));
    callback();
  };

  /**
   * Puts the account on hold in the store when a sign of compromise fires now, so the hold
   * outlives this process and every listener sees it; returns the hold then in force.
   */
  const holdOnSuspicion = (
    sessionId: string,
    username: string,
    recipients: readonly string[],
  ): AccountHold | null | undefined => {
    const suspicion = sending.suspicion(username, recipients);
    if (!suspicion) return undefined;
    if (users.hold(username, suspicion)) {
      holdsPlaced.set(username, (holdsPlaced.get(username) ?? 0) + 1);
      logger.warn({ session: sessionId, user: username, suspicion }, "account put on hold: compromised?");
    }
    return users.holdOf(username);
  };

  /**
   * The account's hold at the end of DATA: as read at MAIL FROM, unless a session of this
   * process has put the account on hold since, which reads it again. That spares a query per
   * message; an operator's hold or release counts from the next MAIL FROM.
   */
  const holdNow = (session: SMTPServerSession, username: string): AccountHold | null => {
    const seen = holdAtMailFrom.get(session);
    if (seen && seen.placed === (holdsPlaced.get(username) ?? 0)) return seen.hold;
    return users.holdOf(username);
  };

  const limitReply = (sessionId: string, username: string, limit: string) => {
    metrics.reject("rate_limit");
    logger.warn({ session: sessionId, user: username, limit }, "sending limit reached");
    return reply(451, `4.7.1 Sending limit reached (${limit}); try again later`);
  };

  const heldReply = (sessionId: string, username: string, hold: AccountHold) => {
    metrics.reject("held");
    logger.warn({ session: sessionId, user: username, hold: hold.reason }, "message refused: account held");
    return reply(451, `4.7.1 Account held for review (${hold.reason}); try again later`);
  };

  const onRcptTo: SMTPServerOptions["onRcptTo"] = (address, session, callback) => {
    const recipient = envelopeAddress(address.address, "recipient", session.envelope.smtpUtf8 === true);
    if (!recipient.ok) {
      metrics.reject(recipient.reason);
      return callback(reply(recipient.code, recipient.text));
    }
    try {
      parseMailbox(recipient.address);
    } catch {
      metrics.reject("bad_recipient");
      return callback(reply(501, `5.1.3 Bad recipient address syntax <${address.address}>`));
    }
    const pending = session.envelope.rcptTo.length;
    if (pending >= config.max_recipients) {
      metrics.reject("too_many_recipients");
      return callback(reply(452, `4.5.3 Too many recipients; at most ${config.max_recipients} per message`));
    }
    const limit = sending.recipientRefusal(session.user as string, pending);
    if (limit) return callback(limitReply(session.id, session.user as string, limit));
    callback();
  };

  const onData: SMTPServerOptions["onData"] = (stream, session, callback) => {
    receiving++;
    accept(stream, session)
      .then(
        (text) => callback(null, text),
        (error: Error) => callback(error),
      )
      .finally(() => {
        receiving--;
        if (receiving === 0) idle?.();
      });
  };

  const accept = async (
    stream: Parameters<NonNullable<SMTPServerOptions["onData"]>>[0],
    session: SMTPServerSession,
  ): Promise<string> => {
    const username = session.user as string;
    // Checked at MAIL FROM and RCPT TO, so each has a valid domain to give in A-labels.
    const spooled = (address: string) => inALabels(address) ?? address;
    const recipients = session.envelope.rcptTo.map((r) => spooled(r.address));
    const mailFrom = session.envelope.mailFrom ? spooled(session.envelope.mailFrom.address) : "";
    // The spool id exists only at commit, after the Received line is written; the log links the two.
    const traceId = `${session.id}.${session.transaction}`;
    let writer: SpoolWriter | undefined;
    try {
      writer = await spool.create();
      if (dkimKeys.size > 0) {
        // The signer's disk buffer sits in the spool's temp folder, which a restart empties.
        writer = dkimSigningWriter(writer, (block) => dkimKeyFor(username, block), join(spool.dir, "tmp"));
      }
      const date = new Date();
      const prefix = (headerBlock: string) =>
        receivedField({
          helo: session.hostNameAppearsAs || "unknown",
          ...(session.clientHostname.startsWith("[") ? {} : { reverseName: session.clientHostname }),
          clientAddress: session.remoteAddress,
          hostname,
          protocol: `ESMTP${session.secure ? "S" : ""}A`,
          id: traceId,
          username,
          recipients,
          ...(session.tlsOptions
            ? { tls: { version: session.tlsOptions.version, cipher: session.tlsOptions.name } }
            : {}),
          date,
        }) + missingFields(headerBlock, hostname, date);
      const received = await receiveMessage(stream, writer, prefix, config.max_line_length);
      if (!received.ok) {
        await writer.abort();
        const refusal = messageRefusal(received.reason, {
          maxMessageSize: config.max_message_size,
          maxLineLength: config.max_line_length,
        });
        metrics.reject(refusal.metric);
        logger.warn({ session: session.id, user: username, reason: received.reason }, "message refused");
        throw reply(refusal.code, refusal.text);
      }
      const hold = holdOnSuspicion(session.id, username, recipients) ?? holdNow(session, username);
      if (hold && config.hold.action === "refuse") {
        await writer.abort();
        throw heldReply(session.id, username, hold);
      }
      const message = await writer.commit(
        { username, mailFrom, recipients, clientAddress: session.remoteAddress },
        hold ? `compromised account? ${hold.reason}` : undefined,
      );
      sending.record(username, recipients);
      metrics.messagesAccepted.inc();
      metrics.recipientsAccepted.inc(recipients.length);
      logger[hold ? "warn" : "info"](
        {
          session: session.id,
          id: message.id,
          traceId,
          user: username,
          mailFrom,
          recipients: recipients.length,
          size: message.size,
          ...(hold ? { held: hold.reason } : {}),
        },
        hold ? "message held" : "message queued",
      );
      options.onQueued?.(message, recipients);
      return `2.0.0 Ok: queued as ${message.id}`;
    } catch (error) {
      if ((error as { responseCode?: number }).responseCode) throw error;
      await writer?.abort().catch(() => undefined);
      if (stream.destroyed && !stream.readableEnded) {
        logger.info({ session: session.id, user: username }, "client left in the middle of the message");
      } else logger.error({ session: session.id, err: error }, "message not queued");
      throw reply(451, "4.3.0 Local error in processing; try again later");
    }
  };

  /**
   * The key of the From: domain (what DMARC aligns DKIM with), when the user may send as that
   * address: the provider's keys never vouch for a From: its user does not own.
   */
  const dkimKeyFor = (username: string, headerBlock: string): DkimKey | undefined => {
    const from = fromAddress(headerBlock);
    const user = from ? authenticator.account(username) : undefined;
    if (!from || !user || !maySendAs(user, from)) return undefined;
    return dkimKeys.get(from.slice(from.lastIndexOf("@") + 1));
  };

  const onClose: SMTPServerOptions["onClose"] = (session) => limits.closed(session);

  // smtp-server's enhanced status codes stay off (its default): it would derive them from the
  // reply code alone (550 → 5.1.1, 451 → 4.3.0), so each reply here leads with its own instead.
  const build = (secure: boolean) => {
    const server = new SMTPServer({
      secure,
      name: hostname,
      key: options.tls.key,
      cert: options.tls.cert,
      minVersion: "TLSv1.2",
      authMethods: ["PLAIN", "LOGIN"],
      allowInsecureAuth: false,
      // onMailFrom refuses every unauthenticated sender itself (530 5.7.0), so each refusal is counted.
      authOptional: true,
      hideSTARTTLS: false,
      size: config.max_message_size,
      // A backstop behind SessionLimits: per listener, it also bounds TLS handshakes in progress.
      maxClients: config.max_connections * 2,
      socketTimeout: config.idle_timeout * 1000,
      closeTimeout: config.shutdown_grace * 1000,
      disableReverseLookup: !config.reverse_lookup,
      logger: false,
      onConnect,
      onSecure,
      onAuth,
      onMailFrom,
      onRcptTo,
      onData,
      onClose,
    });
    server.on("error", (error: Error) => logger.debug({ err: error }, "smtp connection error"));
    limits.watch(server, secure);
    return server;
  };

  const servers = [build(false), build(true)] as const;
  // The ports open only once a login can be checked at once.
  await authenticator.ready().catch(async (error: Error) => {
    await authenticator.close();
    throw error;
  });
  const bound = await Promise.all(
    [config.listen, config.listen_tls].map((endpoint, i) =>
      listen(servers[i] as SMTPServer, endpoint, i as 0 | 1),
    ),
  ).catch(async (error: Error) => {
    for (const server of servers) server.server.close();
    await authenticator.close();
    throw error;
  });

  return {
    starttls: bound[0] as Endpoint,
    implicitTls: bound[1] as Endpoint,
    stop: async () => {
      stopping = true;
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      if (receiving > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, config.shutdown_grace * 1000);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      // Whoever is left sits between messages: tell them and hang up rather than wait for them.
      for (const server of servers) {
        for (const connection of server.connections) {
          connection.send(421, `4.3.2 ${hostname} Service shutting down`);
          connection.close();
        }
      }
      await Promise.all(closed);
      await authenticator.close();
    },
  };
}

/** What each listener is called in a refusal to start, and what moves it. */
const LISTENERS = [
  ["submission (STARTTLS)", "change it with --listen HOST:PORT or submission.listen"],
  ["submission (implicit TLS)", "change it with --listen-tls HOST:PORT or submission.listen_tls"],
] as const;

function listen(server: SMTPServer, endpoint: Endpoint, which: 0 | 1): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const [listener, change] = LISTENERS[which];
    const fail = (error: Error) => reject(cannotListen(listener, endpoint, error, change));
    server.server.once("error", fail);
    server.listen(endpoint.port, endpoint.host, () => {
      server.server.off("error", fail);
      const address = server.server.address() as AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}
