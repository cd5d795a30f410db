import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { z } from "zod";

/**
 * Ponto's webhook signature (docs/decisions/027-ponto.md): the `Signature` header is a JWT whose claims carry
 * `digest` = Base64 SHA-512 of the raw body, `iat`, `exp`, `iss` (Ibanity's API base URI), `aud` (the Ibanity
 * application id) and `jti`; its header names the signing key (`kid`) in Ibanity's JWKS (GET /webhooks/keys).
 * Verified as Ibanity's own SDKs do: ibanity-ruby lib/ibanity/webhook.rb (`verify!`: key by kid, signature,
 * then digest, iat, exp, iss, aud; DEFAULT_TOLERANCE = 30 s) and ibanity-dotnet Webhooks/Jwt/Verifier.cs
 * (digest compared over the UTF-8 body). Both current SDKs accept RS512 only; an older ibanity-dotnet
 * (WebhooksService with RS256Algorithm) verified RS256 — the issue text says RS256. Facto accepts RS512 and
 * RS256 (both RSASSA-PKCS1-v1_5) and, when the JWK names its `alg`, only that one. Pure: keys and clock are given.
 */
export const WEBHOOK_TOLERANCE_SECONDS = 30;
const ALGORITHMS = { RS512: "sha512", RS256: "sha256" } as const;

export class PontoSignatureError extends Error {
  override name = "PontoSignatureError";
}

export interface SigningKey {
  key: KeyObject;
  alg: string | null;
}

const Header = z.object({ alg: z.string(), kid: z.string().min(1) }).loose();
const Claims = z.object({ digest: z.string().min(1), iat: z.number(), exp: z.number(), iss: z.string().optional(), aud: z.union([z.string(), z.array(z.string())]).optional(), jti: z.string().optional() }).loose();
export type PontoSignatureClaims = z.infer<typeof Claims>;

function part(text: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new PontoSignatureError(`the signature's ${what} is not JSON`);
  }
}

export function keyFromJwk(jwk: { kty: string; n: string; e: string; alg?: string }): SigningKey {
  return { key: createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" }), alg: jwk.alg ?? null };
}

export async function verifyPontoSignature(
  rawBody: Buffer,
  signature: string | null,
  options: { keyFor: (kid: string) => Promise<SigningKey | null>; now: Date; issuer: string; audience: string | null; toleranceSeconds?: number },
): Promise<PontoSignatureClaims> {
  if (!signature) throw new PontoSignatureError("the Signature header is missing");
  const pieces = signature.trim().split(".");
  if (pieces.length !== 3 || pieces.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new PontoSignatureError("the signature is not a JWT");
  const [h, p, s] = pieces as [string, string, string];
  const header = Header.safeParse(part(h, "header"));
  if (!header.success) throw new PontoSignatureError("the signature's header has no alg or kid");
  const alg = header.data.alg;
  if (alg !== "RS512" && alg !== "RS256") throw new PontoSignatureError(`signature algorithm ${alg} is not accepted`);
  const key = await options.keyFor(header.data.kid);
  if (!key) throw new PontoSignatureError("the signing key is unknown");
  if (key.alg && key.alg !== alg) throw new PontoSignatureError("the signature's algorithm is not its key's");
  if (!verify(ALGORITHMS[alg], Buffer.from(`${h}.${p}`), key.key, Buffer.from(s, "base64url"))) throw new PontoSignatureError("the signature does not verify");
  const claims = Claims.safeParse(part(p, "claims"));
  if (!claims.success) throw new PontoSignatureError("the signature's claims are incomplete");
  const c = claims.data;
  const expected = createHash("sha512").update(rawBody).digest();
  const given = Buffer.from(c.digest, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new PontoSignatureError("the body's digest does not match the signature");
  const now = Math.floor(options.now.getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (c.iat > now + tolerance) throw new PontoSignatureError("the signature is issued in the future");
  if (c.exp < now - tolerance) throw new PontoSignatureError("the signature has expired");
  if (c.iss !== undefined && c.iss.replace(/\/+$/, "") !== options.issuer.replace(/\/+$/, "")) throw new PontoSignatureError("the signature's issuer is not Ponto's");
  if (c.iss === undefined) throw new PontoSignatureError("the signature has no issuer");
  if (options.audience) {
    const aud = Array.isArray(c.aud) ? c.aud : c.aud === undefined ? [] : [c.aud];
    if (!aud.includes(options.audience)) throw new PontoSignatureError("the signature is for another application");
  }
  return c;
}
