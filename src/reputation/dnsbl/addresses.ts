import { type Address, type Prefix, parsePrefix, prefixSize, UserError } from "../../core/index.js";

/**
 * Every address of the prefixes, in the order given, each once; refuses more than `max`, since
 * DNS look-ups are for spot checks and small spaces (import the zone for whole networks).
 */
export function addressesOf(prefixTexts: readonly string[], max: number): Address[] {
  const prefixes: Prefix[] = prefixTexts.map((text) => parsePrefix(text));
  const total = prefixes.reduce((sum, p) => sum + prefixSize(p), 0n);
  if (total > BigInt(max)) {
    throw new UserError(
      `${total} addresses to look up, more than --max-addresses ${max}; narrow the prefixes or raise the cap`,
    );
  }
  const seen = new Set<string>();
  const out: Address[] = [];
  for (const prefix of prefixes) {
    for (let i = 0n; i < prefixSize(prefix); i++) {
      const address: Address =
        prefix.family === 4
          ? { family: 4, value: prefix.start + Number(i) }
          : { family: 6, value: prefix.start + i };
      const key = `${address.family}:${address.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(address);
    }
  }
  return out;
}
