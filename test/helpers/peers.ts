/**
 * Peer-backed tests say which peer they need. A missing peer skips the test with the Debian
 * package to install, except under CI=true, where it fails the test: CI installs every peer
 * (scripts/install-peers.sh), so a missing one there is a broken build, not a choice.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { TestContext } from "node:test";

/** Command → the Debian package that provides it (kept in step with scripts/install-peers.sh). */
export const PEER_PACKAGES: Readonly<Record<string, string>> = {
  ip: "iproute2",
  dhcpd: "isc-dhcp-server",
  dhclient: "isc-dhcp-client",
  nft: "nftables",
  iptables: "iptables",
  ip6tables: "iptables",
  "iptables-restore": "iptables",
  "ip6tables-restore": "iptables",
  "iptables-save": "iptables",
  "ip6tables-save": "iptables",
  ipset: "ipset",
  python3: "python3",
  swaks: "swaks",
  openssl: "openssl",
  postfix: "postfix",
  postconf: "postfix",
  "smtp-sink": "postfix",
  unshare: "util-linux",
  softflowd: "softflowd",
  nfcapd: "nfdump",
  nfdump: "nfdump",
  curl: "curl",
  rbldnsd: "rbldnsd",
  dig: "bind9-dnsutils",
  "smtp-source": "postfix",
  chromium: "chromium",
  doveadm: "dovecot-core",
  dovecot: "dovecot-core",
  slapd: "slapd",
  slapadd: "slapd",
};

export const inCi = (): boolean => process.env.CI === "true";

/** The command's full path on PATH, or undefined. */
export function findCommand(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Skips the test (or, under CI=true, fails it) with `reason`. Returns false so a caller can
 * write `if (!unavailable(t, "…")) return;`.
 */
export function unavailable(t: TestContext, reason: string): false {
  if (inCi()) throw new Error(`${reason} (CI=true: peers must be present)`);
  t.skip(reason);
  return false;
}

/**
 * True when every command is on PATH. Otherwise skips the test ("needs nft (Debian package
 * nftables)") or, under CI=true, fails it, and returns false: the caller returns at once.
 */
export function requirePeers(t: TestContext, commands: readonly string[]): boolean {
  const missing = commands.filter((c) => findCommand(c) === undefined);
  if (missing.length === 0) return true;
  const byPackage = new Map<string, string[]>();
  for (const command of missing) {
    const pkg = PEER_PACKAGES[command] ?? "";
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), command]);
  }
  const named = [...byPackage].map(([pkg, commands]) =>
    pkg === "" ? commands.join(", ") : `${commands.join(", ")} (Debian package ${pkg})`,
  );
  return unavailable(t, `needs ${named.join("; ")}`);
}

/**
 * True when this process may create network namespaces: it runs as root and `ip netns add`
 * works (containers often forbid it). Otherwise skips or, under CI=true, fails the test.
 * Checks `ip` itself first.
 */
export function requireNetns(t: TestContext): boolean {
  if (!requirePeers(t, ["ip"])) return false;
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    return unavailable(t, "needs root to create network namespaces (run as root, or in CI)");
  }
  const name = `pt-${process.pid}-probe`;
  const added = spawnSync("ip", ["netns", "add", name], { encoding: "utf8", timeout: 10_000 });
  if (added.status !== 0) {
    const why = (added.stderr || added.error?.message || `exit ${added.status}`).trim();
    return unavailable(t, `needs permission for \`ip netns add\` (${why})`);
  }
  spawnSync("ip", ["netns", "delete", name], { timeout: 10_000 });
  return true;
}
