import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { test } from "node:test";
import { SMTPServer } from "smtp-server";
import { TransportPool } from "../../src/submission/transports.js";

/** A plain SMTP server on loopback that keeps what it receives and can hang up on its clients. */
async function startReceiver(t: { after(fn: () => unknown): void }, onBody?: (socket: Socket) => void) {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const parts: Buffer[] = [];
      stream.on("data", (part: Buffer) => {
        parts.push(part);
        if (onBody)
          for (const socket of sockets) if (socket.remotePort === session.remotePort) onBody(socket);
      });
      stream.on("end", () => {
        received.push(Buffer.concat(parts).toString("latin1"));
        callback();
      });
    },
  });
  const net = (server as unknown as { server: import("node:net").Server }).server;
  net.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (net.address() as import("node:net").AddressInfo).port;
  return {
    port,
    received,
    hangUp: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

const envelope = { from: "ana@example.net", to: ["bob@example.org"] };
const message = (n: number) => Buffer.from(`Subject: ${n}\r\n\r\n.leading dot ${n}\r\nend\r\n`);

test("a kept session the server closed while idle is replaced, and the message goes once", async (t) => {
  const receiver = await startReceiver(t);
  const pool = new TransportPool({ hostname: "submission.example.net", idleMs: 60_000 });
  t.after(() => pool.close(true));
  const destination = { host: "127.0.0.1", port: receiver.port };
  await pool.send(destination, envelope, message(1));
  receiver.hangUp();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pool.send(destination, envelope, message(2));
  assert.deepEqual(receiver.received, [
    "Subject: 1\r\n\r\n.leading dot 1\r\nend\r\n",
    "Subject: 2\r\n\r\n.leading dot 2\r\nend\r\n",
  ]);
});

test("a kept session cut during the message body is not retried: the server may have the message", async (t) => {
  let cuts = 0;
  const receiver = await startReceiver(t, (socket) => {
    if (receiver.received.length === 1 && cuts === 0) {
      cuts++;
      socket.destroy();
    }
  });
  const pool = new TransportPool({ hostname: "submission.example.net", idleMs: 60_000 });
  t.after(() => pool.close(true));
  const destination = { host: "127.0.0.1", port: receiver.port };
  await pool.send(destination, envelope, message(1));
  await assert.rejects(pool.send(destination, envelope, message(2)));
  assert.equal(cuts, 1);
  // Cut after its bytes arrived, the server kept it; a retry would have sent it a second time.
  assert.ok(receiver.received.filter((text) => text.includes("dot 2")).length <= 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(receiver.received.filter((text) => text.includes("dot 2")).length <= 1);
});
