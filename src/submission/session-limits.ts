import type { SMTPServer, SMTPServerSession } from "smtp-server";
import { clientNetwork, type Logger } from "../core/index.js";
import type { SubmissionConfig } from "./config.js";
import { ConnectionLimits, Progress } from "./connection-limits.js";
import { guardHandshakes } from "./handshake-guard.js";
import type { SubmissionMetrics } from "./metrics.js";
import { SessionGuard } from "./session-guard.js";

/**
 * The limits on sessions of both listeners, from the config: the caps on open sessions
 * (connection-limits.ts), what a session may do before it logs in (session-guard.ts), and the
 * TLS handshakes of the implicit-TLS port (handshake-guard.ts); with their refusals counted and logged.
 */
export class SessionLimits {
  private readonly connections: ConnectionLimits;
  private readonly guard: SessionGuard;

  constructor(
    private readonly config: SubmissionConfig,
    private readonly hostname: string,
    private readonly metrics: SubmissionMetrics,
    private readonly logger: Logger,
  ) {
    this.connections = new ConnectionLimits({
      total: config.max_connections,
      perNetwork: config.max_connections_per_ip,
      unauthenticated: Math.max(1, Math.floor(config.max_connections * config.unauthenticated_share)),
    });
    this.guard = new SessionGuard(
      { commandsBeforeAuth: config.max_commands_before_auth, authTimeoutMs: config.auth_timeout * 1000 },
      hostname,
      (session, limit) => {
        metrics.reject(limit === "commands" ? "pre_auth_commands" : "pre_auth_timeout");
        logger.warn({ session, limit }, "session closed before login");
      },
      (session, stage) => this.connections.progressed(session, stage),
    );
  }

  /** The network a client is counted by, here and for login lockouts. */
  network(address: string): string {
    return clientNetwork(address, this.config.client_prefix_v6);
  }

  /** Puts the server's sessions, and with `implicitTls` its handshakes, under the limits. */
  watch(server: SMTPServer, implicitTls: boolean): void {
    this.guard.watch(server);
    if (!implicitTls) return;
    guardHandshakes(
      server,
      {
        total: Math.max(1, Math.floor(this.config.max_connections * this.config.tls_handshake_share)),
        perNetwork: this.config.max_connections_per_ip,
        timeoutMs: this.config.tls_handshake_timeout * 1000,
        networkOf: (address) => this.network(address),
        loggedInFrom: (network) => this.connections.loggedInFrom(network),
      },
      (client, why) => {
        this.metrics.reject(why === "timeout" ? "handshake_timeout" : "connection_limit");
        this.logger.warn({ client, refusal: why }, "TLS handshake cut");
      },
    );
  }

  /** Admits a new session, making room if need be; or the 421 text that refuses it. */
  admit(session: SMTPServerSession): string | undefined {
    const admission = this.connections.admit(
      session.id,
      this.network(session.remoteAddress),
      session.secure ? Progress.secured : Progress.connected,
    );
    if (!admission.admitted) {
      this.metrics.reject("connection_limit");
      this.logger.warn(
        { session: session.id, client: session.remoteAddress, refusal: admission.refusal },
        "connection refused",
      );
      return `4.7.0 ${this.hostname} ${admission.refusal}`;
    }
    if (admission.evict !== undefined) {
      this.metrics.reject("pre_auth_evicted");
      this.logger.warn(
        { session: admission.evict, for: session.id },
        "session not logged in closed to make room",
      );
      this.guard.end(admission.evict, "Too many sessions waiting to log in; yours had got least far");
    }
    return undefined;
  }

  loggedIn(session: SMTPServerSession): void {
    this.connections.authenticated(session.id);
    this.guard.authenticated(session.id);
  }

  closed(session: SMTPServerSession): void {
    this.connections.release(session.id);
  }
}
