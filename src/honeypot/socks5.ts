import { bad, type Destination, MORE, type Parsed } from "./parse-result.js";

/** RFC 1928 authentication methods. */
export const NO_AUTH = 0x00;
export const USER_PASS = 0x02;
export const NO_ACCEPTABLE = 0xff;

/** RFC 1928 reply codes the sensor uses. */
export const REPLY = { succeeded: 0x00, refused: 0x05, commandNotSupported: 0x07, addressNotSupported: 0x08 };

/** VER=5 NMETHODS METHODS…: at most 257 bytes. */
export function parseSocks5Greeting(buf: Buffer): Parsed<readonly number[]> {
  if (buf.length < 1) return MORE;
  if (buf[0] !== 5) return bad("not SOCKS5");
  if (buf.length < 2) return MORE;
  const n = buf[1] as number;
  if (n === 0) return bad("SOCKS5 greeting offers no method");
  if (buf.length < 2 + n) return MORE;
  return { status: "done", value: [...buf.subarray(2, 2 + n)], used: 2 + n };
}

/**
 * Picks user/password when offered, so the credentials a client tries are recorded; else
 * no-auth; else nothing acceptable.
 */
export function chooseMethod(methods: readonly number[]): number {
  if (methods.includes(USER_PASS)) return USER_PASS;
  return methods.includes(NO_AUTH) ? NO_AUTH : NO_ACCEPTABLE;
}

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** RFC 1929: VER=1 ULEN UNAME PLEN PASSWD, at most 513 bytes. */
export function parseSocks5Auth(buf: Buffer): Parsed<Credentials> {
  if (buf.length < 1) return MORE;
  if (buf[0] !== 1) return bad("not an RFC 1929 sub-negotiation");
  if (buf.length < 2) return MORE;
  const ulen = buf[1] as number;
  if (buf.length < 3 + ulen) return MORE;
  const plen = buf[2 + ulen] as number;
  const end = 3 + ulen + plen;
  if (buf.length < end) return MORE;
  return {
    status: "done",
    value: { user: buf.toString("utf8", 2, 2 + ulen), password: buf.toString("utf8", 3 + ulen, end) },
    used: end,
  };
}

export interface Socks5Request {
  /** 1 CONNECT, 2 BIND, 3 UDP ASSOCIATE. */
  readonly command: number;
  readonly destination: Destination;
}

/** VER=5 CMD RSV ATYP DST.ADDR DST.PORT: at most 262 bytes. */
export function parseSocks5Request(buf: Buffer): Parsed<Socks5Request> {
  if (buf.length < 4) return buf.length > 0 && buf[0] !== 5 ? bad("not SOCKS5") : MORE;
  if (buf[0] !== 5) return bad("not SOCKS5");
  const command = buf[1] as number;
  const atyp = buf[3];
  let host: string;
  let at: number;
  if (atyp === 1) {
    if (buf.length < 10) return MORE;
    host = `${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`;
    at = 8;
  } else if (atyp === 3) {
    if (buf.length < 5) return MORE;
    const len = buf[4] as number;
    if (len === 0) return bad("SOCKS5 empty host name");
    if (buf.length < 5 + len + 2) return MORE;
    host = buf.toString("utf8", 5, 5 + len);
    at = 5 + len;
  } else if (atyp === 4) {
    if (buf.length < 22) return MORE;
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(4 + 2 * i).toString(16));
    host = compressIpv6(groups);
    at = 20;
  } else return bad("SOCKS5 unknown address type");
  return {
    status: "done",
    value: { command, destination: { host, port: buf.readUInt16BE(at) } },
    used: at + 2,
  };
}

/** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
function compressIpv6(groups: readonly string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** A reply with a zero IPv4 bound address: what most proxies send to a client that ignores it. */
export function socks5Reply(code: number): Buffer {
  return Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}
