import { createHash } from "node:crypto";
import type { BodyFiles } from "./body-files.js";
import { messageFeatures } from "./campaign.js";
import type { MessageSink } from "./smtp-emulator.js";

/** Hashes the body, starts writing it once under its hash, and returns the message as the session records it. */
export function bodySink(files: BodyFiles, now: () => number = Date.now): MessageSink {
  return (body, envelope) => {
    const receivedMs = now();
    const sha256 = createHash("sha256").update(body).digest("hex");
    const message = {
      receivedMs,
      mailFrom: envelope.mailFrom,
      recipients: envelope.recipients,
      sha256,
      size: envelope.size,
      storedSize: body.length,
      truncated: envelope.truncated,
      ...messageFeatures(body, envelope.recipients),
    };
    return { message, written: files.write(sha256, body) };
  };
}
