import type { PassThrough } from "node:stream";
import { SMTPStream } from "smtp-server/lib/smtp-stream.js";

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const LINE_START_DOT = Buffer.from("\n.");

type Done = (error?: Error) => void;

/** The data-mode state of smtp-server's SMTPStream that its `_feedDataStream` works on. */
interface DataModeParser {
  _dataStream: PassThrough;
  _lastBytes: Buffer | false;
  _atDataStart: boolean;
  _countDataBytes(length: number): void;
  _endDataMode(body: Buffer | false, remainder: Buffer, done: Done): void;
  _feedDataStream(chunk: Buffer, done: Done): void;
}

/**
 * smtp-server's DATA phase, `SMTPStream#_feedDataStream`, with the same steps and results but
 * looking for the end of the message with native searches for a line-starting dot instead of a
 * JavaScript test of every byte (a tenth of the SMTP thread's time on 10 KB messages).
 *
 * The rules it keeps: the last 4 bytes of a chunk wait for the next (the terminator may straddle
 * chunks); a lone "." line at the very start of DATA ends it; ".." at a line start loses one dot,
 * and the rest of the chunk goes on in the next turn; "\r\n.\r\n" ends DATA; nothing past the
 * terminator is data.
 */
export function feedDataStream(this: DataModeParser, input: Buffer, done: Done): void {
  const stream = this._dataStream;
  let chunk = input;
  if (this._lastBytes && this._lastBytes.length > 0) {
    chunk = Buffer.concat([this._lastBytes, input], this._lastBytes.length + input.length);
    this._lastBytes = false;
  }
  let length = chunk.length;
  if (this._atDataStart && length >= 3 && chunk[0] === DOT && chunk[1] === CR && chunk[2] === LF) {
    this._endDataMode(false, chunk.subarray(3), done);
    return;
  }
  if (this._atDataStart && length >= 2 && chunk[0] === DOT && chunk[1] === DOT) {
    chunk = chunk.subarray(1);
    length--;
    this._atDataStart = false;
  }
  // A dot at index 2 … length - 3 that follows a LF: the LF is at 1 … length - 4.
  for (let lf = chunk.indexOf(LINE_START_DOT, 1); lf !== -1 && lf <= length - 4; ) {
    const dot = lf + 1;
    if (chunk[lf - 1] === CR && chunk[dot + 1] === CR && chunk[dot + 2] === LF) {
      const body = chunk.subarray(0, dot);
      this._countDataBytes(body.length);
      this._endDataMode(body, chunk.subarray(dot + 3), done);
      return;
    }
    if (chunk[dot + 1] === DOT) {
      const before = chunk.subarray(0, dot);
      this._lastBytes = false;
      this._countDataBytes(before.length);
      if (stream.writable) stream.write(before);
      const rest = chunk.subarray(dot + 1);
      setImmediate(() => this._feedDataStream(rest, done));
      return;
    }
    lf = chunk.indexOf(LINE_START_DOT, lf + 1);
  }
  this._lastBytes = length < 4 ? chunk : chunk.subarray(length - 4);
  if (this._lastBytes.length >= length) {
    done();
    return;
  }
  const body = chunk.subarray(0, length - 4);
  this._countDataBytes(body.length);
  if (!stream.writable || stream.write(body) || stream.destroyed) {
    done();
    return;
  }
  // Wait for the reader; a stream the application destroys never drains, it only closes.
  const resume = () => {
    stream.removeListener("drain", resume);
    stream.removeListener("close", resume);
    done();
  };
  stream.once("drain", resume);
  stream.once("close", resume);
}

/** smtp-server's own `_feedDataStream`, kept for the test that compares the two. */
export const originalFeedDataStream = (SMTPStream.prototype as unknown as DataModeParser)._feedDataStream;

/** What smtp-server's own scan must use for feedDataStream to stand in for it. */
const RELIED_ON = ["_dataStream", "_lastBytes", "_atDataStart", "_countDataBytes", "_endDataMode"];

/**
 * Makes every smtp-server session of this process scan DATA with feedDataStream. Should a later
 * smtp-server's scan no longer work on the same state (the start-of-DATA flag guards against
 * smuggling), its own scan stays.
 */
export function scanDataFaster(): void {
  const prototype = SMTPStream.prototype as unknown as Partial<DataModeParser>;
  const own = prototype._feedDataStream;
  if (typeof own !== "function" || own === feedDataStream) return;
  const source = own.toString();
  if (RELIED_ON.every((name) => source.includes(name))) prototype._feedDataStream = feedDataStream;
}
