import { spawn } from "node:child_process";
import type { TestContext } from "node:test";
import {
  honeypotConfigSchema,
  listSessions,
  type Sensor,
  type SessionDetail,
  sessionDetail,
  startSensor,
} from "../../src/honeypot/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

export interface Harness {
  readonly sensor: Sensor;
  readonly data: string;
  readonly http: string;
  readonly socks: string;
  readonly smtp: string;
  readonly socksPort: number;
  readonly smtpPort: number;
  /** Waits until `count` sessions are written, then returns them all in full, oldest first. */
  sessions(count: number): Promise<SessionDetail[]>;
}

/** A sensor on loopback with every listener on a free port, stopped when the test ends. */
export async function startHarness(t: TestContext, limits: Record<string, number> = {}): Promise<Harness> {
  const data = tempDir(t, "honeypot");
  const config = honeypotConfigSchema.parse({
    name: "sensor-test",
    hostname: "relay.sensor.example",
    http: "127.0.0.1:0",
    socks: "127.0.0.1:0",
    smtp: "127.0.0.1:0",
    limits,
  });
  const sensor = await startSensor({ config, dataDir: data });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await sensor.stop();
    stopped = true;
  });
  const e = sensor.endpoints;
  const store: Store = openStore(data);
  t.after(() => store.close());
  return {
    sensor,
    data,
    http: `${e.http?.host}:${e.http?.port}`,
    socks: `${e.socks?.host}:${e.socks?.port}`,
    smtp: `${e.smtp?.host}:${e.smtp?.port}`,
    socksPort: e.socks?.port ?? 0,
    smtpPort: e.smtp?.port ?? 0,
    async sessions(count) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        sensor.flush();
        const rows = listSessions(store, { limit: 100_000 });
        if (rows.length >= count || Date.now() > deadline) {
          return rows.reverse().map((r) => sessionDetail(store, r.id) as SessionDetail);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client program without blocking the event loop (the sensor runs in this process). */
export function run(command: string, args: readonly string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], timeout: 20_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}
