import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread running the module at `moduleUrl`: the compiled `.js` in production.
 * Under tsx (tests, benches) the module is TypeScript and Node 20 does not hand the loader
 * hooks of `--import tsx` on to workers, so the worker registers tsx itself before importing.
 */
export function startModuleWorker(moduleUrl: URL, options: Omit<WorkerOptions, "eval"> = {}): Worker {
  if (!moduleUrl.pathname.endsWith(".ts")) return new Worker(moduleUrl, options);
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const bootstrap = `import { register } from ${tsx}; register(); await import(${JSON.stringify(moduleUrl.href)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The sibling module `name` of `importMetaUrl`, with the extension the caller itself runs as. */
export function siblingModule(importMetaUrl: string, name: string): URL {
  const extension = importMetaUrl.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${name}${extension}`, importMetaUrl);
}
