import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { type TestContext, test } from "node:test";
import { pathToFileURL } from "node:url";
import { tempDir } from "../helpers/tmp.js";
import { STACK_LINE } from "./run.js";

interface Step {
  readonly command: string;
  /** The lines the README shows under it. */
  readonly shown: string[];
}

/** The `$ ` commands of the README's rollout section, in order, with what each shows. */
function readmeSteps(): Step[] {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("## Run the national programme (rollout)");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const steps: { command: string; shown: string[] }[] = [];
  for (const block of section.matchAll(/```console\n([\s\S]*?)```/g))
    for (const line of (block[1] as string).trimEnd().split("\n")) {
      if (line.startsWith("$ ")) steps.push({ command: line.slice(2), shown: [] });
      else steps.at(-1)?.shown.push(line);
    }
  return steps;
}

/**
 * A folder as a reader's: `porteiro` on the PATH (the CLI from source) and the repository's
 * examples/ beside the data folders the README makes.
 */
function readerFolder(t: TestContext): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, "rollout-readme");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  writeFileSync(
    join(bin, "porteiro"),
    `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${resolve("src/cli/index.ts")}" "$@"\n`,
    { mode: 0o755 },
  );
  symlinkSync(resolve("examples"), join(dir, "examples"));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PASSWORD: "a long enough password" };
  return { dir, env };
}

/** The README's serve line on a free port instead of 8025; resolves with its first line and URL. */
async function serve(command: string, dir: string, env: NodeJS.ProcessEnv, t: TestContext) {
  const child: ChildProcess = spawn("sh", ["-c", `exec ${command} --web 127.0.0.1:0`], {
    cwd: dir,
    env: { ...env, PORTEIRO_LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((done) => child.on("close", () => done()));
  t.after(async () => {
    child.kill("SIGTERM");
    await exited;
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  for (;;) {
    const line = /^porteiro: web console.*on (http:\/\/127\.0\.0\.1:\d+\/).*$/m.exec(stdout);
    if (line) return { first: line[0], url: line[1] as string };
    if (child.exitCode !== null) throw new Error(`serve did not start: ${stdout}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** A key's fingerprint is new at every keygen. */
const sameKey = (text: string) =>
  text.replace(/[0-9a-f]{64}/g, "FINGERPRINT").replace(/key [0-9a-f]{16}/g, "key FINGERPRINT");

test("the README's rollout section runs as written, in order, on fresh data folders, and shows what it says", async (t) => {
  const { dir, env } = readerFolder(t);
  const steps = readmeSteps();
  assert.ok(
    steps.some((s) => s.command.startsWith("porteiro rollout noise add")),
    "the section is found",
  );
  let url = "http://127.0.0.1:8025/";
  for (const step of steps) {
    if (step.command.startsWith("porteiro serve ")) {
      const served = await serve(step.command, dir, env, t);
      assert.deepEqual([served.first.replaceAll(served.url, url)], step.shown, step.command);
      url = served.url;
      continue;
    }
    const command = step.command.replaceAll("http://127.0.0.1:8025/", url);
    const run = spawnSync("sh", ["-c", command], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
    const output = sameKey(`${run.stdout}${run.stderr}`.replaceAll(url, "http://127.0.0.1:8025/"));
    assert.deepEqual(output.trimEnd().split("\n").filter(Boolean), step.shown.map(sameKey), step.command);
    const refused = step.shown.some((line) => /^(\S+:\d+: )?unknown |refused the push/.test(line));
    assert.equal(run.status, refused ? 1 : 0, `${step.command}\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, STACK_LINE);
  }
});
