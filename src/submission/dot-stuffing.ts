const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const EXTRA_DOT = Buffer.from(".");

/**
 * Dot-stuffs a chunk of a message whose lines all end in CRLF (RFC 5321 §4.5.2): a dot that
 * starts a line gets another before it. `previous` is the byte before the chunk, or false at the
 * start of the message. Returns undefined when the chunk holds a bare CR or LF (or starts with
 * one after the previous chunk's CR), which the caller must treat byte by byte instead.
 *
 * The spool only holds CRLF text (bare line endings are refused at DATA), so this walks from one
 * line end to the next with native searches instead of testing every byte.
 */
export function stuffDots(chunk: Buffer, previous: number | false): Buffer | undefined {
  const length = chunk.length;
  if (length === 0) return chunk;
  const first = chunk[0] as number;
  if (previous === CR && first !== LF) return undefined;
  if (first === LF && previous !== CR) return undefined;
  for (let at = chunk.indexOf(CR); at !== -1; at = chunk.indexOf(CR, at + 1)) {
    if (at + 1 < length && chunk[at + 1] !== LF) return undefined;
  }
  const dots: number[] = [];
  if (first === DOT && (previous === false || previous === LF)) dots.push(0);
  for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) {
    if (at > 0 && chunk[at - 1] !== CR) return undefined;
    if (at + 1 < length && chunk[at + 1] === DOT) dots.push(at + 1);
  }
  if (dots.length === 0) return chunk;
  const parts: Buffer[] = [];
  let from = 0;
  for (const at of dots) {
    if (at > from) parts.push(chunk.subarray(from, at));
    parts.push(EXTRA_DOT);
    from = at;
  }
  parts.push(chunk.subarray(from));
  return Buffer.concat(parts, length + dots.length);
}

/** What nodemailer's DataStream (its DATA phase Transform) keeps between chunks. */
export interface DataStreamState {
  inByteCount: number;
  outByteCount: number;
  lastByte: number | false;
  push(chunk: Buffer): boolean;
  _transform(chunk: Buffer | string, encoding: BufferEncoding, done: () => void): void;
}

/**
 * Gives a DATA stream of nodemailer's a transform that stuffs dots with stuffDots, and leaves
 * anything else (a string, a bare line ending) to its own byte-by-byte one: the same bytes out,
 * several times faster on spooled mail.
 */
export function speedUpDotStuffing(stream: DataStreamState): void {
  const original = stream._transform;
  stream._transform = function (this: DataStreamState, chunk, encoding, done) {
    if (typeof chunk === "string" || chunk.length === 0) return original.call(this, chunk, encoding, done);
    const out = stuffDots(chunk, this.lastByte);
    if (!out) return original.call(this, chunk, encoding, done);
    this.inByteCount += chunk.length;
    this.outByteCount += out.length;
    this.lastByte = chunk[chunk.length - 1] as number;
    this.push(out);
    done();
  };
}
