import type { Client } from "ldapts";
import { ResultCodeError } from "ldapts";

/**
 * At most `size` connections to the directory, kept open between logins so a login costs its
 * bind and search, not a TCP and TLS handshake as well. A connection goes back to the pool when
 * its work ended with an answer from the directory (a wrong password included); after a socket
 * error or a timeout it is closed, since a reply may still be on its way.
 */
export class LdapPool {
  private readonly idle: Client[] = [];
  private readonly waiting: (() => void)[] = [];
  private busy = 0;
  private closed = false;

  constructor(
    private readonly open: () => Promise<Client>,
    private readonly size: number,
  ) {}

  /** Runs `work` on a connection of the pool, waiting for one when all `size` are in use. */
  async use<T>(work: (client: Client) => Promise<T>): Promise<T> {
    await this.acquire();
    let client: Client | undefined;
    try {
      client = await this.connection();
      const result = await work(client);
      this.keep(client);
      return result;
    } catch (error) {
      if (client) {
        if (error instanceof ResultCodeError) this.keep(client);
        else void client.unbind().catch(() => undefined);
      }
      throw error;
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((client) => client.unbind().catch(() => undefined)));
  }

  /** An idle connection the directory has not closed meanwhile, or a new one. */
  private async connection(): Promise<Client> {
    for (let client = this.idle.pop(); client; client = this.idle.pop()) {
      if (client.isConnected) return client;
    }
    return this.open();
  }

  private keep(client: Client): void {
    if (this.closed) void client.unbind().catch(() => undefined);
    else this.idle.push(client);
  }

  private acquire(): Promise<void> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiter, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }
}
