import type { TestContext } from "node:test";
import { importNfdump } from "../../src/flows/intake/import.js";
import { loadPlan, type Plan } from "../../src/plan/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * A store holding the week of mail.json (made from mail.pcap, see make-pcap.py), and the
 * example plan: bot-like 203.0.113.10, mail client 203.0.113.20, the excepted mail server
 * 203.0.113.99 (region sul), an IPv6 mail client in norte, relay/587/465 users and a static sender.
 */
export async function fixtureStore(t: TestContext): Promise<{ store: Store; plan: Plan }> {
  const store = openStore(tempDir(t, "flows-fixture"));
  t.after(() => store.close());
  await importNfdump(store, "test/fixtures/flows/nfdump/mail.json", { format: "nfdump-json" });
  return { store, plan: loadPlan("examples/plan.yaml").plan };
}
