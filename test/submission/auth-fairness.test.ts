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

test("a flood of wrong passwords from 6 networks: a user from a clean network is checked ahead of the queued guesses", async (t) => {
  const running = await startTestService(t);
  const port = running.service.implicitTls.port;
  // 8 sessions (the per-client bound on checks in flight) from each of 6 loopback networks.
  const guessers = await Promise.all(
    Array.from({ length: 6 * 8 }, (_, i) => readyForAuth(port, `127.1.${i % 6}.2`)),
  );
  const user = await readyForAuth(port, "127.1.200.2");
  t.after(() => {
    for (const session of [...guessers, user]) session.close();
  });
  const answers: string[] = [];
  const answer = (session: RawSession, who: string) =>
    session.reply(60_000).then((text) => {
      answers.push(`${who} ${text.slice(0, 3)}`);
      return text;
    });
  guessers.forEach((session, i) => {
    session.send(`AUTH PLAIN ${plainToken("", `nobody${i}@ana.example`, "guess")}`);
  });
  const guesses = guessers.map((session) => answer(session, "guess"));
  // Once the first guess is answered the flood is queued, and its networks have failed.
  await Promise.race(guesses);
  user.send(`AUTH PLAIN ${plainToken("", USER, PASSWORD)}`);
  const [replies, login] = await Promise.all([Promise.all(guesses), answer(user, "user")]);

  assert.match(login, /^235 /, "the user logs in");
  const userAt = answers.indexOf("user 235");
  const before = answers.slice(0, userAt).filter((text) => text === "guess 535").length;
  const after = answers.slice(userAt).filter((text) => text === "guess 535").length;
  t.diagnostic(`guesses answered before the user: ${before}, after: ${after}`);
  assert.ok(after > 2 * before, `guesses answered before the user's login: ${before}, after: ${after}`);
  assert.deepEqual(
    replies.filter((text) => !text.startsWith("535 ")),
    [],
    "every guess is checked and fails",
  );
});
