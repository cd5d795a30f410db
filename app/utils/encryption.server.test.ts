import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, isEncryptedSecret } from "./encryption.server";

const key = randomBytes(32);

describe("encryptSecret / decryptSecret", () => {
  it("round-trips and never stores the plaintext", () => {
    const stored = encryptSecret("shpat_0123456789abcdef", key);
    expect(stored).not.toContain("shpat_");
    expect(isEncryptedSecret(stored)).toBe(true);
    expect(decryptSecret(stored, key)).toBe("shpat_0123456789abcdef");
  });
  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });
  it("detects tampering and wrong keys", () => {
    const stored = encryptSecret("secret", key);
    const parts = stored.split(".");
    const tampered = [parts[0], parts[1], parts[2], Buffer.from("other").toString("base64url")].join(".");
    expect(() => decryptSecret(tampered, key)).toThrow();
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow();
    expect(() => decryptSecret("plain-token", key)).toThrow("not an encrypted secret");
  });
});
