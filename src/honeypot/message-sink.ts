import { createHash } from "node:crypto";
import type { BodyFiles } from "./body-files.js";
import { messageFeatures } from "./campaign.js";
import type { MessageSink } from "./smtp-emulator.js";

/** Hashes the body, writes it once under its hash, and returns the message as the session records it. */
export function bodySink(files: BodyFiles): MessageSink {
  return async (body, envelope) => {
    const receivedMs = Date.now();
    const sha256 = createHash("sha256").update(body).digest("hex");
    await files.write(sha256, body);
    return {
      receivedMs,
      mailFrom: envelope.mailFrom,
      recipients: envelope.recipients,
      sha256,
      size: envelope.size,
      storedSize: body.length,
      truncated: envelope.truncated,
      ...messageFeatures(body, envelope.recipients),
    };
  };
}
