/**
 * The spool's delivery lock: when its holder was killed, several processes that take it over at
 * the same moment end up with exactly one owner (the takeover is atomic), and the lock names it.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { deliveryHolder, Spool } from "../../src/submission/index.js";
import { tempDir } from "../helpers/tmp.js";

const TAKERS = 6;

/** A pid that no process has any more: a child's, once it exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

/** The lines a child prints, one at a time. */
function lines(child: ChildProcess): () => Promise<string> {
  const queued: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  let rest = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) {
      if (waiting) {
        waiting(line);
        waiting = undefined;
      } else queued.push(line);
    }
  });
  return () => {
    const line = queued.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => (waiting = resolve));
  };
}

test("a stale delivery lock taken over by several processes at once has exactly one owner", {
  timeout: 60_000,
}, async (t) => {
  const data = tempDir(t, "delivery-lock");
  const spool = new Spool(openStore(data), data);
  writeFileSync(join(spool.dir, "delivery.lock"), `${deadPid()}\n`);
  assert.equal(deliveryHolder(spool.dir), undefined, "a lock naming a dead process is stale");
  const go = join(data, "go");
  const takers = Array.from({ length: TAKERS }, () =>
    spawn(process.execPath, ["--import", "tsx", "test/helpers/lock-taker.ts", data, go], {
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  t.after(() => {
    for (const taker of takers) taker.kill("SIGKILL");
  });
  const next = takers.map(lines);
  assert.deepEqual(await Promise.all(next.map((line) => line())), Array(TAKERS).fill("ready"));
  writeFileSync(go, "");
  const said = await Promise.all(next.map((line) => line()));
  assert.equal(said.filter((s) => s === "owner").length, 1, said.join(", "));
  const owner = takers[said.indexOf("owner")];
  assert.equal(Number(readFileSync(join(spool.dir, "delivery.lock"), "utf8")), owner?.pid);
});
