/**
 * The collector's batches on disk until the flow store has taken them: each flush is written
 * here (to a temporary name, synced, renamed) before it is sent and removed once sent, so a
 * collector killed (-9) mid-send, or stopped while ClickHouse is down, sends them at its next
 * start under the same batch ids, which the store applies once.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../core/index.js";
import type { HourlyAggregate, MailPort } from "../mail-flow.js";

export interface SpooledBatch {
  readonly id: string;
  readonly aggregates: HourlyAggregate[];
}

interface StoredAggregate extends Omit<HourlyAggregate, "destinations"> {
  destinations: [string, number][];
}

const SUFFIX = ".batch.json";
/** Batch ids as file names: anything but letters, digits, dot, dash and colon becomes _. */
const fileName = (id: string) => `${id.replace(/[^A-Za-z0-9.:-]/g, "_")}${SUFFIX}`;

export class BatchSpool {
  constructor(
    private readonly dir: string,
    private readonly log?: Logger,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes a batch durably before it is sent. */
  keep(batch: SpooledBatch): void {
    const file = join(this.dir, fileName(batch.id));
    const temporary = `${file}.tmp`;
    const stored = {
      id: batch.id,
      aggregates: batch.aggregates.map((a): StoredAggregate => ({ ...a, destinations: [...a.destinations] })),
    };
    const fd = openSync(temporary, "w");
    try {
      writeSync(fd, JSON.stringify(stored));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  }

  /** Forgets a batch the store has taken (or that was dropped past the backlog's bound). */
  forget(id: string): void {
    rmSync(join(this.dir, fileName(id)), { force: true });
  }

  /** The batches an earlier run left, oldest first; a file that cannot be read is set aside and logged. */
  left(): SpooledBatch[] {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith(SUFFIX))
      .map((f) => ({ name: f, at: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => a.at - b.at || a.name.localeCompare(b.name))
      .map((f) => f.name);
    const batches: SpooledBatch[] = [];
    for (const name of files) {
      const file = join(this.dir, name);
      try {
        const stored = JSON.parse(readFileSync(file, "utf8")) as {
          id: string;
          aggregates: StoredAggregate[];
        };
        batches.push({
          id: stored.id,
          aggregates: stored.aggregates.map((a) => ({
            ...a,
            port: a.port as MailPort,
            destinations: new Map(a.destinations),
          })),
        });
      } catch (error) {
        renameSync(file, `${file}.unreadable`);
        this.log?.error(
          { file, err: (error as Error).message },
          "a spooled flow batch cannot be read; set aside",
        );
      }
    }
    return batches;
  }
}
