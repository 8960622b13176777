/** A body part of a multipart message: its header block (as text) and its body bytes. */
export interface MimePart {
  readonly headers: string;
  readonly body: Buffer;
}

function endOfHeaders(bytes: Buffer): { headersEnd: number; bodyStart: number } {
  const crlf = bytes.indexOf("\r\n\r\n");
  const lf = bytes.indexOf("\n\n");
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return { headersEnd: lf, bodyStart: lf + 2 };
  if (crlf >= 0) return { headersEnd: crlf, bodyStart: crlf + 4 };
  // A part made of headers only, or of a body only (starting with its blank line).
  if (bytes[0] === 0x0a) return { headersEnd: 0, bodyStart: 1 };
  if (bytes[0] === 0x0d && bytes[1] === 0x0a) return { headersEnd: 0, bodyStart: 2 };
  return { headersEnd: bytes.length, bodyStart: bytes.length };
}

/** A message or part split at its first empty line. */
export function splitHeaders(bytes: Buffer): MimePart {
  const { headersEnd, bodyStart } = endOfHeaders(bytes);
  return { headers: bytes.subarray(0, headersEnd).toString("latin1"), body: bytes.subarray(bodyStart) };
}

/** A header's value, unfolded, from a header block; the first occurrence. */
export function headerValue(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r?\n[ \t]/g, " ");
  const wanted = `${name.toLowerCase()}:`;
  for (const line of unfolded.split(/\r?\n/)) {
    if (line.toLowerCase().startsWith(wanted)) return line.slice(wanted.length).trim();
  }
  return undefined;
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "text/plain").split(";")[0]?.trim().toLowerCase() ?? "text/plain";
}

/**
 * The body parts of a multipart body, one level deep (RFC 2046 §5.1.1): the text between
 * `--boundary` delimiter lines, up to the `--boundary--` close. The line break before each
 * delimiter belongs to the delimiter. mailparser reads an inline message/rfc822 part into the
 * report's own text, so the part holding the original message is taken from here instead.
 */
export function multipartParts(body: Buffer, boundary: string): MimePart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MimePart[] = [];
  let partStart = -1;
  let lineStart = 0;
  while (lineStart <= body.length) {
    const newline = body.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 ? body.length : newline;
    const line = body.subarray(lineStart, lineEnd);
    if (line.subarray(0, delimiter.length).equals(delimiter)) {
      const tail = line.subarray(delimiter.length).toString("latin1");
      const closing = tail.startsWith("--");
      if (/^(--)?[ \t\r]*$/.test(tail)) {
        if (partStart >= 0) {
          let end = lineStart;
          if (end > partStart && body[end - 1] === 0x0a) end--;
          if (end > partStart && body[end - 1] === 0x0d) end--;
          parts.push(splitHeaders(body.subarray(partStart, end)));
        }
        if (closing) return parts;
        partStart = lineEnd + 1;
      }
    }
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return parts;
}

/** A part's body with its Content-Transfer-Encoding (base64, quoted-printable) undone. */
export function decodeTransfer(part: MimePart): Buffer {
  const encoding = headerValue(part.headers, "content-transfer-encoding")?.toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.toString("latin1"), "base64");
  if (encoding === "quoted-printable") {
    const text = part.body.toString("latin1").replace(/=\r?\n/g, "");
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      "latin1",
    );
  }
  return part.body;
}
