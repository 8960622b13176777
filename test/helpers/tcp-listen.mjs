// Accepts TCP on the given ports on every address of its network namespace (IPv4 and IPv6),
// and closes each connection at once. For tests:  ip netns exec NS node tcp-listen.mjs 25 587 465
// Prints "ready" on stdout once every port listens; runs until killed or until its stdin
// closes, so the listeners die with the test process even when that is killed outright.
import net from "node:net";

const ports = process.argv.slice(2).map(Number);
if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
  process.stderr.write("usage: tcp-listen.mjs PORT...\n");
  process.exit(2);
}

await Promise.all(
  ports.map(
    (port) =>
      new Promise((resolve, reject) => {
        const server = net.createServer((socket) => {
          socket.on("error", () => {});
          socket.end();
        });
        server.once("error", reject);
        server.listen({ host: "::", port, ipv6Only: false, backlog: 1024 }, () => resolve(undefined));
      }),
  ),
);
process.stdout.write("ready\n");
process.on("SIGTERM", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
