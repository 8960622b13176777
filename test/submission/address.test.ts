import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseMailbox, parseSenderPattern, senderMatches } from "../../src/submission/index.js";

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const domain = fc.tuple(label, fc.constantFrom("net", "org", "com.br")).map(([a, b]) => `${a}.${b}`);
const local = fc.stringMatching(/^[a-z0-9._+-]{1,16}$/);

test("parseMailbox accepts local@domain and lower-cases it", () => {
  fc.assert(
    fc.property(local, domain, (l, d) => {
      assert.equal(parseMailbox(` ${l.toUpperCase()}@${d.toUpperCase()} `), `${l}@${d}`);
    }),
  );
  for (const bad of [
    "",
    "ana",
    "@example.net",
    "ana@",
    "ana@example",
    "a b@example.net",
    "<ana@example.net>",
    "ana@-x.net",
  ]) {
    assert.throws(() => parseMailbox(bad), /is not a mail address/, bad);
  }
});

test("a wildcard pattern matches exactly the addresses of its domain whose local part fits", () => {
  fc.assert(
    fc.property(local, domain, domain, (l, d, other) => {
      assert.ok(senderMatches(`*@${d}`, `${l}@${d}`));
      assert.equal(senderMatches(`*@${d}`, `${l}@${other}`), other === d);
      assert.ok(senderMatches(`${l}@${d}`, `${l.toUpperCase()}@${d}`));
    }),
  );
  assert.ok(senderMatches("sales-*@example.net", "sales-north@example.net"));
  assert.ok(!senderMatches("sales-*@example.net", "support@example.net"));
  assert.ok(!senderMatches("*@example.net", "ana@sub.example.net"), "a subdomain is another domain");
  assert.ok(!senderMatches("a.b@example.net", "axb@example.net"), "dots are literal");
});

test("parseSenderPattern refuses what is not a pattern", () => {
  assert.equal(parseSenderPattern("*@Example.NET"), "*@example.net");
  for (const bad of ["*", "example.net", "*@", "*@nodot"]) assert.throws(() => parseSenderPattern(bad), bad);
});
