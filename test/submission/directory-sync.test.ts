import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DirectorySync } from "../../src/submission/directory-sync.js";
import { tempDir } from "../helpers/tmp.js";

/** How many of this process's open files are `path` (Linux). */
const opened = (path: string) =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;

test("the folder stays open between fsyncs and is closed a second after the last one", async (t) => {
  const dir = tempDir(t, "directory-sync-");
  const folder = new DirectorySync(dir);
  await Promise.all([folder.sync(), folder.sync(), folder.sync()]);
  await folder.sync();
  assert.equal(opened(dir), 1);
  await new Promise((resolve) => setTimeout(resolve, 1300));
  assert.equal(opened(dir), 0);
  await folder.sync();
  assert.equal(opened(dir), 1);
});

test("a folder that is missing fails its fsync, and the next one works once the folder exists", async (t) => {
  const dir = join(tempDir(t, "directory-sync-"), "later");
  const folder = new DirectorySync(dir);
  await assert.rejects(folder.sync(), { code: "ENOENT" });
  mkdirSync(dir);
  await folder.sync();
  assert.equal(opened(dir), 1);
});
