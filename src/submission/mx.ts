import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";

/** One host to try for a domain, with the addresses it resolved to. */
export interface MailHost {
  readonly name: string;
  readonly addresses: readonly string[];
}

/** A look-up that failed, worded with an enhanced status code; `permanent` when the domain takes no mail. */
export class RouteError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

const NO_SUCH_NAME = new Set(["ENOTFOUND"]);
const NO_RECORDS = new Set(["ENODATA", "ENOTFOUND"]);

/** Finds where mail for a domain goes: its MX hosts in order of preference (RFC 5321 §5.1). */
export class MailRouter {
  private readonly resolver: Resolver;

  constructor(servers?: readonly string[]) {
    this.resolver = new Resolver({ timeout: 3000, tries: 2 });
    if (servers && servers.length > 0) this.resolver.setServers([...servers]);
  }

  async route(domain: string): Promise<MailHost[]> {
    const literal = /^\[(?:IPv6:)?(.+)\]$/i.exec(domain)?.[1];
    if (literal && isIP(literal)) return [{ name: domain, addresses: [literal] }];
    let records: { exchange: string; priority: number }[];
    try {
      records = await this.resolver.resolveMx(domain);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (!NO_RECORDS.has(code))
        throw new RouteError(`4.4.3 MX look-up for ${domain} failed (${code})`, false);
      if (NO_SUCH_NAME.has(code)) throw new RouteError(`5.1.2 domain ${domain} does not exist`, true);
      records = [];
    }
    if (records.length === 0) {
      // No MX: the domain itself is the implicit MX (RFC 5321 §5.1).
      const addresses = await this.addresses(domain);
      if (addresses.length === 0)
        throw new RouteError(`5.1.2 domain ${domain} has no MX and no address`, true);
      return [{ name: domain, addresses }];
    }
    if (records.length === 1 && (records[0]?.exchange === "" || records[0]?.exchange === ".")) {
      throw new RouteError(`5.1.10 domain ${domain} accepts no mail (null MX, RFC 7505)`, true);
    }
    // Equal preferences are shuffled so that load spreads over them.
    const ordered = records
      .map((record) => ({ ...record, tiebreak: Math.random() }))
      .sort((a, b) => a.priority - b.priority || a.tiebreak - b.tiebreak);
    const hosts: MailHost[] = [];
    for (const record of ordered) {
      const addresses = await this.addresses(record.exchange).catch(() => []);
      if (addresses.length > 0) hosts.push({ name: record.exchange, addresses });
    }
    if (hosts.length === 0)
      throw new RouteError(`4.4.3 no MX host of ${domain} resolves to an address`, false);
    return hosts;
  }

  private async addresses(name: string): Promise<string[]> {
    const settle = async (lookup: Promise<string[]>) => {
      try {
        return await lookup;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        if (NO_RECORDS.has(code)) return [];
        throw new RouteError(`4.4.3 address look-up for ${name} failed (${code})`, false);
      }
    };
    const [v4, v6] = await Promise.all([
      settle(this.resolver.resolve4(name)),
      settle(this.resolver.resolve6(name)),
    ]);
    return [...v4, ...v6];
  }
}
