import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type Address, formatAddress } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { addressKey } from "../../src/subscribers/address-key.js";
import { type Lease, LeaseIndex } from "../../src/subscribers/index.js";
import { tempDir } from "../helpers/tmp.js";

const v4 = (value: number): Address => ({ family: 4, value });
const v6 = (value: bigint): Address => ({ family: 6, value });
const BASE6 = 0x20010db8000100000000000000000000n;

// A small world so leases collide: three IPv4 addresses; IPv6 /128s inside /64s inside a /56.
const address = fc.oneof(
  fc.integer({ min: 0, max: 2 }).map((i) => ({ address: v4(0xc0000200 + i), prefixLength: 32 })),
  fc.constantFrom(
    { address: v6(BASE6 + 5n), prefixLength: 128 },
    { address: v6(BASE6), prefixLength: 64 },
    { address: v6(BASE6 + (1n << 64n)), prefixLength: 64 },
    { address: v6(BASE6), prefixLength: 56 },
  ),
);
const lease = fc
  .record({
    where: address,
    subscriber: fc.constantFrom("ana", "bia", "caio", "dora"),
    startMs: fc.integer({ min: 0, max: 100 }),
    duration: fc.option(fc.integer({ min: 0, max: 60 })),
  })
  .map(
    ({ where, subscriber, startMs, duration }): Lease => ({
      ...where,
      subscriber,
      startMs,
      endMs: duration === null ? null : startMs + duration,
    }),
  );
const query = fc.record({
  address: fc.constantFrom(
    v4(0xc0000200),
    v4(0xc0000201),
    v4(0xc0000203),
    v6(BASE6 + 5n),
    v6(BASE6 + 9n),
    v6(BASE6 + (1n << 64n) + 3n),
    v6(BASE6 + (2n << 64n)),
  ),
  atMs: fc.integer({ min: -5, max: 170 }),
});

// Port blocks of two shared addresses, overlapping so that a port may fall in two blocks.
const BLOCKS = [
  { first: 0, last: 99 },
  { first: 100, last: 199 },
  { first: 50, last: 149 },
];
const blockLease = fc
  .record({
    address: fc.integer({ min: 0, max: 1 }).map((i) => v4(0xcb0071c8 + i)),
    ports: fc.constantFrom(...BLOCKS),
    subscriber: fc.constantFrom("ana", "bia", "caio", "dora"),
    startMs: fc.integer({ min: 0, max: 100 }),
    duration: fc.option(fc.integer({ min: 0, max: 60 })),
  })
  .map(
    ({ address, ports, subscriber, startMs, duration }): Lease => ({
      address,
      prefixLength: 32,
      subscriber,
      startMs,
      endMs: duration === null ? null : startMs + duration,
      ports,
    }),
  );
const wholeLease = fc
  .record({
    address: fc.integer({ min: 0, max: 1 }).map((i) => v4(0xcb0071c8 + i)),
    subscriber: fc.constantFrom("ana", "bia", "eva"),
    startMs: fc.integer({ min: 0, max: 100 }),
    duration: fc.option(fc.integer({ min: 0, max: 60 })),
  })
  .map(
    ({ address, subscriber, startMs, duration }): Lease => ({
      address,
      prefixLength: 32,
      subscriber,
      startMs,
      endMs: duration === null ? null : startMs + duration,
    }),
  );

function contains(l: Lease, a: Address): boolean {
  if (l.address.family !== a.family) return false;
  const bits = BigInt((a.family === 4 ? 32 : 128) - l.prefixLength);
  return BigInt(l.address.value) >> bits === BigInt(a.value) >> bits;
}

/** Of leases of one thing (an address, a prefix, a port block), the one holding it at `atMs`. */
function naiveHolder(leases: readonly Lease[], atMs: number): Lease | undefined {
  // The holder is the latest-starting lease (ties: the longer, then the later name) …
  let latest: Lease | undefined;
  for (const l of leases) {
    if (l.startMs > atMs) continue;
    const end = l.endMs ?? Number.POSITIVE_INFINITY;
    const latestEnd = latest?.endMs ?? Number.POSITIVE_INFINITY;
    if (
      !latest ||
      l.startMs > latest.startMs ||
      (l.startMs === latest.startMs &&
        (end > latestEnd || (end === latestEnd && l.subscriber > latest.subscriber)))
    ) {
      latest = l;
    }
  }
  // … and only while its own lease lasts.
  return latest && (latest.endMs === null || latest.endMs > atMs) ? latest : undefined;
}

// A lease that ends where it starts holds no instant.
const holdsAnInstant = (l: Lease) => l.endMs === null || l.endMs > l.startMs;

/** Straight from the documented semantics, by linear scan. */
function naiveSubscriberAt(all: readonly Lease[], a: Address, atMs: number): string | null {
  const leases = all.filter((l) => holdsAnInstant(l) && !l.ports);
  const lengths = [...new Set(leases.filter((l) => contains(l, a)).map((l) => l.prefixLength))].sort(
    (x, y) => y - x,
  );
  for (const length of lengths) {
    const holder = naiveHolder(
      leases.filter((l) => l.prefixLength === length && contains(l, a)),
      atMs,
    );
    if (holder) return holder.subscriber;
  }
  return null;
}

/** Who held a possibly shared address, by the documented semantics: [kind, subscriber]. */
function naiveHolding(all: readonly Lease[], a: Address, atMs: number, port: number | null) {
  const blocks = all.filter((l) => holdsAnInstant(l) && l.ports && contains(l, a));
  const ranges = [...new Set(blocks.map((l) => `${l.ports?.first}-${l.ports?.last}`))];
  const held = ranges.flatMap((range) => {
    const holder = naiveHolder(
      blocks.filter((l) => `${l.ports?.first}-${l.ports?.last}` === range),
      atMs,
    );
    return holder ? [holder] : [];
  });
  if (held.length === 0) {
    const subscriber = naiveSubscriberAt(all, a, atMs);
    return subscriber === null ? ["none", null] : ["address", subscriber];
  }
  const holding = held.filter(
    (l) => port !== null && l.ports && l.ports.first <= port && port <= l.ports.last,
  );
  const subscribers = new Set(holding.map((l) => l.subscriber));
  return subscribers.size === 1 ? ["port-block", [...subscribers][0]] : ["shared-address", null];
}

test("subscriberAt agrees with a linear scan of the documented semantics", () => {
  fc.assert(
    fc.property(
      fc.array(lease, { maxLength: 25 }),
      fc.array(query, { minLength: 1, maxLength: 20 }),
      (leases, queries) => {
        const index = LeaseIndex.fromLeases(leases);
        for (const q of queries) {
          assert.equal(
            index.subscriberAt(q.address, q.atMs),
            naiveSubscriberAt(leases, q.address, q.atMs),
            `${formatAddress(q.address)} at ${q.atMs}`,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("subscribersDuring adds up who held the address, instant by instant", () => {
  fc.assert(
    fc.property(
      fc.array(lease, { maxLength: 15 }),
      query,
      fc.integer({ min: 1, max: 40 }),
      (leases, q, span) => {
        const index = LeaseIndex.fromLeases(leases);
        const expected = new Map<string, number>();
        for (let t = q.atMs; t < q.atMs + span; t++) {
          const who = naiveSubscriberAt(leases, q.address, t);
          if (who) expected.set(who, (expected.get(who) ?? 0) + 1);
        }
        const got = index.subscribersDuring(q.address, q.atMs, q.atMs + span);
        assert.deepEqual(new Map(got.map((h) => [h.subscriber, h.heldMs])), expected);
        for (let i = 1; i < got.length; i++)
          assert.ok((got[i - 1] as { heldMs: number }).heldMs >= (got[i] as { heldMs: number }).heldMs);
      },
    ),
    { numRuns: 300 },
  );
});

test("a window loaded from the store answers like everything loaded, inside the window", (t) => {
  const store = openStore(tempDir(t, "lease-index"));
  t.after(() => store.close());
  const insert = store.prepare(
    `INSERT OR IGNORE INTO subscriber_leases (family, address, address_key, prefix_length, subscriber, start_ms, end_ms,
       port_first, port_last, source_format, source_file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'kea-csv', 'test')`,
  );
  const shared = fc.record({
    address: fc.integer({ min: 0, max: 2 }).map((i) => v4(0xcb0071c8 + i)),
    atMs: fc.integer({ min: -5, max: 170 }),
    port: fc.option(fc.integer({ min: 0, max: 220 })),
  });
  const answer = (index: LeaseIndex, q: { address: Address; port: number | null }, atMs: number) => {
    const holding = index.holdingAt(q.address, atMs, q.port);
    return holding.kind === "address" || holding.kind === "port-block"
      ? [holding.kind, holding.lease.subscriber]
      : [holding.kind];
  };
  fc.assert(
    fc.property(
      fc.array(fc.oneof(lease, blockLease, wholeLease), { maxLength: 25 }),
      fc.integer({ min: -5, max: 120 }),
      fc.integer({ min: 1, max: 60 }),
      fc.array(
        fc.oneof(
          query.map((q) => ({ ...q, port: null })),
          shared,
        ),
        { maxLength: 20 },
      ),
      (leases, sinceMs, span, queries) => {
        store.exec("DELETE FROM subscriber_leases");
        for (const l of leases)
          insert.run(
            l.address.family,
            formatAddress(l.address),
            addressKey(l.address),
            l.prefixLength,
            l.subscriber,
            l.startMs,
            l.endMs,
            l.ports?.first ?? 0,
            l.ports?.last ?? 65535,
          );
        // The store keeps one lease per (address, subscriber, start, block), the first inserted.
        const stored = LeaseIndex.load(store);
        const windowed = LeaseIndex.load(store, { sinceMs, untilMs: sinceMs + span });
        for (const q of queries) {
          const atMs = sinceMs + (((q.atMs % span) + span) % span);
          assert.deepEqual(answer(windowed, q, atMs), answer(stored, q, atMs));
        }
      },
    ),
    { numRuns: 150 },
  );
});

test("an IPv6 address is answered by the longest prefix holding it, and text addresses are accepted", () => {
  const index = LeaseIndex.fromLeases([
    { address: v6(BASE6), prefixLength: 56, subscriber: "ana", startMs: 0, endMs: null },
    { address: v6(BASE6 + 5n), prefixLength: 128, subscriber: "bia", startMs: 10, endMs: 20 },
  ]);
  assert.equal(index.subscriberAt("2001:db8:1::5", 5), "ana");
  assert.equal(index.subscriberAt("2001:db8:1::5", 15), "bia");
  assert.equal(index.subscriberAt("2001:db8:1:ff:1::", 15), "ana");
  assert.equal(index.subscriberAt("2001:db8:1:100::", 15), null);
  assert.deepEqual(index.subscribersDuring("2001:db8:1::5", 0, 60), [
    { subscriber: "ana", heldMs: 50 },
    { subscriber: "bia", heldMs: 10 },
  ]);
});

test("holdingAt agrees with the documented semantics on shared addresses, with and without a port", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(blockLease, wholeLease), { maxLength: 20 }),
      fc.array(
        fc.record({
          address: fc.integer({ min: 0, max: 2 }).map((i) => v4(0xcb0071c8 + i)),
          atMs: fc.integer({ min: -5, max: 170 }),
          port: fc.option(fc.integer({ min: 0, max: 220 })),
        }),
        { minLength: 1, maxLength: 20 },
      ),
      (leases, queries) => {
        const index = LeaseIndex.fromLeases(leases);
        for (const q of queries) {
          const holding = index.holdingAt(q.address, q.atMs, q.port);
          const got = [
            holding.kind,
            holding.kind === "address" || holding.kind === "port-block" ? holding.lease.subscriber : null,
          ];
          assert.deepEqual(got, naiveHolding(leases, q.address, q.atMs, q.port), JSON.stringify(q));
          if (holding.kind === "shared-address") assert.ok(holding.holders.length > 0);
          // Without a port, a shared address is never any one subscriber's.
          if (q.port === null) assert.notEqual(holding.kind, "port-block");
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("a shared address: the port picks the block's holder; time it was shared counts for no one", () => {
  const index = LeaseIndex.fromLeases([
    {
      address: v4(0xcb0071c8),
      prefixLength: 32,
      subscriber: "ana",
      startMs: 0,
      endMs: 100,
      ports: BLOCKS[0],
    },
    {
      address: v4(0xcb0071c8),
      prefixLength: 32,
      subscriber: "bia",
      startMs: 10,
      endMs: 60,
      ports: BLOCKS[1],
    },
    { address: v4(0xcb0071c8), prefixLength: 32, subscriber: "caio", startMs: 0, endMs: null },
  ]);
  const at = (atMs: number, port: number | null = null) => {
    const holding = index.holdingAt("203.0.113.200", atMs, port);
    return holding.kind === "shared-address"
      ? [holding.kind, holding.holders.map((h) => `${h.subscriber} ${h.ports.first}-${h.ports.last}`)]
      : [holding.kind, holding.kind === "none" ? null : holding.lease.subscriber];
  };
  assert.deepEqual(at(50, 150), ["port-block", "bia"]);
  assert.deepEqual(at(50, 250), ["shared-address", ["ana 0-99", "bia 100-199"]]);
  assert.deepEqual(at(50), ["shared-address", ["ana 0-99", "bia 100-199"]]);
  assert.deepEqual(at(80, 150), ["shared-address", ["ana 0-99"]], "bia's block ended at 60");
  // Once no block is held, the whole-address lease answers again.
  assert.deepEqual(at(120, 150), ["address", "caio"]);
  assert.equal(index.subscriberAt("203.0.113.200", 50), null);
  assert.deepEqual(index.subscribersDuring("203.0.113.200", 0, 200), [{ subscriber: "caio", heldMs: 100 }]);
});
