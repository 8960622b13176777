import type { FastifyInstance } from "fastify";
import { Spool, UserStore } from "../../submission/index.js";
import { badRequest } from "../console/query.js";
import { SubmissionSampler } from "../console/submission-sampler.js";
import type { WebContext } from "../context.js";

/** Queue rows sent at most, newest first. */
const QUEUE_ROWS = 2000;

interface HeldRow {
  address: string;
  held_at: string;
  hold_reason: string | null;
  suspended: number;
  held_messages: number;
}

/** The submission service: its traffic and refusals, held accounts and the queue, with the operator's actions. */
export function register(app: FastifyInstance, context: WebContext): void {
  const { store } = context;
  const users = new UserStore(store);
  const spool = new Spool(store, context.dataDir);
  const sampler = new SubmissionSampler(context.registries);
  app.addHook("onClose", async () => sampler.stop());
  const heldAccounts = (): HeldRow[] =>
    users.heldAccounts().map((user) => ({
      address: user.address,
      held_at: user.hold.since,
      hold_reason: user.hold.reason,
      suspended: user.suspended ? 1 : 0,
      held_messages: spool.heldMessageIds(user.address).length,
    }));

  const account = (params: unknown) => {
    const address = (params as { address: string }).address;
    if (!users.get(address)) throw Object.assign(new Error(`no account ${address}`), { statusCode: 404 });
    return address;
  };
  const message = (params: unknown) => {
    const id = (params as { id: string }).id;
    if (!spool.message(id))
      throw Object.assign(new Error(`no message ${id} in the queue`), { statusCode: 404 });
    return id;
  };

  app.get("/api/submission/summary", async () => {
    const { samples, now } = await sampler.current();
    const queue = spool.messages();
    return {
      counters: now,
      samples,
      accounts: {
        total: users.count(),
        held: users.heldCount(),
      },
      queue: { messages: queue.length, held: queue.filter((m) => m.held).length },
    };
  });

  app.get("/api/submission/held", async () => ({ accounts: heldAccounts() }));

  app.post("/api/submission/held/:address/release", async (request) => {
    const address = account(request.params);
    const ids = spool.heldMessageIds(address);
    const released = users.release(address);
    if (!released) throw badRequest(`${address} is not on hold`);
    for (const id of ids) spool.setHeld(id, null);
    context.logger.info(
      { operator: request.session?.username, account: address, messages: ids.length },
      "account released",
    );
    return { address, released: true, messages_released: ids.length };
  });

  app.post("/api/submission/held/:address/drop", async (request) => {
    const address = account(request.params);
    const ids = spool.heldMessageIds(address);
    for (const id of ids) spool.remove(id, true);
    context.logger.info(
      { operator: request.session?.username, account: address, messages: ids.length },
      "held messages dropped",
    );
    return { address, messages_dropped: ids.length };
  });

  app.get("/api/submission/queue", async () => {
    const messages = spool.messages().reverse().slice(0, QUEUE_ROWS);
    return {
      messages: messages.map((m) => {
        const recipients = spool.recipients(m.id);
        const queued = recipients.filter((r) => r.state === "queued");
        return {
          id: m.id,
          user: m.username,
          from: m.mailFrom,
          size: m.size,
          received_at: m.receivedAt,
          held: m.held,
          hold_reason: m.holdReason,
          recipients: recipients.length,
          queued: queued.length,
          attempts: Math.max(0, ...recipients.map((r) => r.attempts)),
          next_attempt_at: queued.map((r) => r.nextAttemptAt).sort()[0] ?? null,
          last_error: recipients.find((r) => r.lastError)?.lastError ?? null,
        };
      }),
    };
  });

  app.post("/api/submission/queue/:id/retry", async (request) => {
    const id = message(request.params);
    const due = spool.retryNow(id);
    context.logger.info({ operator: request.session?.username, message: id }, "queue retry");
    return { id, recipients_due: due };
  });

  app.post("/api/submission/queue/:id/delete", async (request) => {
    const id = message(request.params);
    spool.remove(id, true);
    context.logger.info({ operator: request.session?.username, message: id }, "queue delete");
    return { id, deleted: true };
  });
}
