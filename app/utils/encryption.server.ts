import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeKey, env } from "~/env.server";

/**
 * AES-256-GCM for secrets at rest (access tokens, API keys). Stored form:
 * "v1.<iv base64url>.<tag base64url>.<ciphertext base64url>". The key comes from ENCRYPTION_KEY.
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

export function decryptSecret(stored: string, encryptionKey: Buffer = key()): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

export function isEncryptedSecret(value: string): boolean {
  return value.startsWith(`${VERSION}.`) && value.split(".").length === 4;
}
