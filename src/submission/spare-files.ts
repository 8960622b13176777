import { readdirSync, renameSync, rmSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** A delivered message's file waiting in tmp/ to be overwritten by a new message. */
export interface SpareFile {
  readonly path: string;
  /** Its length now, so a shorter message knows to cut the rest off. */
  readonly size: number;
}

const SUFFIX = ".spare";

/** True for a spare's file name in tmp/; what recover() leaves there for the queue thread. */
export function isSpareName(name: string): boolean {
  return name.endsWith(SUFFIX);
}

/**
 * Files of delivered messages kept for the next messages to be written into. Creating a file
 * allocates an inode and deleting one frees it; at a thousand messages a second that churn was
 * the costliest part of the spool (ext4 without a journal scans the inodes freed in the last
 * minutes on every allocation, and every creation takes the folder's lock). A spare is moved
 * into tmp/ when its message is gone, then overwritten in place, cut to its new length, fsync'd
 * and renamed into the spool like a new file. Its old bytes never leave tmp/.
 */
export class SpareFiles {
  private readonly spares: SpareFile[] = [];

  constructor(
    private readonly tmpDir: string,
    private readonly limit: number,
  ) {}

  /** Takes up the spares an earlier run left in tmp/, deleting those past the limit. */
  adopt(): void {
    if (this.limit === 0) return;
    for (const name of readdirSync(this.tmpDir)) {
      if (!isSpareName(name)) continue;
      const path = join(this.tmpDir, name);
      if (this.spares.length < this.limit) this.spares.push({ path, size: statSync(path).size });
      else rmSync(path, { force: true });
    }
  }

  take(): SpareFile | undefined {
    return this.spares.pop();
  }

  /** Puts back a spare taken but not used (a refused message); its length may have grown. */
  putBack(spare: SpareFile): void {
    this.spares.push(spare);
  }

  /**
   * Keeps the file at `path` (a message just removed from the index) as a spare named after
   * `id`, or deletes it when enough are kept. A file already gone is no error. One direct call,
   * like the queue thread's other renames (writeWholeFile).
   */
  keep(path: string, id: string, size: number): void {
    try {
      if (this.spares.length >= this.limit) {
        unlinkSync(path);
        return;
      }
      const spare = join(this.tmpDir, `${id}${SUFFIX}`);
      renameSync(path, spare);
      this.spares.push({ path: spare, size });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}
