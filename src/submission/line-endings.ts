const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/** What makes a message unfit to relay, found while it streams. */
export type LineFault = "bare-line-ending" | "nul" | "long-line";

/**
 * Checks a message streamed in chunks for what a next hop may read differently from us, which is
 * what SMTP smuggling exploits: a bare LF or CR (RFC 5321 §2.3.8 allows only CRLF; some servers
 * end a line or even DATA on either), a NUL (a hop that drops it reads "\r\n\0.\r\n" as the end
 * of DATA), and a line over `maxLineLength` octets without its CRLF (RFC 5322 §2.1.1: 998; a hop
 * may cut or refuse it). The work is native searches per chunk and per line, never per byte.
 */
export class LineCheck {
  private crPending = false;
  /** Octets of the unfinished line carried over from earlier chunks (its pending CR included). */
  private carried = 0;

  constructor(private readonly maxLineLength: number) {}

  /** The first fault in the message so far, if any; once one is reported, stop pushing. */
  push(chunk: Buffer): LineFault | undefined {
    if (chunk.length === 0) return undefined;
    if (chunk.indexOf(NUL) !== -1) return "nul";
    if (this.crPending && chunk[0] !== LF) return "bare-line-ending";
    // Where the current line starts, relative to this chunk: before it when carried over.
    let lineStart = -this.carried;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) {
      if (at === 0 ? !this.crPending : chunk[at - 1] !== CR) return "bare-line-ending";
      if (at - 1 - lineStart > this.maxLineLength) return "long-line";
      lineStart = at + 1;
    }
    for (let at = chunk.indexOf(CR); at !== -1; at = chunk.indexOf(CR, at + 1)) {
      if (at < chunk.length - 1 && chunk[at + 1] !== LF) return "bare-line-ending";
    }
    this.crPending = chunk[chunk.length - 1] === CR;
    this.carried = chunk.length - lineStart;
    // Refused as soon as it is too long, not when (if ever) it ends.
    if (this.carried - (this.crPending ? 1 : 0) > this.maxLineLength) return "long-line";
    return undefined;
  }

  /** A fault only the end shows: the message ended on a CR with no LF after it. */
  end(): LineFault | undefined {
    return this.crPending ? "bare-line-ending" : undefined;
  }
}
