export { type Migration, migrate, readMigrations } from "./migrate.js";
export { DATABASE_FILE, openExistingStore, openStore, type Store } from "./open.js";
