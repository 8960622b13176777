import { isIP, connect as netConnect } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { Client, InvalidCredentialsError, ResultCodeError, SizeLimitExceededError } from "ldapts";
import { parseMailbox } from "../address.js";
import { type AuthBackend, BackendUnavailableError, type VerifiedLogin } from "./backend.js";
import { LdapPool } from "./ldap-pool.js";
import { escapeDnValue, escapeFilterValue, fillTemplate } from "./ldap-template.js";

export interface LdapBackendOptions {
  /** The directory: ldaps://, or ldap:// upgraded with StartTLS before anything else; the password crosses to it. */
  readonly url: string;
  /** CA certificates (PEM) the directory's certificate must chain to; the system's when undefined. */
  readonly ca?: string;
  /** Bind straight as this DN, its placeholders filled from the login (ldap-template.ts). */
  readonly bindDnTemplate?: string;
  /** Or search here with `searchFilter` for the login's entry, then bind as it. */
  readonly searchBase?: string;
  readonly searchFilter: string;
  /** Who searches, when the directory refuses anonymous searches. */
  readonly serviceBind?: { readonly dn: string; readonly password: string };
  /** The entry's attribute holding the account's address. */
  readonly addressAttribute: string;
  /** An attribute whose values the account may also send as. */
  readonly senderAttribute?: string;
  readonly timeoutMs: number;
}

/** Logins the directory checks at once, and so the connections kept open to it. */
const CONCURRENCY = 16;

/**
 * Logins checked by binding as the user against the ISP's directory over TLS: straight to the DN
 * a template makes of the login, or to the one entry a search finds. After a good bind the user's
 * own entry gives the account's address and the addresses it may also send as. Only
 * invalidCredentials (49) is a wrong password; a directory down, slow or answering any other
 * error is BackendUnavailableError (454), never a login. Checks share a pool of at most
 * CONCURRENCY connections (ldap-pool.ts).
 */
export class LdapBackend implements AuthBackend {
  readonly name = "ldap";
  readonly concurrency = CONCURRENCY;
  private readonly tlsOptions: ConnectionOptions;
  private readonly pool: LdapPool;

  constructor(private readonly options: LdapBackendOptions) {
    if (!/^ldaps?:\/\//.test(options.url)) throw new Error(`${options.url}: not an ldaps:// or ldap:// URL`);
    this.tlsOptions = { minVersion: "TLSv1.2", ...(options.ca ? { ca: options.ca } : {}) };
    this.pool = new LdapPool(() => this.open(), CONCURRENCY);
  }

  async verify(username: string, password: string, _client: string): Promise<VerifiedLogin | undefined> {
    // An empty password is an unauthenticated bind (RFC 4513 §5.1.2), which directories accept.
    if (password === "" || username === "") return undefined;
    try {
      return await this.pool.use(async (client) => {
        const dn = await this.userDn(client, username);
        if (dn === undefined) return undefined;
        try {
          await client.bind(dn, password);
        } catch (error) {
          // A failed bind leaves the connection anonymous (RFC 4513 §4) and fit for the next login.
          if (error instanceof InvalidCredentialsError) return undefined;
          throw error;
        }
        return await this.login(client, dn, username);
      });
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw error;
      throw this.unavailable(describe(error));
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * A new connection, over TLS before the first bind: ldaps://, or ldap:// and StartTLS (RFC 4513
   * §3), the certificate checked for the URL's host either way. ldapts would quietly reconnect a
   * closed ldap:// connection in the clear; this one refuses to, so it fails instead.
   */
  private async open(): Promise<Client> {
    const url = new URL(this.options.url);
    const startTls = url.protocol === "ldap:";
    let connected = false;
    const client = new Client({
      url: this.options.url,
      timeout: this.options.timeoutMs,
      connectTimeout: this.options.timeoutMs,
      // Given on ldap://, ldapts starts TLS on the connection itself, where slapd expects LDAP.
      ...(startTls ? {} : { tlsOptions: this.tlsOptions }),
      createConnection: ((port: number, host: string) => {
        if (connected) throw new Error("connection closed (not reopened without StartTLS)");
        connected = true;
        return netConnect(port, host);
      }) as typeof netConnect,
    });
    if (startTls) {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      try {
        await client.startTLS({ ...this.tlsOptions, host, ...(isIP(host) ? {} : { servername: host }) });
      } catch (error) {
        await client.unbind().catch(() => undefined);
        throw this.unavailable(`StartTLS failed: ${describe(error)}`);
      }
    }
    return client;
  }

  /** The DN to bind as: the template's, or the one entry the search finds (none or several: no login). */
  private async userDn(client: Client, username: string): Promise<string | undefined> {
    const { bindDnTemplate, searchBase, searchFilter, serviceBind } = this.options;
    if (bindDnTemplate !== undefined) return fillTemplate(bindDnTemplate, username, escapeDnValue);
    // A pooled connection may still be bound as the last user: search as nobody, not as them.
    if (!serviceBind && client.isBound) await client.bind("", "");
    if (serviceBind) {
      try {
        await client.bind(serviceBind.dn, serviceBind.password);
      } catch (error) {
        // The directory answered: bind_dn or its password is wrong, not the user's.
        if (error instanceof ResultCodeError) {
          throw this.unavailable(`the search account ${serviceBind.dn} cannot bind: ${describe(error)}`);
        }
        throw error;
      }
    }
    try {
      const { searchEntries } = await client.search(searchBase as string, {
        scope: "sub",
        filter: fillTemplate(searchFilter, username, escapeFilterValue),
        attributes: ["1.1"],
        sizeLimit: 2,
      });
      return searchEntries.length === 1 ? searchEntries[0]?.dn : undefined;
    } catch (error) {
      // Several entries answer to the login: none of them is it.
      if (error instanceof SizeLimitExceededError) return undefined;
      throw error;
    }
  }

  /** The account as the user's own entry, read after its bind, describes it. */
  private async login(client: Client, dn: string, username: string): Promise<VerifiedLogin> {
    const { addressAttribute, senderAttribute } = this.options;
    const attributes = senderAttribute ? [addressAttribute, senderAttribute] : [addressAttribute];
    const { searchEntries } = await client.search(dn, { scope: "base", attributes });
    const entry = searchEntries[0];
    const addresses = mailboxes(entry?.[addressAttribute]);
    const address = addresses[0] ?? mailboxes(username)[0];
    if (address === undefined) {
      throw this.unavailable(
        `${dn} has no ${addressAttribute} address and the login "${username}" is not one`,
      );
    }
    const senders = [...addresses, ...(senderAttribute ? mailboxes(entry?.[senderAttribute]) : [])];
    return { address, senders: [...new Set(senders)].filter((sender) => sender !== address) };
  }

  private unavailable(message: string): BackendUnavailableError {
    return new BackendUnavailableError("ldap", `ldap at ${this.options.url}: ${message}`);
  }
}

/**
 * An attribute's values that are mail addresses, lowercased. A `*` would make a sender pattern
 * of a directory value, so such values are left out: the directory grants addresses, not domains.
 */
function mailboxes(values: Buffer | Buffer[] | string | string[] | undefined): string[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list.flatMap((value) => {
    const text = value.toString();
    if (text.includes("*")) return [];
    try {
      return [parseMailbox(text)];
    } catch {
      return [];
    }
  });
}

/** A reason for the log: the system's error code, or the LDAP result's name and number. */
function describe(error: unknown): string {
  if (error instanceof ResultCodeError) return `${error.name} (result ${error.code})`;
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === "string" && !error.message.includes(code)
    ? `${code} ${error.message}`
    : error.message;
}
