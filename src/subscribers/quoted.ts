const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, '"': 34, "\\": 92 };

/**
 * The bytes of a double-quoted string as FreeRADIUS and dhcpd write them: `\"`, `\\`, `\n`,
 * `\r`, `\t` and three-digit octal `\ooo` for other bytes; the rest is UTF-8. Undefined when
 * the text is not one whole quoted string.
 */
export function unquote(text: string): Buffer | undefined {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return undefined;
  const body = text.slice(1, -1);
  const parts: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const backslash = body.indexOf("\\", i);
    const plainEnd = backslash < 0 ? body.length : backslash;
    const plain = body.slice(i, plainEnd);
    if (plain.includes('"')) return undefined;
    parts.push(Buffer.from(plain, "utf8"));
    if (backslash < 0) break;
    const next = body[backslash + 1];
    const octal = /^[0-3][0-7]{2}/.exec(body.slice(backslash + 1, backslash + 4));
    if (octal) {
      parts.push(Buffer.of(Number.parseInt(octal[0], 8)));
      i = backslash + 4;
    } else if (next !== undefined && next in SIMPLE_ESCAPES) {
      parts.push(Buffer.of(SIMPLE_ESCAPES[next] as number));
      i = backslash + 2;
    } else return undefined;
  }
  return Buffer.concat(parts);
}

/** Bytes as lower-case hex pairs joined by colons, the way Kea writes a DUID or client id. */
export function colonHex(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString("hex")
    .replace(/(..)(?=.)/g, "$1:");
}
