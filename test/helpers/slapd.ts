import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { escapeDnValue } from "../../src/submission/auth/ldap-template.js";
import { freePort, portAccepts } from "./postfix.js";
import { tempDir } from "./tmp.js";

/** The test directory's suffix; people live under ou=people. */
export const SUFFIX = "dc=example,dc=net";
/** The account porteiro searches as, when a test uses search-then-bind. */
export const SEARCH_DN = `cn=porteiro,${SUFFIX}`;
export const SEARCH_PASSWORD = "search account secret";

export interface DirectoryUser {
  readonly uid: string;
  readonly mail: string;
  /** userPassword as stored: `{SSHA}…` (ssha()) or `{CRYPT}…` (sha512Crypt()). */
  readonly userPassword: string;
  readonly mailAlternateAddress?: readonly string[];
}

export interface PrivateSlapd {
  /** ldaps:// */
  readonly url: string;
  /** ldap://, where every operation but StartTLS needs TLS first (security tls=1). */
  readonly startTlsUrl: string;
  readonly port: number;
  readonly startTlsPort: number;
  /** The test CA's certificate file, the one the server's certificate chains to. */
  readonly caFile: string;
  /** Stops slapd (by its pid) and waits for it to exit. */
  stop(): Promise<void>;
}

/** `{SSHA}` as OpenLDAP writes it: base64 of SHA-1(password + salt) followed by the salt. */
export function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash("sha1").update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
}

/** `{CRYPT}` with a SHA512-CRYPT hash from `openssl passwd -6`, which slapd checks with crypt(3). */
export function sha512Crypt(password: string): string {
  const made = spawnSync("openssl", ["passwd", "-6", "-stdin"], { input: password, encoding: "utf8" });
  if (made.status !== 0) throw new Error(`openssl passwd: ${made.stderr}`);
  return `{CRYPT}${made.stdout.trim()}`;
}

/** mailAlternateAddress as Postfix's and Sun's directories define it, for the test schema. */
const MAIL_SCHEMA = `attributetype ( 2.16.840.1.113730.3.1.13 NAME 'mailAlternateAddress'
  EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )
objectclass ( 1.3.6.1.4.1.99999.1.1 NAME 'porteiroMailUser' SUP top AUXILIARY MAY mailAlternateAddress )
`;

/**
 * A private OpenLDAP slapd on two free loopback ports, ldaps:// and ldap:// (StartTLS), with a CA and server
 * certificate made for it (openssl), its own slapd.conf and mdb database in a temp folder, and
 * `users` loaded with slapadd under ou=people. Anonymous clients may only bind; SEARCH_DN may
 * read every entry, a user its own. Stopped (by its pid) after the test.
 */
export async function startSlapd(t: TestContext, users: readonly DirectoryUser[]): Promise<PrivateSlapd> {
  const dir = tempDir(t, "slapd");
  mkdirSync(join(dir, "db"));
  makeCertificates(dir);
  writeFileSync(join(dir, "mail.schema"), MAIL_SCHEMA);
  const config = join(dir, "slapd.conf");
  writeFileSync(
    config,
    [
      ...["core", "cosine", "inetorgperson"].map((s) => `include /etc/ldap/schema/${s}.schema`),
      `include ${join(dir, "mail.schema")}`,
      `pidfile ${join(dir, "slapd.pid")}`,
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      `TLSCACertificateFile ${join(dir, "ca.crt")}`,
      `TLSCertificateFile ${join(dir, "server.crt")}`,
      `TLSCertificateKeyFile ${join(dir, "server.key")}`,
      // Nothing in the clear: on ldap:// a bind or search before StartTLS is confidentialityRequired.
      "security tls=1",
      "database mdb",
      `suffix "${SUFFIX}"`,
      `directory ${join(dir, "db")}`,
      "access to attrs=userPassword by anonymous auth by * none",
      `access to * by dn.exact="${SEARCH_DN}" read by self read by * none`,
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "entries.ldif"), entries(users));
  const loaded = spawnSync("slapadd", ["-f", config, "-l", join(dir, "entries.ldif")], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (loaded.status !== 0) throw new Error(`slapadd: ${loaded.stderr}`);

  const port = await freePort();
  const startTlsPort = await freePort();
  const url = `ldaps://127.0.0.1:${port}`;
  const startTlsUrl = `ldap://127.0.0.1:${startTlsPort}`;
  // -d keeps slapd in the foreground, so the test owns its process; level 0 logs nothing.
  const slapd = spawn("slapd", ["-d", "0", "-f", config, "-h", `${url}/ ${startTlsUrl}/`], {
    stdio: "ignore",
  });
  const stop = async () => {
    if (slapd.exitCode !== null || slapd.signalCode !== null) return;
    const exited = new Promise((resolve) => slapd.once("exit", resolve));
    slapd.kill("SIGTERM");
    await exited;
  };
  t.after(stop);
  for (let waited = 0; !((await portAccepts(port)) && (await portAccepts(startTlsPort))); waited += 50) {
    if (waited > 15_000 || slapd.exitCode !== null) throw new Error(`slapd did not start (${config})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, startTlsUrl, port, startTlsPort, caFile: join(dir, "ca.crt"), stop };
}

/** The suffix, ou=people, the search account and the users, as LDIF. */
function entries(users: readonly DirectoryUser[]): string {
  const blocks = [
    [`dn: ${SUFFIX}`, "objectClass: dcObject", "objectClass: organization", "o: Example", "dc: example"],
    [`dn: ou=people,${SUFFIX}`, "objectClass: organizationalUnit", "ou: people"],
    [
      `dn: ${SEARCH_DN}`,
      "objectClass: person",
      "cn: porteiro",
      "sn: porteiro",
      `userPassword: ${ssha(SEARCH_PASSWORD)}`,
    ],
    ...users.map((user) => [
      `dn: uid=${escapeDnValue(user.uid)},ou=people,${SUFFIX}`,
      "objectClass: inetOrgPerson",
      "objectClass: porteiroMailUser",
      `uid: ${user.uid}`,
      `cn: ${user.uid}`,
      `sn: ${user.uid}`,
      `mail: ${user.mail}`,
      `userPassword: ${user.userPassword}`,
      ...(user.mailAlternateAddress ?? []).map((address) => `mailAlternateAddress: ${address}`),
    ]),
  ];
  return blocks.map((lines) => `${lines.join("\n")}\n`).join("\n");
}

/** A test CA and a server certificate for 127.0.0.1 and localhost signed by it. */
function makeCertificates(dir: string): void {
  const openssl = (args: string[]) => {
    const made = spawnSync("openssl", args, { cwd: dir, encoding: "utf8", timeout: 30_000 });
    if (made.status !== 0) throw new Error(`openssl ${args[0]}: ${made.stderr}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=porteiro test CA",
  ]);
  openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]);
  writeFileSync(join(dir, "server.ext"), "subjectAltName = IP:127.0.0.1, DNS:localhost\n");
  openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "server.ext",
    "-out",
    "server.crt",
  ]);
}
