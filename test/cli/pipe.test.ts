import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

/** The command's status and stderr when its reader closes the pipe after the first chunk, as `| head -1` does. */
function readFirstChunkOnly(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

test("a reader that closes the pipe early ends the command quietly, with no EPIPE trace", async (t) => {
  const dir = tempDir(t, "cli");
  const [header, row] = readFileSync("test/fixtures/flows/nfdump/mail.csv", "utf8").split("\n");
  const fields = (row as string).split(",");
  // More rows than a pipe's buffer holds (64 KiB), so the writer meets the closed pipe.
  const rows = Array.from({ length: 1000 }, (_, i) =>
    [
      ...fields.slice(0, 3),
      `2001:db8:1000::${i.toString(16)}`,
      `2001:db8:ff::${i.toString(16)}`,
      ...fields.slice(5),
    ].join(","),
  );
  writeFileSync(join(dir, "flows.csv"), `${header}\n${rows.join("\n")}\n`);
  const data = join(dir, "data");
  const imported = porteiro([
    "flows",
    "import",
    join(dir, "flows.csv"),
    "--format",
    "nfdump-csv",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 0, imported.stderr);

  const report = await readFirstChunkOnly([
    "flows",
    "report",
    "--data",
    data,
    "--plan",
    "examples/plan.yaml",
  ]);
  assert.doesNotMatch(report.stderr, /EPIPE|Unhandled/);
  assert.doesNotMatch(report.stderr, STACK_LINE);
  assert.equal(report.status, 0);
});
