import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, decryptWithAny, encryptSecret, isEncryptedSecret } from "./encryption.server";

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

describe("decryptWithAny (key rotation)", () => {
  it("opens a secret under the current or the previous key and says which", () => {
    const current = randomBytes(32);
    const previous = randomBytes(32);
    expect(decryptWithAny(encryptSecret("old one", previous), [current, previous])).toEqual({ plaintext: "old one", keyIndex: 1 });
    expect(decryptWithAny(encryptSecret("new one", current), [current, previous])).toEqual({ plaintext: "new one", keyIndex: 0 });
    expect(() => decryptWithAny(encryptSecret("lost", randomBytes(32)), [current, previous])).toThrow();
    expect(() => decryptWithAny("plain-token", [current])).toThrow("not an encrypted secret");
  });
});
