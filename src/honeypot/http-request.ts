import { bad, type Destination, MORE, type Parsed } from "./parse-result.js";
import type { Credentials } from "./socks5.js";

/** Longest request head (request line and headers) accepted; proxies commonly allow 8 KiB. */
export const HTTP_HEAD_MAX = 8192;

export interface ProxyRequest {
  /** `connect` for CONNECT host:port, `absolute` for GET/POST/… http://host/… */
  readonly kind: "connect" | "absolute";
  readonly method: string;
  /** The request target as sent (for `absolute`, the URL). */
  readonly target: string;
  readonly destination: Destination;
  /** From a `Proxy-Authorization: Basic` header, when the client sent one. */
  readonly credentials?: Credentials;
}

const REQUEST_LINE = /^([A-Za-z]{1,20}) (\S{1,4096}) HTTP\/1\.[01]$/;

/**
 * The head of a request to a forward proxy. Bytes after the blank line (a CONNECT client's
 * first tunnel bytes, a POST body) are left to the next stage.
 */
export function parseProxyRequest(buf: Buffer): Parsed<ProxyRequest> {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
  if (end < 0 || end > HTTP_HEAD_MAX) return buf.length > HTTP_HEAD_MAX ? bad("request head too long") : MORE;
  const lines = buf.toString("latin1", 0, end).split(/\r?\n/);
  const match = REQUEST_LINE.exec(lines[0] ?? "");
  if (!match) return bad("not an HTTP/1 request line");
  const method = (match[1] as string).toUpperCase();
  const target = match[2] as string;
  const destination = method === "CONNECT" ? authority(target, 0) : absoluteTarget(target);
  if (!destination) return bad(method === "CONNECT" ? "bad CONNECT authority" : "not an absolute URI");
  const credentials = proxyCredentials(lines.slice(1));
  return {
    status: "done",
    value: {
      kind: method === "CONNECT" ? "connect" : "absolute",
      method,
      target,
      destination,
      ...(credentials ? { credentials } : {}),
    },
    used: end,
  };
}

/** host:port, the host possibly a bracketed IPv6 literal; a missing port takes `defaultPort` (0: required). */
function authority(text: string, defaultPort: number): Destination | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:/?#@[\]\s]+))(?::(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const port = match[3] === undefined ? defaultPort : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2] ?? "").toLowerCase(), port };
}

function absoluteTarget(target: string): Destination | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^/?#@]*@)?([^/?#]+)/.exec(target);
  if (!match) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  return authority(match[2] as string, scheme === "https" ? 443 : 80);
}

function proxyCredentials(headers: readonly string[]): Credentials | undefined {
  for (const line of headers) {
    const match = /^proxy-authorization:\s*basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(line);
    if (!match) continue;
    const text = Buffer.from(match[1] as string, "base64").toString("utf8");
    const colon = text.indexOf(":");
    return colon < 0
      ? { user: text, password: "" }
      : { user: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  return undefined;
}
