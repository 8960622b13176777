import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { type TestContext, test } from "node:test";
import { connect as tlsConnect } from "node:tls";
import fc from "fast-check";
import { pino } from "pino";
import { clientNetwork } from "../../src/core/index.js";
import { ConnectionLimits, type Progress } from "../../src/submission/connection-limits.js";
import { SubmissionMetrics, submissionConfigSchema } from "../../src/submission/index.js";
import { SessionLimits } from "../../src/submission/session-limits.js";
import {
  loggedIn,
  PASSWORD,
  RawSession,
  readyForAuth,
  replies,
  requireSwaks,
  startTestService,
  swaksSend,
  USER,
} from "../helpers/submission.js";

/** Another client on loopback: a different address, so a different client network. */
const OTHER = "127.0.0.2";

/** Closes every session a test opened when it ends. */
function sessions(t: TestContext): RawSession[] {
  const opened: RawSession[] = [];
  t.after(() => {
    for (const session of opened) session.close();
  });
  return opened;
}

test("idle sessions that never log in cannot keep a real client out, nor push logged-in ones out", async (t) => {
  if (!requireSwaks(t)) return;
  // 6 slots, of which sessions not logged in may hold 3.
  const running = await startTestService(t, { max_connections: 6, unauthenticated_share: 0.5 });
  const { starttls, implicitTls } = running.service;
  const opened = sessions(t);
  const working: RawSession[] = [];
  for (let i = 0; i < 3; i++) working.push(await loggedIn(implicitTls.port));
  opened.push(...working);
  // The flood: as many idle sessions as there are slots, from another address, each waiting for its greeting.
  const flood: string[] = [];
  for (let i = 0; i < 6; i++) {
    const session = await RawSession.open(starttls.port, OTHER);
    opened.push(session);
    flood.push(await session.reply());
  }

  const result = await swaksSend(running.service, "starttls");
  assert.equal(result.status, 0, `${flood.join("\n")}\n${result.stdout}`);
  assert.ok(replies(result.stdout).some((r) => /^250 2\.0\.0 Ok: queued as /.test(r)));
  for (const session of working) {
    session.send("NOOP");
    assert.match(await session.reply(), /^250 /, "a logged-in session keeps its slot");
  }
  const displaced = opened.filter((s) => !working.includes(s));
  for (const session of displaced.slice(0, 4)) {
    assert.match(
      await session.reply(),
      /^421 4\.7\.0 mail\.example\.net Too many sessions waiting to log in; yours had got least far$/,
    );
  }
});

test("slowloris: idle sessions reopened faster than a login takes displace one another, not a client past TLS or into AUTH", async (t) => {
  // 3 slots, all of which sessions not logged in may hold.
  const running = await startTestService(t, { max_connections: 3, unauthenticated_share: 1 });
  const { starttls, implicitTls } = running.service;
  const opened = sessions(t);
  // The oldest two: one in the middle of AUTH LOGIN, one inside TLS that has not started it.
  const authing = await readyForAuth(implicitTls.port);
  opened.push(authing);
  authing.send("AUTH LOGIN");
  assert.match(await authing.reply(), /^334 /);
  const secured = await readyForAuth(implicitTls.port);
  opened.push(secured);
  // The flood: idle sessions in clear from another network, each newer than both, twice as many as the slots.
  const flood: RawSession[] = [];
  for (let i = 0; i < 6; i++) {
    const session = await RawSession.open(starttls.port, OTHER);
    opened.push(session);
    flood.push(session);
    assert.match(await session.reply(), /^220 /);
  }
  secured.send("NOOP");
  assert.match(await secured.reply(), /^250 /, "a session inside TLS outlasts the flood in clear");
  for (const session of flood.slice(0, 5)) {
    assert.match(
      await session.reply(),
      /^421 4\.7\.0 .* yours had got least far$/,
      "the flood gives way to itself",
    );
  }

  // Sessions inside TLS only: the one longest at that stage gives way, not the older one into AUTH.
  const newer = await RawSession.openTls(implicitTls.port, OTHER);
  opened.push(newer);
  assert.match(await newer.reply(), /^220 /);
  assert.match(await (flood[5] as RawSession).reply(), /^421 /, "the last idle session in clear goes first");
  const newest = await RawSession.openTls(implicitTls.port, OTHER);
  opened.push(newest);
  assert.match(await newest.reply(), /^220 /);
  assert.match(await secured.reply(), /^421 4\.7\.0 .* yours had got least far$/);

  authing.send(Buffer.from(USER).toString("base64"));
  assert.match(await authing.reply(), /^334 /);
  authing.send(Buffer.from(PASSWORD).toString("base64"));
  assert.match(await authing.reply(), /^235 /, "the client in the middle of AUTH logs in");
});

/** Reads reply lines off a socket: each call waits (bounded) for the next complete one. */
function lineReader(socket: Socket): (timeoutMs?: number) => Promise<string> {
  let buffer = "";
  let wake: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("latin1");
    wake?.();
  });
  socket.on("close", () => wake?.());
  return async (timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /^(\d{3}) .*\r\n/m.exec(buffer);
      if (match) {
        const text = buffer.slice(0, match.index + match[0].length);
        buffer = buffer.slice(match.index + match[0].length);
        return text.trim();
      }
      if (socket.destroyed || Date.now() >= deadline) return buffer;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
}

test("on the STARTTLS port, a session that has done STARTTLS outlasts idle sessions in clear opened after it", async (t) => {
  const running = await startTestService(t, { max_connections: 2, unauthenticated_share: 1 });
  const { starttls } = running.service;
  const opened = sessions(t);
  const plain = connect({ port: starttls.port, host: "127.0.0.1" });
  t.after(() => plain.destroy());
  plain.on("error", () => undefined);
  const readPlain = lineReader(plain);
  assert.match(await readPlain(), /^220 /);
  plain.write("EHLO client.example.net\r\n");
  assert.match(await readPlain(), /^250 /m);
  plain.write("STARTTLS\r\n");
  assert.match(await readPlain(), /^220 /);
  plain.removeAllListeners("data");
  const secure = await new Promise<Socket>((resolve, reject) => {
    const socket = tlsConnect({ socket: plain, rejectUnauthorized: false }, () => resolve(socket));
    socket.once("error", reject);
  });
  t.after(() => secure.destroy());
  const read = lineReader(secure);
  secure.write("EHLO client.example.net\r\n");
  assert.match(await read(), /^250 /m);
  // Idle sessions in clear from another network, newer than it, three times the two slots.
  for (let i = 0; i < 6; i++) {
    const session = await RawSession.open(starttls.port, OTHER);
    opened.push(session);
    assert.match(await session.reply(), /^220 /);
  }
  secure.write("NOOP\r\n");
  assert.match(await read(), /^250 /, "the session past STARTTLS keeps its slot");
  secure.write(`AUTH PLAIN ${Buffer.from(`\0${USER}\0${PASSWORD}`).toString("base64")}\r\n`);
  assert.match(await read(), /^235 /);
});

test("commands before login are counted: past max_commands_before_auth, 421 and closed; after login, not", async (t) => {
  const running = await startTestService(t, { max_commands_before_auth: 5 });
  const opened = sessions(t);
  const idle = await RawSession.open(running.service.starttls.port);
  opened.push(idle);
  assert.match(await idle.reply(), /^220 /);
  idle.send("EHLO client.example.net");
  assert.match(await idle.reply(), /^250 /m);
  for (let i = 0; i < 4; i++) {
    idle.send("NOOP");
    assert.match(await idle.reply(), /^250 /);
  }
  idle.send("NOOP");
  assert.equal(await idle.reply(), "421 4.7.0 mail.example.net Too many commands before login; closing");
  assert.ok(await idle.waitClosed(5_000));

  const working = await loggedIn(running.service.implicitTls.port);
  opened.push(working);
  for (let i = 0; i < 10; i++) {
    working.send("NOOP");
    assert.match(await working.reply(), /^250 /);
  }
});

test("a session that keeps talking but never logs in is closed after auth_timeout; a logged-in one is not", async (t) => {
  const running = await startTestService(t, { auth_timeout: 1, max_commands_before_auth: 1000 });
  const opened = sessions(t);
  const working = await loggedIn(running.service.implicitTls.port);
  const slow = await RawSession.open(running.service.starttls.port);
  opened.push(working, slow);
  assert.match(await slow.reply(), /^220 /);
  // A NOOP every 100 ms keeps the idle timeout (10 s here) away for as long as the client likes.
  const answers: string[] = [];
  const deadline = Date.now() + 5_000;
  while (!slow.closed && Date.now() < deadline) {
    slow.send("NOOP");
    answers.push(await slow.reply(1_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(slow.closed, "closed while still talking");
  // The 421 comes unasked, between two NOOPs.
  answers.push(await slow.reply(1_000));
  assert.ok(
    answers.includes("421 4.7.0 mail.example.net Too slow to log in; closing"),
    answers.slice(-3).join("\n"),
  );
  working.send("NOOP");
  assert.match(await working.reply(), /^250 /, "logged in before the deadline, so no deadline");
});

test("too many connections from one client network: the oldest idle one makes room; logged-in ones get a newcomer 421", async (t) => {
  const running = await startTestService(t, { max_connections_per_ip: 2 });
  const { starttls, implicitTls } = running.service;
  const opened = sessions(t);
  const first = await RawSession.open(starttls.port);
  const second = await RawSession.open(starttls.port);
  opened.push(first, second);
  assert.match(await first.reply(), /^220 /);
  assert.match(await second.reply(), /^220 /);
  const third = await RawSession.open(starttls.port);
  opened.push(third);
  assert.match(await third.reply(), /^220 /);
  assert.match(await first.reply(), /^421 4\.7\.0 .* yours had got least far$/);
  assert.ok(await first.waitClosed(5_000));
  // On 465 the handshake is let through, so that the session it leads to can make room too.
  const tls = await RawSession.openTls(implicitTls.port);
  opened.push(tls);
  assert.match(await tls.reply(), /^220 /);
  assert.match(await second.reply(), /^421 4\.7\.0 .* yours had got least far$/);
  third.close();
  tls.close();

  const other = await RawSession.open(starttls.port, OTHER);
  opened.push(other);
  assert.match(await other.reply(), /^220 /, "another network has its own count");
  opened.push(await loggedIn(implicitTls.port), await loggedIn(implicitTls.port));
  const refused = await RawSession.open(starttls.port);
  opened.push(refused);
  assert.match(
    await refused.reply(),
    /^421 4\.7\.0 mail\.example\.net too many connections from your address/,
  );
  assert.ok(await refused.waitClosed(5_000));
});

test("too many connections in total, all logged in: 421 4.7.0, until one closes", async (t) => {
  const running = await startTestService(t, { max_connections: 1 });
  const opened = sessions(t);
  const first = await loggedIn(running.service.implicitTls.port);
  const second = await RawSession.open(running.service.starttls.port);
  opened.push(first, second);
  assert.match(await second.reply(), /^421 4\.7\.0 mail\.example\.net too many connections; try again later/);
  first.close();
  assert.ok(await first.waitClosed(5_000));
  // The server learns of the close a moment later; a new session may be refused until then.
  let greeting = "";
  for (let i = 0; i < 50 && !greeting.startsWith("220 "); i++) {
    const third = await RawSession.open(running.service.starttls.port);
    opened.push(third);
    greeting = await third.reply();
  }
  assert.match(greeting, /^220 /, "a closed session frees its place");
});

/** The first 10 bytes of a TLS ClientHello: a record header and the start of a handshake. */
const HALF_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03]);

/** A raw TCP socket on the implicit-TLS port that starts a handshake and never finishes it. */
function halfOpen(port: number, from: string): Promise<Socket & { closedByServer: Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress: from }, () => {
      socket.write(HALF_HELLO);
      resolve(Object.assign(socket, { closedByServer: closed }));
    });
    const closed = new Promise<boolean>((done) => socket.once("close", () => done(true)));
    socket.once("error", reject);
  });
}

/** True when the promise settles true within `ms`. */
const within = (ms: number, closed: Promise<boolean>) =>
  Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

/**
 * The implicit-TLS port of a service with these limits, and an idle timeout of a minute: what
 * smtp-server alone gives a handshake, so a socket closed sooner was closed by the guard.
 */
async function implicitTlsPort(t: TestContext, perClient: number, handshakeSeconds: number) {
  const running = await startTestService(t, {
    max_connections_per_ip: perClient,
    tls_handshake_timeout: handshakeSeconds,
    idle_timeout: 60,
  });
  return running.service.implicitTls.port;
}

test("half-open TLS handshakes on port 465 count against the client network's cap at accept", async (t) => {
  // Handshakes may take 30 s here: only the cap can close a socket soon.
  const port = await implicitTlsPort(t, 3, 30);
  const held = await Promise.all([1, 2, 3].map(() => halfOpen(port, OTHER)));
  const over = await halfOpen(port, OTHER);
  t.after(() => {
    for (const socket of [...held, over]) socket.destroy();
  });
  assert.ok(
    await within(5_000, over.closedByServer),
    "the fourth handshake from the network is dropped at once",
  );
  for (const socket of held)
    assert.equal(socket.destroyed, false, "the first three wait for their handshake");

  const real = await RawSession.openTls(port);
  t.after(() => real.close());
  assert.match(await real.reply(), /^220 /, "a TLS client from another network gets in meanwhile");
});

test("a TLS handshake not done within tls_handshake_timeout is cut, and frees its place", async (t) => {
  const port = await implicitTlsPort(t, 1, 1);
  const stalled = await halfOpen(port, OTHER);
  t.after(() => stalled.destroy());
  assert.ok(await within(5_000, stalled.closedByServer), "cut long before the idle timeout");
  const real = await RawSession.openTls(port, OTHER);
  t.after(() => real.close());
  assert.match(await real.reply(), /^220 /, "the network's place is free again");
});

test("half-open TLS from many networks, each under its cap, cannot fill the listener: the oldest handshake makes room", async (t) => {
  // 4 sessions, so smtp-server's maxClients is 8; handshakes in progress: half of 4, 3 per network.
  const running = await startTestService(t, {
    max_connections: 4,
    tls_handshake_share: 0.5,
    max_connections_per_ip: 3,
    tls_handshake_timeout: 30,
    idle_timeout: 60,
  });
  const port = running.service.implicitTls.port;
  // 12 stalled handshakes from 4 networks, 3 each: more than maxClients, none over its network's cap.
  const flood: Awaited<ReturnType<typeof halfOpen>>[] = [];
  t.after(() => {
    for (const socket of flood) socket.destroy();
  });
  for (const from of ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]) {
    for (let i = 0; i < 3; i++) flood.push(await halfOpen(port, from));
  }
  const real = await RawSession.openTls(port).catch((error: Error) => error);
  assert.ok(real instanceof RawSession, `a real TLS client completes its handshake: ${String(real)}`);
  t.after(() => real.close());
  assert.match(await real.reply(), /^220 /);
  for (const socket of flood.slice(0, 11)) {
    assert.ok(await within(5_000, socket.closedByServer), "all but the newest stalled handshake are cut");
  }
});

test("an IPv6 client network is its /56 unless client_prefix_v6 says otherwise: its hosts share one count", () => {
  const limits = new ConnectionLimits({ total: 10, perNetwork: 1, unauthenticated: 10 });
  const one = clientNetwork("2001:db8:0:1::1", 56);
  const other = clientNetwork("2001:db8:0:ff::2", 56);
  assert.equal(one, other);
  assert.deepEqual(limits.admit("a", one), { admitted: true });
  limits.authenticated("a");
  assert.equal(limits.admit("b", other).admitted, false, "the second host of the /56 is over the cap");
  assert.equal(limits.admit("c", clientNetwork("2001:db8:0:ff::2", 64)).admitted, true, "a /64 is another");

  const logger = pino({ level: "silent" });
  const networkOf = (config: Record<string, unknown>) => {
    const parsed = submissionConfigSchema.parse(config);
    const session = new SessionLimits(parsed, "mail.example.net", new SubmissionMetrics(), logger);
    return [session.network("2001:db8:0:1::1"), session.network("2001:db8:0:ff::2")];
  };
  const [a, b] = networkOf({});
  assert.equal(a, b, "one client by default");
  const [c, d] = networkOf({ client_prefix_v6: 64 });
  assert.notEqual(c, d, "two with client_prefix_v6: 64");
});

type Op =
  | { kind: "admit"; network: number; stage: Progress }
  | { kind: "login" | "close"; pick: number }
  | { kind: "progress"; pick: number; stage: Progress };

test("admissions, displacements and refusals match a plain model of the caps, whatever the order of events", () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("admit" as const),
      network: fc.nat(3),
      stage: fc.constantFrom<Progress>(0, 1),
    }),
    fc.record({ kind: fc.constantFrom("login" as const, "close" as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant("progress" as const),
      pick: fc.nat(),
      stage: fc.constantFrom<Progress>(1, 2),
    }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 8 }),
      fc.array(op, { maxLength: 60 }),
      (total, perNetwork, unauthenticated, ops) => {
        const limits = new ConnectionLimits({ total, perNetwork, unauthenticated });
        /**
         * The model: open sessions with their network, whether logged in, how far towards it, and
         * since when at that stage (a step number); the one to give way is the least far, then the
         * longest at its stage.
         */
        const open: { id: string; network: string; in: boolean; stage: number; since: number }[] = [];
        const leastFar = (candidates: typeof open) =>
          [...candidates].sort((a, b) => a.stage - b.stage || a.since - b.since)[0];
        let next = 0;
        let clock = 0;
        for (const step of ops) {
          if (step.kind === "admit") {
            const id = `s${next++}`;
            const network = `n${step.network}`;
            const waiting = open.filter((s) => !s.in);
            const networkFull = open.filter((s) => s.network === network).length >= perNetwork;
            const full = networkFull || open.length >= total || waiting.length >= unauthenticated;
            const victim = leastFar(networkFull ? waiting.filter((s) => s.network === network) : waiting);
            const admission = limits.admit(id, network, step.stage);
            if (full && !victim) {
              assert.equal(admission.admitted, false);
              continue;
            }
            assert.deepEqual(admission, full ? { admitted: true, evict: victim?.id } : { admitted: true });
            if (full) open.splice(open.indexOf(victim as (typeof open)[number]), 1);
            open.push({ id, network, in: false, stage: step.stage, since: clock++ });
          } else if (open.length > 0) {
            const at = step.pick % open.length;
            const session = open[at] as (typeof open)[number];
            if (step.kind === "progress") {
              limits.progressed(session.id, step.stage);
              if (!session.in && step.stage > session.stage) {
                session.stage = step.stage;
                session.since = clock++;
              }
            } else if (step.kind === "login") {
              limits.authenticated(session.id);
              session.in = true;
            } else {
              limits.release(session.id);
              open.splice(at, 1);
            }
          }
          assert.ok(open.length <= total);
          assert.ok(open.filter((s) => !s.in).length <= unauthenticated);
          for (let n = 0; n < 4; n++) {
            const from = open.filter((s) => s.network === `n${n}`);
            assert.ok(from.length <= perNetwork);
            assert.equal(limits.loggedInFrom(`n${n}`), from.filter((s) => s.in).length);
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});
