import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { clientNetwork, formatIpv6 } from "../../src/core/index.js";

test("clients are counted by IPv4 address or by the IPv6 prefix a subscriber holds", () => {
  assert.equal(clientNetwork("192.0.2.7"), "192.0.2.7");
  assert.equal(clientNetwork("::ffff:192.0.2.7"), "192.0.2.7", "a dual-stack listener's IPv4 client");
  assert.equal(clientNetwork("2001:db8:1:2:aaaa::1"), "2001:db8:1::/56");
  assert.equal(clientNetwork("2001:db8:1:2::1"), clientNetwork("2001:db8:1:ff::1"), "one /56, 256 /64s");
  assert.notEqual(clientNetwork("2001:db8:1:ff::1"), clientNetwork("2001:db8:1:100::1"));
  assert.equal(clientNetwork("2001:db8:1:2::1", 64), "2001:db8:1:2::/64");
  assert.equal(clientNetwork("2001:db8:1:2::1", 48), "2001:db8:1::/48");
});

test("every address of a client's IPv6 prefix maps to the same key, and no other address does", () => {
  const word = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
  fc.assert(
    fc.property(word, word, fc.integer({ min: 1, max: 128 }), (a, b, bits) => {
      const host = BigInt(128 - bits);
      const samePrefix = a >> host === b >> host;
      const sameKey = clientNetwork(formatIpv6(a), bits) === clientNetwork(formatIpv6(b), bits);
      // ::ffff:a.b.c.d is an IPv4 client whatever the prefix length.
      if ([a, b].some((v) => v >> 32n === 0xffffn)) return;
      assert.equal(sameKey, samePrefix);
    }),
  );
});
