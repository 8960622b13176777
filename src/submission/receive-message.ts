import type { Readable } from "node:stream";
import { headerBlockEnd } from "./headers.js";
import { LineCheck, type LineFault } from "./line-endings.js";
import type { SpoolWriter } from "./spool.js";

/** Header bytes looked at for Message-ID and Date; past this the rest counts as body. */
const HEADER_LIMIT = 256 * 1024;

export type Refusal = "size" | LineFault;

export type Received = { readonly ok: true } | { readonly ok: false; readonly reason: Refusal };

/**
 * Streams a message from the DATA phase into a spool writer: the header block is held back
 * (bounded) until `prefix` can be computed from it, then the prefix, the held bytes and the
 * rest go out as they come. A message that grows past the size limit or fails the line check
 * (a bare CR or LF, a NUL, a line over `maxLineLength`) stops being written at once; the stream
 * is still read to its end so the session can go on.
 */
export async function receiveMessage(
  stream: Readable & { sizeExceeded?: boolean },
  writer: SpoolWriter,
  prefix: (headerBlock: string) => string,
  maxLineLength: number,
): Promise<Received> {
  const lines = new LineCheck(maxLineLength);
  let refused: Refusal | undefined;
  let head: Buffer | undefined = Buffer.alloc(0);

  const release = async (held: Buffer, headerEnd: number) => {
    head = undefined;
    const headerBlock = held.subarray(0, headerEnd === -1 ? held.length : headerEnd).toString("latin1");
    await writer.write(Buffer.concat([Buffer.from(prefix(headerBlock), "utf8"), held]));
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (refused) continue;
    if (stream.sizeExceeded) refused = "size";
    else refused = lines.push(chunk);
    if (refused) continue;
    if (head) {
      const held = Buffer.concat([head, chunk]);
      const end = headerBlockEnd(held);
      if (end !== -1 || held.length >= HEADER_LIMIT) await release(held, end);
      else head = held;
    } else {
      await writer.write(chunk);
    }
  }
  // A client that hangs up mid-message ends the stream early; that must not look like a message.
  if (!stream.readableEnded) throw new Error("the connection closed before the end of the message");
  if (!refused && stream.sizeExceeded) refused = "size";
  if (!refused) refused = lines.end();
  if (refused) return { ok: false, reason: refused };
  if (head) await release(head, -1);
  return { ok: true };
}
