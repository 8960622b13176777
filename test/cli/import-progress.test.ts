import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { pino } from "pino";
import { bytesUnder, importProgress } from "../../src/cli/import-progress.js";
import { tempDir } from "../helpers/tmp.js";

function collected(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString();
}

test("on a terminal the progress is a bar over the bytes read, with the count", () => {
  const stream = Object.assign(new PassThrough(), {
    isTTY: true,
    columns: 100,
  }) as unknown as NodeJS.WriteStream;
  const output = collected(stream as unknown as PassThrough);
  const progress = importProgress("flows.json", { unit: "records", logName: "test", stream });
  progress.update({ bytesRead: 500, totalBytes: 1000, count: 1200 });
  progress.update({ bytesRead: 1000, totalBytes: 1000, count: 2400 });
  progress.stop();
  const text = output();
  assert.match(text, /100% \| 2,400 records \| flows\.json/);
});

test("elsewhere the progress is an 'importing' log line, none between two in the interval", () => {
  const sink = new PassThrough();
  const output = collected(sink);
  const log = pino({ level: "info" }, sink);
  const every = importProgress("detail.gz", { logName: "test", log, logEveryMs: 0 });
  every.update({ bytesRead: 10, totalBytes: 100 });
  every.update({ bytesRead: 20, totalBytes: 100 });
  every.stop();
  const lines = output()
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => [l.msg, l.input, l.bytesRead, l.totalBytes]),
    [
      ["importing", "detail.gz", 10, 100],
      ["importing", "detail.gz", 20, 100],
    ],
  );
  const quiet = new PassThrough();
  const quietOutput = collected(quiet);
  const hourly = importProgress("x", { logName: "test", log: pino(quiet), logEveryMs: 3_600_000 });
  hourly.update({ bytesRead: 10, totalBytes: 100 });
  hourly.stop();
  assert.equal(quietOutput(), "");
});

test("a progress total counts the files under a folder, or the one file", (t) => {
  const dir = tempDir(t, "bytes-under");
  mkdirSync(join(dir, "cur"));
  writeFileSync(join(dir, "cur", "a.eml"), "x".repeat(300));
  writeFileSync(join(dir, "b.eml"), "y".repeat(45));
  assert.equal(bytesUnder(dir), 345);
  assert.equal(bytesUnder(join(dir, "b.eml")), 45);
  assert.equal(bytesUnder(join(dir, "missing")), 0);
});
