export { type Migration, migrate, readMigrations } from "./migrate.js";
export { DATABASE_FILE, openStore, type Store } from "./open.js";
