// Copies the files tsc does not emit (the store's numbered SQL migrations, the web server's
// static files) into dist/.
import { cpSync } from "node:fs";

cpSync("src/store/migrations", "dist/store/migrations", { recursive: true });
cpSync("src/web/public", "dist/web/public", { recursive: true });
