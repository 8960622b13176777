import { randomBytes, type ScryptOptions, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

/** scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and ~50 ms a hash, OWASP's minimum for scrypt. */
export const DEFAULT_SCRYPT_LOG2_N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** Room for N = 2^18 at r = 8 (256 MiB), the highest cost submission.auth.scrypt_cost allows. */
const MAX_MEMORY = 512 * 1024 ** 2;

/** A stored `scrypt$N$r$p$salt$key` split into its parts, or undefined for another format. */
export interface ScryptHash {
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

export function parseScryptHash(stored: string): ScryptHash | undefined {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return undefined;
  return {
    n: Number(n),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, "base64"),
    key: Buffer.from(key, "base64"),
  };
}

const options = (n: number, r = R, p = P): ScryptOptions => ({ N: n, r, p, maxmem: MAX_MEMORY });
const format = (n: number, salt: Buffer, key: Buffer) =>
  `scrypt$${n}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;

function derive(password: string, salt: Buffer, scryptOptions: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, scryptOptions, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64: the cost travels with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const n = 2 ** DEFAULT_SCRYPT_LOG2_N;
  return format(n, salt, await derive(password, salt, options(n)));
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const hash = parseScryptHash(stored);
  if (!hash) return false;
  const actual = await derive(password, hash.salt, options(hash.n, hash.r, hash.p));
  return actual.length === hash.key.length && timingSafeEqual(actual, hash.key);
}

/**
 * The same hash made on the calling thread: for a worker thread of its own, so the work stays
 * off libuv's pool (which file system calls share).
 */
export function hashPasswordSync(password: string, log2N = DEFAULT_SCRYPT_LOG2_N): string {
  const salt = randomBytes(16);
  const n = 2 ** log2N;
  return format(n, salt, scryptSync(password.normalize("NFKC"), salt, KEY_LENGTH, options(n)));
}

/** `verifyPassword` on the calling thread, for the same reason as `hashPasswordSync`. */
export function verifyPasswordSync(stored: string, password: string): boolean {
  const hash = parseScryptHash(stored);
  if (!hash) return false;
  const actual = scryptSync(
    password.normalize("NFKC"),
    hash.salt,
    KEY_LENGTH,
    options(hash.n, hash.r, hash.p),
  );
  return actual.length === hash.key.length && timingSafeEqual(actual, hash.key);
}

let decoy: Promise<string> | undefined;

/** A hash of nothing, checked against when the user does not exist, so timing does not tell. */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(12).toString("base64"));
  return decoy;
}
