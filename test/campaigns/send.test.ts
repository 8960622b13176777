/**
 * A campaign's notices through the submission spool and delivery to a real Postfix (the
 * smarthost): one per subscriber, in their language, RFC 2047 headers and UTF-8 bodies read back
 * by mailparser; a second send queues nobody twice; the funnel counts them delivered.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { simpleParser } from "mailparser";
import {
  campaignFunnel,
  NoticeTemplates,
  planCampaign,
  sendCampaign,
  settleNotices,
} from "../../src/campaigns/index.js";
import { createLogger, parseDay } from "../../src/core/index.js";
import type { Notice } from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { Spool, startOwnedDelivery } from "../../src/submission/index.js";
import { importDirectory } from "../../src/subscribers/index.js";
import { startPostfix } from "../helpers/postfix.js";
import { tempDir } from "../helpers/tmp.js";

const sender = (subscriber: string | null, address: string, cls: Notice["class"]): Notice => ({
  subscriber,
  address,
  class: cls,
  region: "sul",
  pool: "sul-dyn",
  evidence: `12 flows to 3 destinations on port 25, 2027-02-01..2027-02-20; <script>x</script>`,
});

const SETTINGS = {
  from: "avisos@example.net",
  provider: "Telecom Açaí",
  submissionHost: "smtp.example.net",
  submissionPort: 587,
  submissionTlsPort: 465,
  support: "Ligue 0800 000 0000",
  regionNames: new Map([["sul", "Região Sul"]]),
};

test("campaign send: notices through the spool to Postfix, once each, in the subscriber's language", {
  timeout: 120_000,
}, async (t) => {
  const mailboxes = ["ana@example.org", "bob@example.org", "carla@example.org"];
  const postfix = await startPostfix(t, { mailboxes });
  if (!postfix) return;
  const data = tempDir(t, "campaign");
  const store = openStore(data);
  t.after(() => store.close());
  const csv = join(data, "customers.csv");
  writeFileSync(
    csv,
    'subscriber,email,name,language\nsub-1,ana@example.org,"Ana Conceição",pt-BR\n' +
      "sub-2,bob@example.org,Bob Smith,en\nsub-3,carla@example.org,Carla Muñoz,es-AR\n",
  );
  importDirectory(store, csv);
  const plan = planCampaign(store, {
    region: "sul",
    at: parseDay("2027-03-01"),
    notify: [
      sender("sub-1", "198.51.100.10", "mail-client"),
      sender("sub-2", "198.51.100.11", "server"),
      sender("sub-3", "198.51.100.12", "mail-client"),
      sender("sub-3", "198.51.100.13", "bot-like"),
      sender("sub-4", "198.51.100.14", "mail-client"),
      sender(null, "198.51.100.15", "bot-like"),
    ],
    excepted: [{ ...sender("sub-5", "198.51.100.16", "server"), exception: "hospital mail server" }],
    defaultLanguage: "pt-BR",
  });
  assert.deepEqual(
    plan.notify.map((n) => [n.subscriber, n.kind, n.language]),
    [
      ["sub-1", "mail-client", "pt-BR"],
      ["sub-2", "server", "en"],
      ["sub-3", "bot-like", "es"],
    ],
  );
  assert.deepEqual(
    plan.apart.map((a) => [a.subscriber, a.reason]),
    [
      ["sub-4", "no e-mail address on file (subscribers import)"],
      [null, "no subscriber held the address in the leases"],
      ["sub-5", "exception in force: hospital mail server"],
    ],
  );

  const spool = new Spool(store, data);
  const delivery = startOwnedDelivery({
    spool,
    hostname: "porteiro.test",
    smarthost: { host: "127.0.0.1", port: postfix.port },
    logger: createLogger("campaign-test"),
    pollMs: 200,
  });
  t.after(() => delivery.stop());
  assert.ok(delivery.owns());
  const templates = new NoticeTemplates(data);
  const options = { store, templates, settings: SETTINGS, perMinute: 0, spool, delivery };
  const first = await sendCampaign(plan, options);
  assert.equal(first.queued, 3);
  const again = await sendCampaign(plan, options);
  assert.equal(again.queued, 0, "a campaign sent again queues nobody twice");

  const [ana] = await postfix.waitForMail("ana@example.org", 1);
  const [bob] = await postfix.waitForMail("bob@example.org", 1);
  const [carla] = await postfix.waitForMail("carla@example.org", 1);
  const pt = await simpleParser(ana as Buffer);
  assert.match(
    pt.subject ?? "",
    /^Telecom Açaí: seu programa de e-mail deve usar a porta 587 até 2027-03-01$/,
  );
  assert.match(
    (ana as Buffer).toString("latin1"),
    /^Subject: =\?UTF-8\?/m,
    "a non-ASCII subject is RFC 2047 encoded",
  );
  assert.equal(pt.headers.get("auto-submitted"), "auto-generated");
  assert.equal(pt.headers.get("content-language"), "pt-BR");
  assert.equal(pt.headers.has("list-unsubscribe"), false);
  assert.match(pt.messageId ?? "", /^<[0-9a-f-]+@example\.net>$/);
  assert.match(pt.text ?? "", /Olá, Ana Conceição\./);
  assert.match(pt.text ?? "", /Servidor: smtp\.example\.net/);
  assert.match(pt.html || "", /&lt;script&gt;x&lt;\/script&gt;/, "evidence is escaped in the HTML");
  assert.doesNotMatch(pt.html || "", /<script>/);
  assert.match(
    (await simpleParser(bob as Buffer)).subject ?? "",
    /mail server on your connection will be blocked/,
  );
  const es = await simpleParser(carla as Buffer);
  assert.match(es.subject ?? "", /un dispositivo en su conexión parece estar infectado/);
  assert.match(es.text ?? "", /Hola, Carla Muñoz:/);

  for (let i = 0; i < 50 && settleNotices(store, spool).delivered < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(postfix.mail("ana@example.org").length, 1);
  const funnel = campaignFunnel(store, {
    traffic: {
      seenOn25: [{ subscriber: "sub-2", last_seen: "2999-01-01T00:00:00Z" }],
      submissionDays: [],
      flowsUntil: "2999-01-02T00:00:00.000Z",
    },
  });
  const total = (key: "affected" | "notified" | "delivered" | "moved" | "still_on_25") =>
    funnel.reduce((sum, row) => sum + row[key], 0);
  assert.deepEqual(
    [total("affected"), total("notified"), total("delivered"), total("moved"), total("still_on_25")],
    [5, 3, 3, 2, 1],
  );
});
