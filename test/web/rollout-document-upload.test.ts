import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { MAX_DOCUMENT_BYTES } from "../../src/rollout/index.js";
import { serveProgramme, twoIsps } from "../rollout/helpers.js";

const upload = (name: string, content: Buffer) => ({
  org_id: "a",
  kind: "technical-note",
  title: name,
  date: "2026-12-01",
  file: { name, type: "application/pdf", content_base64: content.toString("base64") },
});

test("a document file as large as the schema allows uploads and reads back whole; a larger one is refused", async (t) => {
  const p = await serveProgramme(t, twoIsps);
  const largest = randomBytes(MAX_DOCUMENT_BYTES);
  const created = await p.request("adm", "POST", "/api/rollout/documents", upload("resolution.pdf", largest));
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: number };
  const file = await p.request("adm", "GET", `/api/rollout/documents/${id}/file`);
  assert.equal(file.status, 200);
  assert.ok(Buffer.from(await file.arrayBuffer()).equals(largest), "the same bytes come back");

  const tooLarge = await p.request(
    "adm",
    "POST",
    "/api/rollout/documents",
    upload("big.pdf", randomBytes(MAX_DOCUMENT_BYTES + 4096)),
  );
  assert.equal(tooLarge.status, 400);
  assert.match(((await tooLarge.json()) as { error: string }).error, /content_base64/);
});
