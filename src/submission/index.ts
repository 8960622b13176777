export { parseMailbox, parseSenderPattern, senderMatches } from "./address.js";
export {
  type Envelope,
  type RecipientState,
  Spool,
  type SpooledMessage,
  type SpooledRecipient,
  type SpoolWriter,
} from "./spool.js";
export { maySendAs, type SubmissionUser, UserStore } from "./users.js";
