import type { SMTPServer } from "smtp-server";
import { Progress } from "./connection-limits.js";

type Connection = SMTPServer["connections"] extends Set<infer C> ? C : never;

export interface SessionGuardPolicy {
  /** Command lines a session may send before it logs in, those of AUTH exchanges included. */
  readonly commandsBeforeAuth: number;
  /** Time from the start of a session to its login. */
  readonly authTimeoutMs: number;
}

export type GuardLimit = "commands" | "time";

interface Waiting {
  readonly connection: Connection;
  commands: number;
  /** How far towards login it was last reported. */
  stage: Progress;
  readonly timer: NodeJS.Timeout;
}

/**
 * Bounds what a session may do before it logs in: how many commands it sends and how long it
 * takes. smtp-server's own count of unauthenticated commands is off with `authOptional` (which
 * lets onMailFrom answer 530 and count it), and it has no deadline, so a client sending NOOP
 * now and then would hold its slot for ever. Past either limit the session hears 421 and is
 * closed. The guard also closes a session on request, for a cap that needs its slot, and reports
 * how far each session gets before login (its first command inside TLS, its AUTH) for that cap
 * to pick which session gives way.
 */
export class SessionGuard {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly policy: SessionGuardPolicy,
    private readonly hostname: string,
    private readonly onLimit: (sessionId: string, limit: GuardLimit) => void,
    /** The session, not logged in, has got further: a command inside TLS, or AUTH. */
    private readonly onProgress: (sessionId: string, stage: Progress) => void = () => undefined,
  ) {}

  /**
   * Guards every session `server` opens from now on. smtp-server adds each session to its
   * `connections` set when it creates it, before any byte is read, and removes it on close.
   */
  watch(server: SMTPServer): void {
    const guard = this;
    server.connections = new (class extends Set<Connection> {
      override add(connection: Connection): this {
        guard.track(connection);
        return super.add(connection);
      }
      override delete(connection: Connection): boolean {
        guard.forget(connection.id);
        return super.delete(connection);
      }
    })(server.connections);
  }

  /** The session has logged in: no more counting, no deadline. */
  authenticated(sessionId: string): void {
    this.forget(sessionId);
  }

  /** Says why to a session not logged in yet and closes it. */
  end(sessionId: string, text: string): void {
    this.waiting.get(sessionId)?.connection.send(421, `4.7.0 ${this.hostname} ${text}`);
  }

  private track(connection: Connection): void {
    const id = connection.id;
    const timer = setTimeout(
      () => this.exceeded(id, "time", "Too slow to log in"),
      this.policy.authTimeoutMs,
    );
    timer.unref();
    this.waiting.set(id, { connection, commands: 0, stage: Progress.connected, timer });
    const run = connection._onCommand;
    connection._onCommand = (command, callback) => {
      const waiting = this.waiting.get(id);
      if (waiting && ++waiting.commands > this.policy.commandsBeforeAuth) {
        // Not run: the 421 closes the session, and its parser with it.
        this.exceeded(id, "commands", "Too many commands before login");
        return;
      }
      // Inside TLS (STARTTLS done, or port 465), and AUTH, which is only taken there.
      if (waiting && connection.secure && waiting.stage < Progress.authenticating) {
        const stage = /^AUTH(?: |$)/i.test(command.toString("latin1", 0, 5))
          ? Progress.authenticating
          : Progress.secured;
        if (stage > waiting.stage) {
          waiting.stage = stage;
          this.onProgress(id, stage);
        }
      }
      run.call(connection, command, callback);
    };
  }

  private exceeded(sessionId: string, limit: GuardLimit, text: string): void {
    if (!this.waiting.has(sessionId)) return;
    this.onLimit(sessionId, limit);
    this.end(sessionId, `${text}; closing`);
  }

  private forget(sessionId: string): void {
    const waiting = this.waiting.get(sessionId);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(sessionId);
  }
}
