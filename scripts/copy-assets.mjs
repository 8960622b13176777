// Copies the files tsc does not emit (the store's numbered SQL migrations, the web server's
// static files, the notices' templates) into dist/, and stamps the commit being built so `porteiro --version` names it.
import { execFileSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";

cpSync("src/store/migrations", "dist/store/migrations", { recursive: true });
cpSync("src/web/public", "dist/web/public", { recursive: true });
cpSync("src/campaigns/templates", "dist/campaigns/templates", { recursive: true });

let commit;
try {
  commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
    encoding: "utf8",
    stdio: "pipe",
  }).trim();
} catch {
  commit = process.env.PORTEIRO_COMMIT || undefined;
}
writeFileSync("dist/build-info.json", `${JSON.stringify({ commit })}\n`);
