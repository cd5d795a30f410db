import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeKey, env } from "~/env.server";

/**
 * AES-256-GCM for secrets at rest (access tokens, API keys). Stored form:
 * "v1.<iv base64url>.<tag base64url>.<ciphertext base64url>". The key comes from ENCRYPTION_KEY.
 * During a key rotation ENCRYPTION_KEY_PREVIOUS holds the old key: secrets are written under the new
 * key and read under either (GCM's tag tells which one fits), so no process stops working while
 * `npm run secrets:rotate` re-encrypts what is stored (README "Security", decision 019).
 */
const VERSION = "v1";

function key(): Buffer {
  const k = decodeKey(env().ENCRYPTION_KEY);
  if (!k) throw new Error("ENCRYPTION_KEY is not a 32-byte key");
  return k;
}

export function encryptSecret(plaintext: string, encryptionKey: Buffer = key()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

function previousKey(): Buffer | null {
  const value = env().ENCRYPTION_KEY_PREVIOUS;
  return value ? decodeKey(value) : null;
}

/** Decrypts with the given key, or — by default — with ENCRYPTION_KEY, then ENCRYPTION_KEY_PREVIOUS. */
export function decryptSecret(stored: string, encryptionKey?: Buffer): string {
  if (encryptionKey) return decryptWith(stored, encryptionKey);
  const keys = [key(), previousKey()].filter((k): k is Buffer => k !== null);
  return decryptWithAny(stored, keys).plaintext;
}

/** The plaintext and the index of the first key that opens it (tag check), or the last key's error. */
export function decryptWithAny(stored: string, keys: Buffer[]): { plaintext: string; keyIndex: number } {
  let failure: unknown = new Error("no key to decrypt with");
  for (const [keyIndex, k] of keys.entries()) {
    try {
      return { plaintext: decryptWith(stored, k), keyIndex };
    } catch (error) {
      if (error instanceof Error && error.message === "not an encrypted secret") throw error;
      failure = error;
    }
  }
  throw failure;
}

function decryptWith(stored: string, encryptionKey: Buffer): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

export function isEncryptedSecret(value: string): boolean {
  return value.startsWith(`${VERSION}.`) && value.split(".").length === 4;
}
