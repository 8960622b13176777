/** A login a backend has verified. */
export interface VerifiedLogin {
  /** The account's address: the login itself, or what the backend says the login is. */
  readonly address: string;
  /** Sender patterns the backend grants besides the address (an LDAP attribute's values). */
  readonly senders: readonly string[];
  /**
   * The account's stored hash as it was when the password matched it (local backend), so a
   * cached login stands only while the hash is the same.
   */
  readonly storedHash?: string;
}

/** Where passwords are checked: porteiro's own accounts, Dovecot's auth service or an LDAP directory. */
export interface AuthBackend {
  readonly name: "local" | "dovecot" | "ldap";
  /** Checks in flight at once: the hash threads for local, more for a backend across the network. */
  readonly concurrency: number;
  /**
   * The login when the password is right, undefined when it is not; throws
   * BackendUnavailableError when the backend cannot answer.
   */
  verify(username: string, password: string, client: string): Promise<VerifiedLogin | undefined>;
  /** Resolves once the backend can check a login at once (its threads started). */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** The backend could not answer (socket or directory down, timeout): a temporary failure, 454. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: AuthBackend["name"],
    message: string,
  ) {
    super(message);
    this.name = "BackendUnavailableError";
  }
}
