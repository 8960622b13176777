/**
 * Every bound under flood, on loopback: the sensor sheds or closes, counts what it shed, keeps
 * serving, and holds no more than the bound. Loops are bounded and every wait has a timeout.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { test } from "node:test";
import { startHarness } from "./sensor-harness.js";

interface Talk {
  readonly received: string;
  /** The server closed the connection before `waitMs` ran out. */
  readonly closedByServer: boolean;
}

/** Connects (from `localAddress`), writes `data`, and reads until the server closes or `waitMs` passes. */
function talk(
  port: number,
  data: (string | Buffer)[],
  waitMs = 1000,
  localAddress = "127.0.0.1",
): Promise<Talk> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closedByServer: false });
    }, waitMs);
    socket.on("data", (d) => {
      received += d.toString("latin1");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ received, closedByServer: true });
    });
    socket.on("connect", () => {
      for (const chunk of data) socket.write(chunk);
    });
  });
}

/** Opens `n` connections and resolves once each got its first byte or was closed. */
async function hold(
  port: number,
  n: number,
  localAddress = "127.0.0.1",
): Promise<{ open: Socket[]; shed: number }> {
  const results = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket | undefined>((resolve) => {
          const socket = connect({ port, host: "127.0.0.1", localAddress });
          socket.on("error", () => resolve(undefined));
          socket.once("data", () => resolve(socket));
          socket.once("close", () => resolve(undefined));
          setTimeout(() => resolve(undefined), 5000).unref();
        }),
    ),
  );
  const open = results.filter((s): s is Socket => s !== undefined);
  return { open, shed: n - open.length };
}

const mail = (body: string, recipients = 1) => [
  "EHLO flood.example\r\nMAIL FROM:<a@b.example>\r\n",
  ...Array.from({ length: recipients }, (_, i) => `RCPT TO:<r${i}@victim.example>\r\n`),
  "DATA\r\n",
  `${body}\r\n.\r\nQUIT\r\n`,
];

test("sessions over the overall bound are shed and counted; the sensor keeps serving", async (t) => {
  const h = await startHarness(t, { sessions: 5, sessions_per_source: 100 });
  const { open, shed } = await hold(h.smtpPort, 40);
  assert.equal(open.length, 5);
  assert.equal(shed, 35);
  assert.equal(h.sensor.active(), 5);
  assert.equal(h.sensor.counters.get("shed_sessions"), 35);
  for (const s of open) s.destroy();
  await new Promise((r) => setTimeout(r, 200));
  const after = await talk(h.smtpPort, ["QUIT\r\n"]);
  assert.match(after.received, /^220 .*\r\n221 /);
});

test("sessions over the per-source bound are shed for that source only", async (t) => {
  const h = await startHarness(t, { sessions: 100, sessions_per_source: 3 });
  const first = await hold(h.smtpPort, 10, "127.0.0.1");
  assert.equal(first.open.length, 3);
  assert.equal(h.sensor.counters.get("shed_sessions_per_source"), 7);
  const other = await hold(h.smtpPort, 2, "127.0.0.2");
  assert.equal(other.open.length, 2);
  for (const s of [...first.open, ...other.open]) s.destroy();
});

test("a connection flood of 3,000 against a bound of 50 never kills the sensor", async (t) => {
  const h = await startHarness(t, { sessions: 50, sessions_per_source: 50 });
  let done = 0;
  for (let wave = 0; wave < 6; wave++) {
    const { open, shed } = await hold(h.smtpPort, 500);
    done += open.length + shed;
    for (const s of open) s.destroy();
  }
  assert.equal(done, 3000);
  for (let i = 0; i < 100 && h.sensor.active() > 0; i++) await new Promise((r) => setTimeout(r, 50));
  const shed = h.sensor.counters.get("shed_sessions");
  assert.ok(shed > 0, "some connections were shed");
  assert.equal(h.sensor.counters.get("sessions_accepted") + shed, 3000);
  const after = await talk(h.smtpPort, ["QUIT\r\n"]);
  assert.match(after.received, /^220 /);
});

test("a message over the byte bound gets 552, is kept truncated to the bound, and its size recorded", async (t) => {
  const h = await startHarness(t, { message_bytes: 1000 });
  const body = `Subject: big\r\n\r\n${"x".repeat(78)}\r\n`.repeat(60);
  const reply = await talk(h.smtpPort, mail(body));
  assert.match(reply.received, /552 5\.3\.4 /);
  const [s] = await h.sessions(1);
  const m = s?.message_list[0];
  assert.equal(m?.truncated, true);
  assert.equal(m?.size, Buffer.byteLength(body) + 2);
  assert.equal(h.sensor.counters.get("messages_truncated"), 1);
});

test("recipients over the per-message bound get 452 and are not recorded", async (t) => {
  const h = await startHarness(t, { recipients_per_message: 3 });
  const reply = await talk(h.smtpPort, mail("Subject: r\r\n\r\nhi", 5));
  assert.equal((reply.received.match(/452 4\.5\.3/g) ?? []).length, 2);
  const [s] = await h.sessions(1);
  assert.equal(s?.recipients, 3);
  assert.equal(h.sensor.counters.get("recipients_refused"), 2);
});

test("a session over its byte bound is closed and counted", async (t) => {
  const h = await startHarness(t, { session_bytes: 10_000 });
  const flood = Buffer.alloc(4096, "NOOP\r\n");
  const reply = await talk(
    h.smtpPort,
    Array.from({ length: 10 }, () => flood),
    3000,
  );
  assert.equal(reply.closedByServer, true);
  const [s] = await h.sessions(1);
  assert.equal(s?.outcome, "session-bytes");
  assert.equal(h.sensor.counters.get("session_bytes_exceeded"), 1);
});

test("a session past its duration is closed although it keeps talking", async (t) => {
  const h = await startHarness(t, { session_seconds: 1 });
  const socket = connect({ port: h.smtpPort, host: "127.0.0.1" });
  socket.on("error", () => undefined);
  const ticker = setInterval(() => socket.write("NOOP\r\n"), 200);
  const closed = await new Promise<boolean>((resolve) => {
    socket.on("close", () => resolve(true));
    setTimeout(() => resolve(false), 4000);
  });
  clearInterval(ticker);
  assert.equal(closed, true);
  const [s] = await h.sessions(1);
  assert.equal(s?.outcome, "duration");
  assert.equal(h.sensor.counters.get("session_duration_exceeded"), 1);
});

test("an idle session is closed", async (t) => {
  const h = await startHarness(t, { idle_seconds: 1 });
  const idle = await talk(h.smtpPort, [], 4000);
  assert.equal(idle.closedByServer, true);
  const [s] = await h.sessions(1);
  assert.equal(s?.outcome, "idle");
  assert.equal(h.sensor.counters.get("idle_timeouts"), 1);
});

test("handshakes that never end are cut at their bound: SOCKS4 user id, HTTP head, SMTP command line", async (t) => {
  const h = await startHarness(t);
  const socks = await talk(h.socksPort, [
    Buffer.from([4, 1, 0, 25, 1, 2, 3, 4]),
    Buffer.alloc(100_000, 0x41),
  ]);
  assert.equal(socks.closedByServer, true);
  const http = await talk(Number(h.http.split(":")[1]), [
    `GET http://x.example/ HTTP/1.1\r\nX: ${"a".repeat(20_000)}`,
  ]);
  assert.match(http.received, /^HTTP\/1\.1 400 /);
  const smtp = await talk(h.smtpPort, [`EHLO ${"a".repeat(50_000)}`]);
  assert.match(smtp.received, /500 5\.5\.0 Error: line too long/);
  assert.equal(h.sensor.counters.get("bad_handshakes"), 2);
});

test("the disk quota evicts the oldest bodies first and keeps every message's metadata", async (t) => {
  const h = await startHarness(t, { disk_quota_mb: 1, message_bytes: 400_000 });
  for (let i = 0; i < 5; i++) {
    const body = `Subject: part ${i}\r\n\r\n${String(i).repeat(300_000)}`;
    const reply = await talk(h.smtpPort, mail(body), 3000);
    assert.match(reply.received, /250 2\.0\.0 Ok: queued/);
    await new Promise((r) => setTimeout(r, 20));
    h.sensor.flush();
  }
  const sessions = await h.sessions(5);
  assert.deepEqual(
    sessions.map((s) => s.message_list[0]?.body_stored),
    [false, false, true, true, true],
  );
  assert.equal(h.sensor.counters.get("bodies_evicted"), 2);
  const sizes = sessions.map(
    (s, i) => (s.message_list[0]?.size ?? 0) - Buffer.byteLength(`Subject: part ${i}\r\n\r\n`),
  );
  assert.deepEqual(sizes, [300_002, 300_002, 300_002, 300_002, 300_002]);
});
