/**
 * The tokens of a dhcpd.leases file as dhcpd's own lexer reads them: a `#` outside a quoted string
 * starts a comment to the end of the line (dhcpd writes one after every `epoch N;` time), quoted
 * strings keep their escapes, and `{`, `}` and `;` stand alone whatever touches them.
 */
export type Token =
  | { readonly kind: "word" | "string"; readonly text: string; readonly line: number }
  | { readonly kind: "{" | "}" | ";"; readonly line: number };

export type TokenEvent = Token | { readonly kind: "error"; readonly line: number; readonly message: string };

const PUNCTUATION = new Set(["{", "}", ";"]);
/** Characters that end a word: space, punctuation, a string's or a comment's start. */
const WORD = /[^\s{};"#]+/y;

/** The index just past the closing quote of the string opening at `start`, or -1. */
function stringEnd(line: string, start: number): number {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === '"') return i + 1;
  }
  return -1;
}

/** One line's tokens; a string left open ends the line with an error (dhcpd escapes newlines in strings). */
export function* tokensOf(line: string, lineNumber: number): Generator<TokenEvent> {
  let i = 0;
  while (i < line.length) {
    const char = line[i] as string;
    if (/\s/.test(char)) i++;
    else if (char === "#") return;
    else if (PUNCTUATION.has(char)) {
      yield { kind: char as "{" | "}" | ";", line: lineNumber };
      i++;
    } else if (char === '"') {
      const end = stringEnd(line, i);
      if (end < 0) {
        yield { kind: "error", line: lineNumber, message: "a quoted string is not closed on its line" };
        return;
      }
      yield { kind: "string", text: line.slice(i, end), line: lineNumber };
      i = end;
    } else {
      WORD.lastIndex = i;
      const word = WORD.exec(line)?.[0] as string;
      yield { kind: "word", text: word, line: lineNumber };
      i += word.length;
    }
  }
}
