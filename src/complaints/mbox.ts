/** One message of an mbox file: its bytes with the From_ line removed and `>From ` unquoted. */
export interface MboxMessage {
  /** 1-based position in the file. */
  readonly index: number;
  /** The line number of its From_ line. */
  readonly line: number;
  /** Null when the message was larger than the limit; its bytes were not kept. */
  readonly bytes: Buffer | null;
  /** Its size in bytes (after unquoting). */
  readonly size: number;
}

const FROM_LINE = Buffer.from("From ");
const QUOTED_FROM = /^>+From /;

function isFromLine(line: Buffer): boolean {
  return line.length >= 5 && line.subarray(0, 5).equals(FROM_LINE);
}

/** mboxrd: one `>` comes off every `>…>From ` line (under mboxo only `>From ` was quoted; same result). */
function unquote(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  return QUOTED_FROM.test(line.subarray(0, 64).toString("latin1")) ? line.subarray(1) : line;
}

class MessageBuilder {
  private readonly parts: Buffer[] = [];
  size = 0;
  private overflow = false;
  /** The line break that ended the previous line: held back, since the last one before a From_ line is the mbox separator. */
  private pendingBlank: Buffer | null = null;

  constructor(
    readonly index: number,
    readonly line: number,
    private readonly maxBytes: number,
  ) {}

  add(line: Buffer): void {
    if (this.pendingBlank) {
      this.push(this.pendingBlank);
      this.pendingBlank = null;
    }
    // An empty line might be the separator before the next From_ line: decide when the next line comes.
    if (line.length === 1 || (line.length === 2 && line[0] === 0x0d)) {
      this.pendingBlank = line;
      return;
    }
    this.push(unquote(line));
  }

  /** More of a line whose start was already added (a line longer than the read-ahead). */
  continueLine(bytes: Buffer): void {
    this.push(bytes);
  }

  private push(bytes: Buffer): void {
    this.size += bytes.length;
    if (this.size > this.maxBytes) {
      this.overflow = true;
      this.parts.length = 0;
    }
    if (!this.overflow) this.parts.push(bytes);
  }

  finish(): MboxMessage {
    return {
      index: this.index,
      line: this.line,
      bytes: this.overflow ? null : Buffer.concat(this.parts),
      size: this.size,
    };
  }
}

/**
 * Splits an mbox stream into messages without holding more than one message (and never more than
 * `maxBytes` of it) in memory. A message starts at each line beginning "From "; the empty line
 * before it is the separator, not part of the message. Text before the first From_ line makes
 * the stream not an mbox: the generator throws before yielding anything.
 */
export async function* splitMbox(
  chunks: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<MboxMessage> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNumber = 0;
  let current: MessageBuilder | null = null;
  let count = 0;
  /** Inside a line longer than the limit whose start was already handed over. */
  let midLine = false;

  function* take(line: Buffer): Generator<MboxMessage> {
    if (midLine) {
      (current as MessageBuilder | null)?.continueLine(line);
      return;
    }
    lineNumber++;
    if (isFromLine(line)) {
      if (current) yield current.finish();
      current = new MessageBuilder(++count, lineNumber, maxBytes);
      return;
    }
    if (!current) throw new Error(`line ${lineNumber}: not an mbox (no "From " line before it)`);
    current.add(line);
  }

  for await (const chunk of chunks) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end >= 0; end = data.indexOf(0x0a, start)) {
      yield* take(data.subarray(start, end + 1));
      midLine = false;
      start = end + 1;
    }
    const rest = data.subarray(start);
    if (rest.length > maxBytes && current) {
      // No need to keep more of an endless line than it takes to know the message is too large.
      yield* take(rest);
      midLine = true;
      carry = Buffer.alloc(0);
    } else {
      carry = Buffer.from(rest);
    }
  }
  if (carry.length > 0) yield* take(carry);
  if (current) yield (current as MessageBuilder).finish();
}
