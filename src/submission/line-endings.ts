const CR = 0x0d;
const LF = 0x0a;

/**
 * Finds a bare LF or a bare CR in a message streamed in chunks. Some servers end a line or even
 * the DATA phase on a bare LF and others don't, which is what SMTP smuggling exploits
 * (RFC 5321 §2.3.8 allows only CRLF), so a message holding either is refused whole.
 */
export class BareLineEndingCheck {
  private crPending = false;

  /** True once a bare CR or LF has been seen. */
  push(chunk: Buffer): boolean {
    if (chunk.length === 0) return false;
    if (this.crPending && chunk[0] !== LF) return true;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) {
      if (at === 0 ? !this.crPending : chunk[at - 1] !== CR) return true;
    }
    for (let at = chunk.indexOf(CR); at !== -1; at = chunk.indexOf(CR, at + 1)) {
      if (at < chunk.length - 1 && chunk[at + 1] !== LF) return true;
    }
    this.crPending = chunk[chunk.length - 1] === CR;
    return false;
  }

  /** True when the message ended on a CR with no LF after it. */
  end(): boolean {
    return this.crPending;
  }
}
