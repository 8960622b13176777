import { spawnSync } from "node:child_process";

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the porteiro CLI from source, as a user would run the built one. */
export function porteiro(args: readonly string[], input?: string): CliResult {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
    encoding: "utf8",
    input,
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stack trace line, which a user must never see. */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
