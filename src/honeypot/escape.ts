/**
 * Attacker text made safe for a terminal or a CSV cell: control characters (ESC, CR, LF, …) and
 * the bidi overrides become visible \xNN / \uNNNN escapes, so a captured HELO cannot move the
 * cursor, recolour the screen or reorder what is shown.
 */
export function escapeText(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069\\]/gu, (c) => {
    if (c === "\\") return "\\\\";
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
