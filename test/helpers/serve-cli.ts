import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

export interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly starttls: number;
  readonly implicitTls: number;
  /** Resolves with the exit code (null when it had to be killed). */
  readonly exited: Promise<number | null>;
}

/** `porteiro submission serve` as a child process on free loopback ports. */
export async function serve(dataDir: string, extra: readonly string[] = []): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "submission",
      "serve",
      "--data",
      dataDir,
      "--listen",
      "127.0.0.1:0",
      "--listen-tls",
      "127.0.0.1:0",
      "--hostname",
      "mail.example.net",
      // Nothing listens on port 9 of loopback: messages just stay queued.
      "--smarthost",
      "127.0.0.1:9",
      ...extra,
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" } },
  );
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve(code);
    });
  });
  const deadline = Date.now() + 30_000;
  let match: RegExpExecArray | null = null;
  while (!match && Date.now() < deadline && child.exitCode === null) {
    match = /listening on 127\.0\.0\.1:(\d+) \(STARTTLS\) and 127\.0\.0\.1:(\d+) \(implicit TLS\)/.exec(
      stdout,
    );
    if (!match) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!match) {
    child.kill("SIGKILL");
    throw new Error(`the service did not start:\n${stdout}\n${stderr}`);
  }
  return {
    child,
    stdout: () => stdout,
    starttls: Number(match[1]),
    implicitTls: Number(match[2]),
    exited,
  };
}

/** The exit code, or a failure when the process does not stop within `ms`. */
export async function exitWithin(served: Served, ms: number): Promise<number | null> {
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
  const result = await Promise.race([served.exited, timeout]);
  if (result === "timeout") {
    served.child.kill("SIGKILL");
    assert.fail(`still running ${ms} ms after SIGTERM`);
  }
  return result;
}
