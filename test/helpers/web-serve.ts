import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

/**
 * `porteiro serve` with only the web server, on a free loopback port, over a data folder that
 * holds its plan.yaml; resolves with the URL it prints (ending in "/") once it answers.
 */
export async function serveWeb(
  dataDir: string,
  options: { timeoutMs?: number; logLevel?: string } = {},
): Promise<{ url: string; child: ChildProcess; stdout: () => string }> {
  const child = spawn(
    process.execPath,
    [
      ...["--import", "tsx", "src/cli/index.ts", "serve", "--data", dataDir],
      ...["--plan", join(dataDir, "plan.yaml"), "--web", "127.0.0.1:0", "--no-submission", "--no-collector"],
    ],
    {
      env: { ...process.env, PORTEIRO_LOG_LEVEL: options.logLevel ?? "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const match = /web console and help site on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
    if (match) return { url: match[1] as string, child, stdout: () => stdout };
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`porteiro serve did not start: ${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
