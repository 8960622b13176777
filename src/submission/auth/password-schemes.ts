import { createHash, timingSafeEqual } from "node:crypto";
import { argon2Verify, bcryptVerify } from "hash-wasm";
import { verify as verifySha512Crypt } from "unixcrypt";
import { parseScryptHash, verifyPasswordSync } from "../../core/index.js";

/**
 * Stored password hashes besides porteiro's own scrypt: those `porteiro users import` takes from a
 * Dovecot passwd-file, each with its `{SCHEME}` prefix as Dovecot writes it, and the marker of an
 * account whose password another backend checks. Each is verified here, natively, and replaced
 * with scrypt at the account's next good login.
 */
const IMPORTED_SCHEMES = {
  "SHA512-CRYPT": /^\$6\$(rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/,
  "BLF-CRYPT": /^\$2[abxy]\$\d\d\$[./0-9A-Za-z]{53}$/,
  ARGON2I: /^\$argon2i\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/,
  ARGON2ID: /^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/,
  // SHA-512 (64 bytes) followed by the salt, all in base64.
  SSHA512: /^[A-Za-z0-9+/]{88,}={0,2}$/,
} as const;

type ImportedScheme = keyof typeof IMPORTED_SCHEMES;

/** Prefix of the stored hash of an account that the dovecot or ldap backend logs in: never a password. */
export const EXTERNAL_MARKER = "{EXTERNAL}";

const SCHEME = /^\{([A-Z0-9-]+)\}(.*)$/s;

/** Why `hash` (with its `{SCHEME}` prefix) cannot be imported, or undefined when it can. */
export function importedHashProblem(hash: string): string | undefined {
  const match = SCHEME.exec(hash);
  if (!match) return "the hash has no {SCHEME} prefix";
  const [, scheme, value] = match as unknown as [string, string, string];
  if (!(scheme in IMPORTED_SCHEMES)) {
    return `scheme {${scheme}} is not one porteiro verifies (${Object.keys(IMPORTED_SCHEMES)
      .map((name) => `{${name}}`)
      .join(", ")})`;
  }
  if (!IMPORTED_SCHEMES[scheme as ImportedScheme].test(value)) return `not a well-formed {${scheme}} hash`;
  if (scheme === "SSHA512" && Buffer.from(value, "base64").length <= 64) return "{SSHA512} without a salt";
  return undefined;
}

/** Whether `password` matches `stored`, whichever supported scheme made it; false for any other. */
export async function verifyStored(stored: string, password: string): Promise<boolean> {
  if (stored.startsWith("scrypt$")) return verifyPasswordSync(stored, password);
  const match = SCHEME.exec(stored);
  if (!match || importedHashProblem(stored)) return false;
  const [, scheme, value] = match as unknown as [string, ImportedScheme, string];
  switch (scheme) {
    case "SHA512-CRYPT":
      return verifySha512Crypt(password, value);
    case "BLF-CRYPT":
      return bcryptVerify({ password, hash: value });
    case "ARGON2I":
    case "ARGON2ID":
      return argon2Verify({ password, hash: value });
    case "SSHA512": {
      const decoded = Buffer.from(value, "base64");
      const digest = createHash("sha512").update(password).update(decoded.subarray(64)).digest();
      return timingSafeEqual(digest, decoded.subarray(0, 64));
    }
  }
}

/**
 * Whether a hash that just verified should be made again at the configured cost: any imported
 * scheme, and scrypt weaker than `log2N` (or than r = 8).
 */
export function isBelowCost(stored: string, log2N: number): boolean {
  const hash = parseScryptHash(stored);
  return !hash || hash.n < 2 ** log2N || hash.r < 8;
}
