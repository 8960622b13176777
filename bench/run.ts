/**
 * Runs one benchmark: `npm run bench -- <name> [flags]` loads bench/<name>/index.ts and calls
 * its `run(flags)`. Without a name, or with an unknown one, lists the benchmarks there are.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface Benchmark {
  run(args: string[]): Promise<number>;
}

const here = dirname(fileURLToPath(import.meta.url));

function available(): string[] {
  return readdirSync(here, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, "index.ts")))
    .map((entry) => entry.name)
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const names = available();
if (name === undefined || !names.includes(name)) {
  if (name !== undefined && name !== "--help" && name !== "-h")
    process.stderr.write(`unknown benchmark "${name}"\n`);
  process.stderr.write(
    `usage: npm run bench -- <name> [flags]\n\nbenchmarks:\n${names.map((n) => `  ${n}`).join("\n")}\n`,
  );
  process.exitCode = name === undefined || name === "--help" || name === "-h" ? 0 : 1;
} else {
  const benchmark = (await import(pathToFileURL(join(here, name, "index.ts")).href)) as Benchmark;
  try {
    process.exitCode = await benchmark.run(args);
  } catch (error) {
    // A mistyped flag gets one line; anything else keeps its stack for whoever debugs the bench.
    const { code, message } = error as { code?: string; message: string };
    if (!code?.startsWith("ERR_PARSE_ARGS") && !message.startsWith("--")) throw error;
    process.stderr.write(`bench ${name}: ${message}\n(npm run bench -- ${name} --help)\n`);
    process.exitCode = 2;
  }
}
