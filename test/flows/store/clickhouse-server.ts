/**
 * A private ClickHouse for tests: Debian's clickhouse-server (18.16) on free loopback ports (HTTP,
 * native TCP, interserver), with its own config.xml, users.xml and data folder under a temp dir,
 * started once per test file and stopped (folder removed) when the file's tests end. A missing
 * binary skips the tests with the package to install, or fails them under CI=true.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { ClickHouseUrl } from "../../../src/flows/store/clickhouse/index.js";
import { parseFlowStoreUrl } from "../../../src/flows/store/index.js";
import { findCommand, unavailable } from "../../helpers/peers.js";
import { freePort } from "../../helpers/postfix.js";

export interface PrivateClickHouse {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** A clickhouse:// URL for a database of this server (made at open by the store). */
  url(database: string): ClickHouseUrl;
  stop(): Promise<void>;
}

/** Debian installs the server in /usr/sbin, which a non-root PATH often lacks. */
function serverBinary(): string | undefined {
  const found = findCommand("clickhouse-server");
  if (found !== undefined) return found;
  try {
    accessSync("/usr/sbin/clickhouse-server", constants.X_OK);
    return "/usr/sbin/clickhouse-server";
  } catch {
    return undefined;
  }
}

function configXml(dir: string, ports: { http: number; tcp: number; interserver: number }): string {
  return `<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <!-- Not UTC on purpose: the store must not depend on the server's time zone. -->
  <timezone>America/Sao_Paulo</timezone>
  <mark_cache_size>5368709</mark_cache_size>
</yandex>
`;
}

/** `default` without a password, and `porteiro` with one, to test credentials in the URL. */
const USERS_XML = `<yandex>
  <profiles><default></default></profiles>
  <quotas><default></default></quotas>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <porteiro><password>s3cret pass</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></porteiro>
  </users>
</yandex>
`;

async function pings(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/ping`);
    return response.ok && (await response.text()).startsWith("Ok");
  } catch {
    return false;
  }
}

function stopper(server: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * Starts a server, or returns why not (no binary): call once per file (in `before`) and check the
 * answer in each test with requireClickHouse.
 */
export async function startClickHouse(): Promise<PrivateClickHouse | string> {
  const binary = serverBinary();
  if (binary === undefined) return "needs clickhouse-server (Debian package clickhouse-server)";
  const dir = mkdtempSync(join(tmpdir(), "porteiro-clickhouse-"));
  for (const sub of ["data", "tmp", "user_files"]) mkdirSync(join(dir, sub));
  const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  writeFileSync(join(dir, "config.xml"), configXml(dir, ports));
  writeFileSync(join(dir, "users.xml"), USERS_XML);
  const server = spawn(binary, [`--config-file=${join(dir, "config.xml")}`], { stdio: "ignore" });
  // A test run killed before its after-hook ran must not leave a server behind.
  const killOnExit = () => server.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stopServer = stopper(server, dir);
  const stop = async () => {
    process.off("exit", killOnExit);
    await stopServer();
  };
  const endpoint = `http://127.0.0.1:${ports.http}`;
  for (let waited = 0; !(await pings(endpoint)); waited += 50) {
    if (waited > 30_000 || server.exitCode !== null) {
      await stop();
      throw new Error(`clickhouse-server did not start (see ${dir}/error.log)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    endpoint,
    url: (database) => {
      const url = parseFlowStoreUrl(`clickhouse://127.0.0.1:${ports.http}/${database}`);
      if (url.engine !== "clickhouse") throw new Error("not a clickhouse URL");
      return url;
    },
    stop,
  };
}

/** The server, or undefined after skipping the test (failing it under CI=true) with the reason. */
export function requireClickHouse(
  t: TestContext,
  server: PrivateClickHouse | string | undefined,
): PrivateClickHouse | undefined {
  if (typeof server === "object") return server;
  unavailable(t, server ?? "clickhouse-server did not start");
  return undefined;
}
