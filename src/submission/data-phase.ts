import type { Socket } from "node:net";
import { corkForThisTick } from "./coalesced-writes.js";
import type { DataStreamState } from "./dot-stuffing.js";

/** The parts of nodemailer's SMTPConnection that a DATA phase begins with. */
interface DataPhaseOwner {
  _createSendStream?: (callback: unknown) => DataStreamState;
  _socket?: Socket;
}

/**
 * Calls `began` with the DATA stream each time this nodemailer session starts sending a message
 * body, and sends what the body's first turn writes (the message and the final dot, when it
 * comes from memory) in one write to the socket instead of one each. It hooks the session's
 * `_createSendStream`, and says whether it could: should a later nodemailer not have it, `began`
 * is never called.
 */
export function whenDataBegins(connection: object, began: (stream: DataStreamState) => void): boolean {
  const owner = connection as DataPhaseOwner;
  const create = owner._createSendStream;
  if (typeof create !== "function") return false;
  owner._createSendStream = function (this: DataPhaseOwner, callback: unknown) {
    const stream = create.call(this, callback);
    began(stream);
    if (this._socket) corkForThisTick(this._socket);
    return stream;
  };
  return true;
}
