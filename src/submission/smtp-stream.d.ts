/** smtp-server's command and DATA parser, which the package exports as `lib/smtp-stream.js` untyped. */
declare module "smtp-server/lib/smtp-stream.js" {
  import { Writable } from "node:stream";
  export class SMTPStream extends Writable {}
}
