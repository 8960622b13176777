export { parseMailbox, parseSenderPattern, senderMatches } from "./address.js";
export { maySendAs, type SubmissionUser, UserStore } from "./users.js";
