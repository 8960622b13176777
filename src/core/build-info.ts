import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface BuildInfo {
  readonly version: string;
  /** The git commit the code was built from, when known. */
  readonly commit: string | undefined;
}

// src/core/ and dist/core/ both sit two folders below the package's root.
const root = fileURLToPath(new URL("../../", import.meta.url));

let cached: BuildInfo | undefined;

/**
 * The package's version and commit: the commit is stamped into dist/build-info.json by the build,
 * read from the checkout's .git when running from source, or given as PORTEIRO_COMMIT (an image
 * built without .git).
 */
export function buildInfo(): BuildInfo {
  cached ??= {
    version: (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version,
    commit: process.env.PORTEIRO_COMMIT || stampedCommit() || checkoutCommit(),
  };
  return cached;
}

function stampedCommit(): string | undefined {
  const file = `${root}dist/build-info.json`;
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { commit?: string }).commit;
}

/** HEAD of the checkout, following one symbolic ref into loose or packed refs. */
function checkoutCommit(): string | undefined {
  try {
    const head = readFileSync(`${root}.git/HEAD`, "utf8").trim();
    if (!head.startsWith("ref: ")) return head.slice(0, 12);
    const ref = head.slice(5);
    const loose = `${root}.git/${ref}`;
    if (existsSync(loose)) return readFileSync(loose, "utf8").trim().slice(0, 12);
    const packed = readFileSync(`${root}.git/packed-refs`, "utf8")
      .split("\n")
      .find((line) => line.endsWith(` ${ref}`));
    return packed?.slice(0, 12);
  } catch {
    return undefined;
  }
}
