import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { UserError } from "../core/index.js";
import { migrate, readMigrations } from "./migrate.js";

export type Store = Database.Database;

export const DATABASE_FILE = "porteiro.db";
const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Opens the store a read-only command reads: one that is not there is an error naming where it
 * was looked for, never an empty store quietly made in the wrong folder.
 */
export function openExistingStore(dataDir: string): Store {
  const file = join(dataDir, DATABASE_FILE);
  if (!existsSync(file))
    throw new UserError(`no store at ${file}; give --data DIR or -c porteiro.yaml naming the data folder`);
  return openStore(dataDir);
}

/**
 * Opens (creating if needed) the one SQLite database under the data folder, in WAL mode so
 * readers never wait for the writer, and brings its schema up to date.
 */
export function openStore(dataDir: string): Store {
  let db: Store;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DATABASE_FILE));
  } catch (error) {
    throw new UserError(`${dataDir}: cannot open the data folder (${(error as Error).message})`);
  }
  db.pragma("journal_mode = WAL");
  // FULL: a committed row (a spooled message's index) survives a power cut, not only a crash.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db, readMigrations(MIGRATIONS));
  return db;
}
