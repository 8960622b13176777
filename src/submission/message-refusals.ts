import type { RejectionReason } from "./metrics.js";
import type { Refusal } from "./receive-message.js";

/** The reply to a message refused while it streamed, and the reason it is counted under. */
export function messageRefusal(
  reason: Refusal,
  limits: { readonly maxMessageSize: number; readonly maxLineLength: number },
): { readonly code: number; readonly text: string; readonly metric: RejectionReason } {
  switch (reason) {
    case "size":
      return {
        code: 552,
        text: `5.3.4 Message exceeds the fixed maximum size of ${limits.maxMessageSize} bytes`,
        metric: "size",
      };
    case "bare-line-ending":
      return {
        code: 554,
        text: "5.6.0 Bare CR or LF in message; lines must end with CRLF (RFC 5321 2.3.8)",
        metric: "smuggling",
      };
    case "nul":
      return { code: 554, text: "5.6.0 NUL character in message (RFC 5322 2.3)", metric: "smuggling" };
    case "long-line":
      return {
        code: 554,
        text: `5.6.0 Line longer than ${limits.maxLineLength} octets in message (RFC 5322 2.1.1)`,
        metric: "long_line",
      };
  }
}
