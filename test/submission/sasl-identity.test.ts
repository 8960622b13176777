import assert from "node:assert/strict";
import { test } from "node:test";
import { PASSWORD, plainToken, readyForAuth, startTestService, USER } from "../helpers/submission.js";

test("AUTH PLAIN acting as another identity (authzid ≠ authcid, RFC 4616) is refused 535 5.7.8; none or its own is taken", async (t) => {
  const running = await startTestService(t);
  const port = running.service.implicitTls.port;
  const login = async (authzid: string, user: string) => {
    const session = await readyForAuth(port);
    t.after(() => session.close());
    session.send(`AUTH PLAIN ${plainToken(authzid, user, PASSWORD)}`);
    return session.reply();
  };
  const refused = "535 5.7.8 Authorization identity must be empty or your own (RFC 4616)";
  assert.equal(await login("ceo@example.net", USER), refused, "the right password does not make ana the CEO");
  assert.equal(await login(USER, ""), refused, "an empty authcid is not filled in from the authzid");
  assert.match(await login("", USER), /^235 /);
  assert.match(await login(USER.toUpperCase(), USER), /^235 /);
});
