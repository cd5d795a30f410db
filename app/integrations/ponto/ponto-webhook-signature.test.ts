import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyPontoSignature, type SigningKey } from "./ponto-webhook-signature";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const body = Buffer.from(JSON.stringify({ data: { type: "pontoConnect.account.transactionsCreated", id: "e1" } }));
const NOW = new Date("2026-11-29T10:00:00Z");
const t = Math.floor(NOW.getTime() / 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
function jwt(claims: Record<string, unknown>, alg = "RS512", key = privateKey, kid = "k1") {
  const head = `${b64({ alg, kid })}.${b64(claims)}`;
  return `${head}.${sign(alg === "RS512" ? "sha512" : "sha256", Buffer.from(head), key).toString("base64url")}`;
}
const good = { aud: "app-1", digest: createHash("sha512").update(body).digest("base64"), iat: t - 5, exp: t + 55, iss: "https://api.ibanity.com", jti: "j" };
const keyFor = async (kid: string): Promise<SigningKey | null> => (kid === "k1" ? { key: publicKey, alg: null } : null);
const verifyWith = (signature: string | null, b = body, audience: string | null = "app-1") => verifyPontoSignature(b, signature, { keyFor, now: NOW, issuer: "https://api.ibanity.com/", audience });

describe("verifyPontoSignature (ibanity-ruby webhook.rb order: key, signature, digest, iat, exp, iss, aud)", () => {
  it("accepts Ponto's RS512 signature and the older RS256", async () => {
    await expect(verifyWith(jwt(good))).resolves.toMatchObject({ aud: "app-1" });
    await expect(verifyWith(jwt(good, "RS256"))).resolves.toBeTruthy();
  });
  it.each([
    ["a missing header", null, /missing/],
    ["not a JWT", "abc", /not a JWT/],
    ["HS256", jwt(good).replace(/^[^.]+/, b64({ alg: "HS256", kid: "k1" })), /not accepted/],
    ["an unknown key", jwt(good, "RS512", privateKey, "k9"), /unknown/],
    ["another signer", jwt(good, "RS512", generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey), /does not verify/],
    ["another body's digest", jwt({ ...good, digest: createHash("sha512").update("x").digest("base64") }), /digest/],
    ["an expired token", jwt({ ...good, iat: t - 200, exp: t - 140 }), /expired/],
    ["a future token", jwt({ ...good, iat: t + 120, exp: t + 180 }), /future/],
    ["another issuer", jwt({ ...good, iss: "https://evil.example" }), /issuer/],
    ["another application", jwt({ ...good, aud: "app-2" }), /another application/],
  ])("refuses %s", async (_what, signature, why) => {
    await expect(verifyWith(signature as string | null)).rejects.toThrow(why);
  });
  it("refuses an altered body", async () => {
    await expect(verifyWith(jwt(good), Buffer.concat([body, Buffer.from(" ")]))).rejects.toThrow(/digest/);
  });
});
