import assert from "node:assert/strict";
import { test } from "node:test";
import { MailRouter, RouteError } from "../../src/submission/mx.js";
import { startDnsStub } from "../helpers/dns-stub.js";

test("MX hosts in order of preference, the domain itself without MX, and the permanent failures", async (t) => {
  const dns = await startDnsStub(t, {
    "example.net": {
      MX: [
        [20, "mx2.example.net"],
        [5, "mx1.example.net"],
        [10, "unresolvable.example.net"],
      ],
    },
    "mx1.example.net": { A: ["192.0.2.1"] },
    "mx2.example.net": { A: ["192.0.2.2", "192.0.2.3"] },
    "example.com": { A: ["198.51.100.7"] },
    "null.example": { MX: [[0, ""]] },
    "bare.example": {},
  });
  const router = new MailRouter([dns]);
  assert.deepEqual(await router.route("example.net"), [
    { name: "mx1.example.net", addresses: ["192.0.2.1"] },
    { name: "mx2.example.net", addresses: ["192.0.2.2", "192.0.2.3"] },
  ]);
  assert.deepEqual(await router.route("example.com"), [{ name: "example.com", addresses: ["198.51.100.7"] }]);
  assert.deepEqual(await router.route("[192.0.2.9]"), [{ name: "[192.0.2.9]", addresses: ["192.0.2.9"] }]);
  const failure = async (domain: string) => {
    try {
      await router.route(domain);
    } catch (error) {
      assert.ok(error instanceof RouteError);
      return [error.permanent, error.message.split(" ")[0]];
    }
    assert.fail(`${domain} routed`);
  };
  assert.deepEqual(await failure("nowhere.example"), [true, "5.1.2"]);
  assert.deepEqual(await failure("null.example"), [true, "5.1.10"]);
  assert.deepEqual(await failure("bare.example"), [true, "5.1.2"]);
});
