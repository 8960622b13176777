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
 * The parameters of a Content-Type or Content-Disposition value (RFC 2045 §5.1): names lower
 * case, quoted values unquoted. A `;` inside quotes belongs to the value.
 */
export function headerParams(value: string | undefined): ReadonlyMap<string, string> {
  const text = value ?? "";
  const params = new Map<string, string>();
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (char === ";" && !quoted) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  for (const piece of pieces.slice(1)) {
    const equals = piece.indexOf("=");
    if (equals <= 0) continue;
    const raw = piece.slice(equals + 1).trim();
    const unquoted = /^"(.*)"$/s.exec(raw)?.[1]?.replace(/\\(.)/gs, "$1");
    params.set(piece.slice(0, equals).trim().toLowerCase(), unquoted ?? raw);
  }
  return params;
}

/** A part's media type, lower case; text/plain when it has no Content-Type (RFC 2045 §5.2). */
export const typeOf = (part: MimePart): string => mediaType(headerValue(part.headers, "content-type"));

/** The parts of a multipart part (one level), or none when it is not one or names no boundary. */
export function childrenOf(part: MimePart): MimePart[] {
  const contentType = headerValue(part.headers, "content-type");
  if (!mediaType(contentType).startsWith("multipart/")) return [];
  const boundary = headerParams(contentType).get("boundary");
  return boundary ? multipartParts(part.body, boundary) : [];
}

/** The message a message/rfc822 (or message/global) part holds, as headers and body. */
export function enclosedMessage(part: MimePart): MimePart | undefined {
  const type = typeOf(part);
  return type === "message/rfc822" || type === "message/global"
    ? splitHeaders(decodeTransfer(part))
    : undefined;
}

/** The file name a part is attached under, from Content-Disposition or Content-Type's name. */
export function fileNameOf(part: MimePart): string | undefined {
  return (
    headerParams(headerValue(part.headers, "content-disposition")).get("filename") ??
    headerParams(headerValue(part.headers, "content-type")).get("name")
  );
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
