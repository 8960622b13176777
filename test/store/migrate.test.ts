import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { migrate, openStore, readMigrations } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

test("openStore creates the database in WAL mode with every migration applied, once", (t) => {
  const dir = tempDir(t, "store");
  const db = openStore(dir);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  const versions = (
    db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[]
  ).map((r) => r.version);
  assert.deepEqual(versions.slice(0, 2), [1, 2]);
  db.close();
  const again = openStore(dir);
  assert.equal(
    (again.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get() as { n: number }).n,
    versions.length,
  );
  again.close();
});

test("migrations run in number order and a failing one leaves the schema at the version before", (t) => {
  const dir = tempDir(t, "migrations");
  writeFileSync(join(dir, "002_second.sql"), "CREATE TABLE b (x INTEGER);");
  writeFileSync(join(dir, "001_first.sql"), "CREATE TABLE a (x INTEGER);");
  writeFileSync(join(dir, "003_broken.sql"), "CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1);");
  writeFileSync(join(dir, "notes.txt"), "not a migration");
  const migrations = readMigrations(dir);
  assert.deepEqual(
    migrations.map((m) => `${m.version}:${m.name}`),
    ["1:first", "2:second", "3:broken"],
  );
  const db = new Database(":memory:");
  assert.throws(() => migrate(db, migrations), /no such table: nowhere/);
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
  assert.deepEqual(tables, ["a", "b", "schema_migrations"]);
  assert.deepEqual(migrate(db, migrations.slice(0, 2)), []);
});
