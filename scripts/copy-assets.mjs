// Copies the files tsc does not emit (the store's numbered SQL migrations) into dist/.
import { cpSync } from "node:fs";

cpSync("src/store/migrations", "dist/store/migrations", { recursive: true });
