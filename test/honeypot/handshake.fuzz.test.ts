/**
 * The proxy handshake parsers on random and mutated bytes: they never throw, never ask for more
 * bytes past their bound (so a connection's buffer stays bounded), and never claim more bytes
 * than they were given. Then random bytes at the live listeners: the sensor stays up.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import fc from "fast-check";
import { HTTP_HEAD_MAX, parseProxyRequest } from "../../src/honeypot/http-request.js";
import type { Parsed } from "../../src/honeypot/parse-result.js";
import { parseSocks4, SOCKS4_FIELD_MAX } from "../../src/honeypot/socks4.js";
import { parseSocks5Auth, parseSocks5Greeting, parseSocks5Request } from "../../src/honeypot/socks5.js";
import { startHarness } from "./sensor-harness.js";

/** Each parser with the most bytes it may wait for before deciding. */
const PARSERS: [string, (b: Buffer) => Parsed<unknown>, number, Buffer][] = [
  [
    "socks4",
    parseSocks4,
    8 + 2 * (SOCKS4_FIELD_MAX + 1),
    Buffer.from("\x04\x01\x00\x19\x00\x00\x00\x01bot\x00mx.example\x00", "latin1"),
  ],
  ["socks5 greeting", parseSocks5Greeting, 257, Buffer.from([5, 2, 0, 2])],
  ["socks5 auth", parseSocks5Auth, 513, Buffer.from("\x01\x04user\x04pass", "latin1")],
  [
    "socks5 request",
    parseSocks5Request,
    262,
    Buffer.from("\x05\x01\x00\x03\x0amx.example\x00\x19", "latin1"),
  ],
  [
    "http",
    parseProxyRequest,
    HTTP_HEAD_MAX,
    Buffer.from("CONNECT mx.example:25 HTTP/1.1\r\nHost: mx.example:25\r\n\r\n"),
  ],
];

function check(parse: (b: Buffer) => Parsed<unknown>, bound: number, bytes: Buffer): void {
  const result = parse(bytes);
  if (result.status === "more")
    assert.ok(bytes.length <= bound, `waits for more with ${bytes.length} bytes held`);
  if (result.status === "done") assert.ok(result.used > 0 && result.used <= bytes.length);
}

/** A valid handshake with bytes flipped, inserted, deleted or cut. */
const mutated = (seed: Buffer) =>
  fc
    .array(
      fc.oneof(
        fc.record({
          kind: fc.constant("flip" as const),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
        fc.record({
          kind: fc.constant("insert" as const),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
        fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), value: fc.constant(0) }),
      ),
      { maxLength: 8 },
    )
    .chain((edits) =>
      fc.nat({ max: seed.length + edits.length }).map((cut) => {
        const bytes = [...seed];
        for (const e of edits) {
          const at = bytes.length === 0 ? 0 : e.at % bytes.length;
          if (e.kind === "flip") bytes[at] = e.value;
          else if (e.kind === "insert") bytes.splice(at, 0, e.value);
          else bytes.splice(at, 1);
        }
        return Buffer.from(bytes.slice(0, cut + 1));
      }),
    );

for (const [name, parse, bound, seed] of PARSERS) {
  test(`${name}: random bytes never throw and never wait past ${bound} bytes`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: bound * 3 }), (bytes) =>
        check(parse, bound, Buffer.from(bytes)),
      ),
      { numRuns: 2000 },
    );
    // The right first byte, so the parser gets past its version check.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: bound * 3 }), (bytes) =>
        check(parse, bound, Buffer.concat([seed.subarray(0, 1), Buffer.from(bytes)])),
      ),
      { numRuns: 2000 },
    );
  });

  test(`${name}: mutated handshakes never throw and never wait past the bound`, () => {
    assert.equal(parse(seed).status, "done");
    fc.assert(
      fc.property(mutated(seed), (bytes) => check(parse, bound, bytes)),
      { numRuns: 3000 },
    );
  });
}

test("random bytes in random chunks at every listener never bring the sensor down", async (t) => {
  const h = await startHarness(t, { idle_seconds: 1 });
  const ports = [Number(h.http.split(":")[1]), h.socksPort, h.smtpPort];
  const sample = fc.sample(
    fc.array(fc.uint8Array({ minLength: 1, maxLength: 2048 }), { minLength: 1, maxLength: 6 }),
    {
      numRuns: 90,
      seed: 25,
    },
  );
  await Promise.all(
    sample.map(
      (chunks, i) =>
        new Promise<void>((resolve) => {
          const socket = connect({ port: ports[i % 3] as number, host: "127.0.0.1" });
          socket.on("error", () => resolve());
          socket.on("close", () => resolve());
          socket.on("connect", () => {
            for (const chunk of chunks) socket.write(chunk);
            setTimeout(() => socket.destroy(), 300);
          });
        }),
    ),
  );
  const banner = await new Promise<string>((resolve) => {
    const socket = connect({ port: h.smtpPort, host: "127.0.0.1" });
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString());
    });
  });
  assert.match(banner, /^220 /);
});
