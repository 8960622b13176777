import { close, closeSync, fsync, ftruncateSync, open, openSync, write, writeSync } from "node:fs";
import { promisify } from "node:util";

const openFile = promisify(open);
const writeFile = promisify(write);
const syncFile = promisify(fsync);
const closeFile = promisify(close);

/** Bytes held before a write: a usual message leaves in one write, and a session holds at most this. */
const BUFFER_LIMIT = 64 * 1024;

/**
 * A spool temp file written through a plain descriptor (lighter than a FileHandle per message),
 * with small chunks gathered so a short message costs one write. Nothing is durable before sync().
 */
export class SpoolFile {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private closed = false;

  private constructor(private readonly fd: number) {}

  /** Creates the file; fails if it exists. */
  static async create(path: string): Promise<SpoolFile> {
    return new SpoolFile(await openFile(path, "wx", 0o600));
  }

  async write(chunk: Buffer): Promise<void> {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= BUFFER_LIMIT) await this.flush();
  }

  /** Writes what is held and fsyncs, then closes. */
  async sync(): Promise<void> {
    await this.flush();
    await syncFile(this.fd);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    await closeFile(this.fd);
  }

  private async flush(): Promise<void> {
    if (this.heldBytes === 0) return;
    const data = this.held.length === 1 ? (this.held[0] as Buffer) : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    // A write to a regular file may still come back short (a full disk ends in an error instead).
    for (let offset = 0; offset < data.length; ) {
      offset += (await writeFile(this.fd, data, offset, data.length - offset, null)).bytesWritten;
    }
  }
}

/**
 * Writes a whole message to `path` and fsyncs it: over a spare file of `spareSize` bytes, or
 * into a new file. Opening, writing into the page cache and closing are direct calls of a few
 * microseconds; only the fsync goes to the thread pool. For the queue thread, where each hand-off
 * saved is a thread wake-up less per message; a session's thread uses SpoolFile instead.
 */
export async function writeWholeFile(path: string, content: Buffer, spareSize?: number): Promise<void> {
  const fd = openSync(path, spareSize === undefined ? "wx" : "r+", 0o600);
  try {
    for (let offset = 0; offset < content.length; ) {
      offset += writeSync(fd, content, offset, content.length - offset);
    }
    if (spareSize !== undefined && content.length < spareSize) ftruncateSync(fd, content.length);
    await syncFile(fd);
  } finally {
    closeSync(fd);
  }
}
