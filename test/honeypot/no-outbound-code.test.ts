/**
 * The sensor's promise "no connection leaves" rests on there being no code for one: nothing in
 * src/honeypot opens a socket to a destination, resolves a name or makes an HTTP request.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../../src/honeypot/", import.meta.url));
const FORBIDDEN = [
  /\bconnect\s*\(/,
  /\bcreateConnection\b/,
  /["']node:(dns|http|https|http2|tls|dgram)["']/,
  /\bfetch\s*\(/,
  /\bnew\s+Socket\s*\(/,
];

test("no file of the sensor can open a connection or resolve a name", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".ts"));
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = readFileSync(`${DIR}${file}`, "utf8");
    for (const pattern of FORBIDDEN) assert.doesNotMatch(text, pattern, `${file} matches ${pattern}`);
  }
});
