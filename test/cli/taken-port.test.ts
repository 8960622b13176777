import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

/** What a person reads on stderr: the log's JSON lines left out. */
const said = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => !line.startsWith("{"))
    .join("\n");

/** A TCP port on loopback that something else holds for the test's length. */
async function takenTcpPort(t: Parameters<typeof tempDir>[0]): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  return (server.address() as { port: number }).port;
}

test("a taken port is one line naming the listener, the address and what moves it, and exit 1", async (t) => {
  const data = tempDir(t, "taken");
  const port = await takenTcpPort(t);
  const plan = ["--plan", "examples/plan.yaml", "--data", data];

  const web = porteiro(["serve", ...plan, "--web", `127.0.0.1:${port}`, "--no-submission", "--no-collector"]);
  assert.equal(web.status, 1, web.stderr);
  assert.match(
    said(web.stderr),
    new RegExp(
      `^porteiro: cannot listen for the web console on 127\\.0\\.0\\.1:${port}: the address is already in use .*; change it with --web HOST:PORT or web\\.listen\\n$`,
    ),
  );

  for (const serve of [
    ["serve", ...plan, "--web", "127.0.0.1:0", "--no-collector"],
    ["submission", "serve", "--data", data],
  ]) {
    const submission = porteiro([...serve, "--listen", `127.0.0.1:${port}`, "--listen-tls", "127.0.0.1:0"]);
    assert.equal(submission.status, 1, submission.stderr);
    assert.match(
      said(submission.stderr),
      new RegExp(
        `porteiro: cannot listen for submission \\(STARTTLS\\) on 127\\.0\\.0\\.1:${port}: the address is already in use .*; change it with --listen HOST:PORT or submission\\.listen\\n$`,
      ),
      serve.join(" "),
    );
    assert.doesNotMatch(submission.stderr, STACK_LINE);
  }

  const udp = createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  t.after(() => udp.close());
  const udpPort = udp.address().port;
  const collector = porteiro(["flows", "collect", "--data", data, "--listen", `udp://127.0.0.1:${udpPort}`]);
  assert.equal(collector.status, 1, collector.stderr);
  assert.match(
    said(collector.stderr),
    new RegExp(
      `porteiro: cannot listen for the flow collector on 127\\.0\\.0\\.1:${udpPort}: the address is already in use`,
    ),
  );
  assert.doesNotMatch(collector.stderr, STACK_LINE);
});
