/**
 * Ed25519 signatures over a canonical JSON form: keys sorted at every level, no spaces. The
 * coordinator re-derives the same bytes from the JSON it received, so a changed value, an added
 * or a removed field all break the signature.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { RolloutError } from "./errors.js";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface KeyPairPem {
  /** PKCS#8 PEM: stays with the organisation. */
  readonly privateKey: string;
  /** SPKI PEM: registered with the coordinator. */
  readonly publicKey: string;
}

export function generateSigningKeys(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicKey: publicKey.export({ type: "spki", format: "pem" }) as string,
  };
}

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") throw new RolloutError(400, `${what} is not an Ed25519 key`);
  return key;
}

/** The public key in its SPKI PEM form, or a 400 when it is not an Ed25519 public key. */
export function normalizePublicKey(pem: string): string {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new RolloutError(400, "the public key is not a PEM public key");
  }
  if (key.type !== "public") throw new RolloutError(400, "expected a public key, not a private one");
  return ed25519(key, "the public key").export({ type: "spki", format: "pem" }) as string;
}

export function keyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex");
}

export function readPrivateKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new RolloutError(400, `${file}: not a PEM private key (make one with porteiro rollout keygen)`);
  }
  return ed25519(key, file);
}

export function signBody(body: unknown, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(body)), privateKey).toString("base64");
}

export function verifyBody(body: unknown, signature: string, publicKeyPem: string): boolean {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false;
  return verify(
    null,
    Buffer.from(canonicalJson(body)),
    createPublicKey(publicKeyPem),
    Buffer.from(signature, "base64"),
  );
}
