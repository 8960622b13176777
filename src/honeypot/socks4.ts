import { bad, type Destination, MORE, type Parsed } from "./parse-result.js";

export interface Socks4Request {
  readonly version: "4" | "4a";
  /** 1 CONNECT, 2 BIND. */
  readonly command: number;
  readonly destination: Destination;
  readonly userId: string;
}

/** Longest USERID or 4a host name accepted; SOCKS4 has no length field, so the bound is ours. */
export const SOCKS4_FIELD_MAX = 255;

/**
 * SOCKS4 and 4a request: VN=4 CD DSTPORT(2) DSTIP(4) USERID NUL, and for 4a (DSTIP 0.0.0.x,
 * x ≠ 0) the host name NUL after it. Needs at most 8 + 2 × (255 + 1) bytes to decide.
 */
export function parseSocks4(buf: Buffer): Parsed<Socks4Request> {
  if (buf.length < 1) return MORE;
  if (buf[0] !== 4) return bad("not SOCKS4");
  if (buf.length < 8) return MORE;
  const command = buf[1] as number;
  const port = buf.readUInt16BE(2);
  const userEnd = nulFrom(buf, 8);
  if (userEnd < 0) return buf.length - 8 > SOCKS4_FIELD_MAX ? bad("SOCKS4 user id too long") : MORE;
  const userId = buf.toString("utf8", 8, userEnd);
  const is4a = buf[4] === 0 && buf[5] === 0 && buf[6] === 0 && buf[7] !== 0;
  if (!is4a) {
    const host = `${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`;
    return {
      status: "done",
      value: { version: "4", command, destination: { host, port }, userId },
      used: userEnd + 1,
    };
  }
  const hostEnd = nulFrom(buf, userEnd + 1);
  if (hostEnd < 0) {
    return buf.length - userEnd - 1 > SOCKS4_FIELD_MAX ? bad("SOCKS4a host name too long") : MORE;
  }
  if (hostEnd === userEnd + 1) return bad("SOCKS4a empty host name");
  const host = buf.toString("utf8", userEnd + 1, hostEnd);
  return {
    status: "done",
    value: { version: "4a", command, destination: { host, port }, userId },
    used: hostEnd + 1,
  };
}

function nulFrom(buf: Buffer, start: number): number {
  return start > buf.length ? -1 : buf.indexOf(0, start);
}

/** The 8-byte reply: 0x5A granted, 0x5B rejected or failed. */
export function socks4Reply(granted: boolean): Buffer {
  return Buffer.from([0, granted ? 0x5a : 0x5b, 0, 0, 0, 0, 0, 0]);
}
