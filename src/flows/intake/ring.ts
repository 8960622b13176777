/**
 * A single-producer, single-consumer ring of variable-length records in a SharedArrayBuffer:
 * the collector's receive thread writes datagrams into it and never waits for the decoding
 * thread, which reads them in place. Each record is an 8-byte header (payload length, tag) and
 * its payload, padded to 8 bytes. A tag ≥ 0 is the exporter id of a datagram; negative tags are
 * the control records below. The writer never overwrites what the reader has not released:
 * when the ring is full `write` returns false and the caller drops (and counts) the datagram.
 * A reader made for a ring whose reader died (its thread ran out of memory) carries on where
 * that one stopped, past the record it was in the middle of.
 */

/** Tags of the control records. */
export const RingTag = {
  /** An exporter id (uint32 LE) and its name (UTF-8), written before its first datagram. */
  Exporter: -1,
  /** Hand over what has been aggregated so far; the payload is the request id (uint32 LE). */
  Drain: -2,
  /** No more records: finish and stop; the payload is the request id (uint32 LE). */
  Close: -3,
  /** Padding to the end of the ring; the next record is at offset 0. */
  Wrap: -4,
} as const;

/** `next()` when nothing is waiting. */
export const RING_EMPTY = -100;

// Int32 control words at the start of the buffer, then the records.
const HEAD = 0;
const TAIL = 1;
const SLEEPING = 2;
/** 1 from `next()` handing out a record to its `release()`: what a dead reader was in the middle of. */
const READING = 3;
const CONTROL_BYTES = 64;
const HEADER = 8;

function padded(length: number): number {
  return HEADER + ((length + 7) & ~7);
}

/** A ring of `bytes` bytes of records (rounded up to 8) to hand to a RingWriter and a RingReader. */
export function createRing(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + ((Math.max(bytes, 4096) + 7) & ~7));
}

class RingView {
  protected readonly control: Int32Array;
  protected readonly words: Int32Array;
  protected readonly bytes: Uint8Array;
  protected readonly capacity: number;

  constructor(buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, CONTROL_BYTES / 4);
    this.capacity = buffer.byteLength - CONTROL_BYTES;
    this.words = new Int32Array(buffer, CONTROL_BYTES, this.capacity / 4);
    this.bytes = new Uint8Array(buffer, CONTROL_BYTES, this.capacity);
  }
}

export class RingWriter extends RingView {
  private head = 0;
  /** The records as a Buffer: Buffer#copy copies into shared memory about twice as fast as set. */
  private readonly target: Buffer;

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.target = Buffer.from(buffer, CONTROL_BYTES, this.capacity);
  }

  /**
   * Appends a record, waking the reader if it sleeps; false (nothing written) when the ring has
   * no room for it.
   */
  write(tag: number, payload?: Buffer): boolean {
    const length = payload === undefined ? 0 : payload.length;
    const need = padded(length);
    const tail = Atomics.load(this.control, TAIL);
    let at = this.head;
    // The head never catches up with the tail: equal means empty.
    if (tail > at) {
      if (at + need >= tail) return false;
    } else if (at + need < this.capacity || (at + need === this.capacity && tail !== 0)) {
      // Fits before the end.
    } else {
      if (need >= tail) return false;
      this.words[at >> 2] = 0;
      this.words[(at >> 2) + 1] = RingTag.Wrap;
      at = 0;
    }
    this.words[at >> 2] = length;
    this.words[(at >> 2) + 1] = tag;
    if (payload !== undefined) payload.copy(this.target, at + HEADER);
    const head = at + need === this.capacity ? 0 : at + need;
    this.head = head;
    Atomics.store(this.control, HEAD, head);
    // Sequentially consistent: either the reader sees the new head before it sleeps, or the
    // writer sees it asleep and wakes it.
    if (Atomics.load(this.control, SLEEPING) === 1) Atomics.notify(this.control, HEAD);
    return true;
  }
}

export class RingReader extends RingView {
  private tail: number;
  private nextTail = 0;
  /** The payload of the record `next()` returned, valid until `release()`. */
  payload: Uint8Array = new Uint8Array(0);

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.tail = Atomics.load(this.control, TAIL);
    // A record that a dead reader was decoding may be what killed it: skipped, or it would kill
    // every reader after it too.
    if (Atomics.load(this.control, READING) === 1 && this.next() !== RING_EMPTY) this.release();
  }

  /** The tag of the next record (its payload in `payload`), or RING_EMPTY. */
  next(): number {
    let at = this.tail;
    if (at === Atomics.load(this.control, HEAD)) return RING_EMPTY;
    if (this.words[(at >> 2) + 1] === RingTag.Wrap) {
      at = 0;
      this.tail = 0;
      Atomics.store(this.control, TAIL, 0);
      if (Atomics.load(this.control, HEAD) === 0) return RING_EMPTY;
    }
    const length = this.words[at >> 2] as number;
    this.payload = this.bytes.subarray(at + HEADER, at + HEADER + length);
    const after = at + padded(length);
    this.nextTail = after === this.capacity ? 0 : after;
    this.control[READING] = 1;
    return this.words[(at >> 2) + 1] as number;
  }

  /** Gives the record `next()` returned back to the writer. */
  release(): void {
    // Cleared first: a reader dying in between leaves the record to be read again, not skipped.
    this.control[READING] = 0;
    this.tail = this.nextTail;
    Atomics.store(this.control, TAIL, this.tail);
  }

  /**
   * Blocks (worker threads only) for `timeoutMs`, or until the writer writes when `wake`; the
   * writer pays a system call for each wake-up, so a reader that expects more soon naps instead.
   */
  wait(timeoutMs: number, wake: boolean): void {
    const control = this.control;
    if (wake) Atomics.store(control, SLEEPING, 1);
    const head = Atomics.load(control, HEAD);
    if (head === this.tail) Atomics.wait(control, HEAD, head, timeoutMs);
    if (wake) Atomics.store(control, SLEEPING, 0);
  }
}
