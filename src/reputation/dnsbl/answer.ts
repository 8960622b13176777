/**
 * What a DNSBL's A answer means (RFC 5782 §2.1): 127.0.0.0/8 is a listing, except the
 * 127.255.255.0/24 codes lists return to say the query itself was refused, which are errors, not
 * listings. Anything outside 127/8 is not a DNSBL answer at all (a resolver rewriting NXDOMAIN).
 */
const ERROR_CODES: Readonly<Record<string, string>> = {
  "127.255.255.252": "the list says the zone name is mistyped",
  "127.255.255.254": "the list refuses queries through public or open resolvers",
  "127.255.255.255": "the list says the query rate is too high",
};

export type AnswerMeaning = { readonly listed: true } | { readonly listed: false; readonly error?: string };

export function meaningOfA(answers: readonly string[]): AnswerMeaning {
  if (answers.length === 0) return { listed: false };
  for (const a of answers) {
    if (a.startsWith("127.255.255.")) {
      return {
        listed: false,
        error: `DNSBL error code ${a}: ${ERROR_CODES[a] ?? "the list refused the query"}`,
      };
    }
    if (!a.startsWith("127.")) return { listed: false, error: `answer ${a} is outside 127.0.0.0/8` };
  }
  return { listed: true };
}
