import { mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** DATA/honeypot/messages: one file per distinct body, named by its sha256, under a 2-digit folder. */
export function messagesDir(dataDir: string): string {
  return join(dataDir, "honeypot", "messages");
}

/** Hashes of bodies written lately: a repeated body (a campaign's copies) costs no file system call. */
const RECENT_MAX = 4096;

export class BodyFiles {
  private readonly made = new Set<string>();
  private readonly recent = new Set<string>();

  constructor(readonly dir: string) {}

  path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Writes the body unless a file of that hash is there already: a body is stored once. */
  async write(sha256: string, body: Buffer): Promise<void> {
    if (this.recent.has(sha256)) return;
    const folder = join(this.dir, sha256.slice(0, 2));
    if (!this.made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.made.add(folder);
    }
    try {
      await writeFile(this.path(sha256), body, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (this.recent.size >= RECENT_MAX) this.recent.clear();
    this.recent.add(sha256);
  }

  /** The stored body, or undefined when it was never stored or the quota evicted it. */
  read(sha256: string): Buffer | undefined {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    try {
      return readFileSync(this.path(sha256));
    } catch {
      return undefined;
    }
  }

  remove(sha256: string): void {
    this.recent.delete(sha256);
    try {
      unlinkSync(this.path(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}
