import assert from "node:assert/strict";
import { test } from "node:test";
import {
  PASSWORD,
  plainToken,
  type RawSession,
  readyForAuth,
  startTestService,
  USER,
} from "../helpers/submission.js";

test("19 wrong passwords and then the right one in parallel sessions: the lock is not outrun", async (t) => {
  const running = await startTestService(t, { auth_lockout: { failures: 5 } });
  const port = running.service.implicitTls.port;
  const sessions = await Promise.all(Array.from({ length: 20 }, () => readyForAuth(port)));
  t.after(() => {
    for (const session of sessions) session.close();
  });
  // The wrong guesses leave together; the right one follows while their hashes are still being derived.
  for (const session of sessions.slice(0, 19)) session.send(`AUTH PLAIN ${plainToken("", USER, "wrong")}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  (sessions[19] as RawSession).send(`AUTH PLAIN ${plainToken("", USER, PASSWORD)}`);
  const answers = await Promise.all(sessions.map((session) => session.reply()));
  assert.match(answers[19] as string, /^454 4\.7\.0 /, answers.join("\n"));
  assert.ok(answers.filter((answer) => answer.startsWith("535 ")).length <= 5, answers.join("\n"));
  assert.equal(answers.filter((answer) => answer.startsWith("235 ")).length, 0);
});
