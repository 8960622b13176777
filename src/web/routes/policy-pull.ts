/**
 * Routers pull today's policy: GET /policy/current.rsc and the other files below, with the
 * router's token (`porteiro policy token add NAME`) as `Authorization: Bearer TOKEN` or as
 * `?token=TOKEN`, for RouterOS `/tool fetch` releases that cannot send a header. Read-only;
 * each file is rendered once per plan and day, the way `porteiro policy render` does it, and
 * served from memory; pulls are limited per client address and per token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { clientNetwork, type Day, today } from "../../core/index.js";
import type { Plan } from "../../plan/index.js";
import { PullTokens, renderPolicy } from "../../policy/index.js";
import type { WebContext } from "../context.js";

/** The files a router may pull: a format's script (`policy render` stdout), or one of its files. */
const FILES: Readonly<Record<string, { readonly format: string; readonly file?: string }>> = {
  "current.rsc": { format: "routeros" },
  "current.nft": { format: "nftables" },
  "current.iptables.sh": { format: "iptables" },
  "current.ipset": { format: "iptables", file: "porteiro.ipset" },
  "current.rules.v4": { format: "iptables", file: "porteiro.rules.v4" },
  "current.rules.v6": { format: "iptables", file: "porteiro.rules.v6" },
  "current.ios": { format: "ios" },
  "current.junos": { format: "junos" },
  "current.pbl.txt": { format: "pbl" },
};

const TEXT = "text/plain; charset=utf-8";
/** Past this many keys, buckets that have refilled are dropped: a full bucket is a new one. */
const MAX_KEYS = 10_000;

/** A bucket per key holding `perMinute` pulls, refilled evenly; in memory, so a restart forgets it. */
class Buckets {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly perMinute: number) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one pull for the key: 0 when it may go ahead, else the seconds until it may. */
  take(key: string, now = Date.now()): number {
    const bucket = this.buckets.get(key) ?? { level: this.perMinute, at: now };
    bucket.level = Math.min(this.perMinute, bucket.level + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.delete(key); // re-inserted last: the map stays in order of use
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_KEYS) this.prune(now);
    if (bucket.level < 1) return Math.ceil((1 - bucket.level) / this.perMs / 1000);
    bucket.level -= 1;
    return 0;
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= MAX_KEYS / 2) return;
      if (b.level + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}

/** The files of one plan on one day, each rendered when first asked for. */
class CurrentFiles {
  private plan: Plan | undefined;
  private day: Day | undefined;
  private readonly files = new Map<string, string>();

  get(plan: Plan, day: Day, name: string, source: { format: string; file?: string }): string {
    if (plan !== this.plan || day !== this.day) {
      this.plan = plan;
      this.day = day;
      this.files.clear();
    }
    let content = this.files.get(name);
    if (content === undefined) {
      const rendering = renderPolicy(plan, day, source.format);
      content = source.file
        ? (rendering.files.find((f) => f.name === source.file)?.content as string)
        : rendering.stdout;
      this.files.set(name, content);
    }
    return content;
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? "");
  if (bearer) return bearer[1];
  const query = (request.query as { token?: unknown }).token;
  return typeof query === "string" ? query : undefined;
}

function tooMany(reply: FastifyReply, seconds: number) {
  return reply
    .code(429)
    .header("retry-after", String(seconds))
    .type(TEXT)
    .send(`too many pulls; try again in ${seconds} s\n`);
}

export function register(app: FastifyInstance, context: WebContext): void {
  const tokens = new PullTokens(context.store);
  const limits = context.config.policy_pulls_per_minute;
  const perAddress = new Buckets(limits.address);
  const perToken = new Buckets(limits.token);
  const current = new CurrentFiles();

  app.get("/policy/:file", { config: { access: { public: true } } }, async (request, reply) => {
    // Counted before the token is checked, so guesses from one place are bounded too.
    const wait = perAddress.take(clientNetwork(request.ip));
    if (wait > 0) return tooMany(reply, wait);
    const token = tokenOf(request);
    const router = token === undefined ? undefined : tokens.verify(token);
    if (router === undefined) {
      // The same answer for a missing, unknown or revoked token: it says nothing of which routers exist.
      return reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="porteiro policy"')
        .type(TEXT)
        .send("a router token is required (porteiro policy token add NAME)\n");
    }
    const waitToken = perToken.take(router);
    if (waitToken > 0) return tooMany(reply, waitToken);
    const name = (request.params as { file: string }).file;
    const source = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!source)
      return reply
        .code(404)
        .type(TEXT)
        .send(`no such file; try ${Object.keys(FILES).join(", ")}\n`);
    const plan = context.plan.current();
    if (!plan) return reply.code(503).type(TEXT).send("no plan is loaded\n");
    return reply
      .type(TEXT)
      .header("cache-control", "no-store")
      .send(current.get(plan, today(), name, source));
  });
}
