import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { hit, keys, LIMITS } from "./rate-limit.server";

/**
 * Payment-page tokens (docs/decisions/019): 24 random bytes (192 bits, base64url) — unguessable;
 * looked up by their sha256, so the database's index comparison never works on the token itself
 * (no timing signal about how much of a guessed token matched); misses are counted per IP and an IP
 * that keeps guessing is refused for a while.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,64}$/;

export function publicTokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether this IP has missed too often in the current window (checked before any lookup). */
export async function payLookupsRefused(db: Db, ip: string, now = new Date()): Promise<boolean> {
  const row = await db.rateLimit.findUnique({ where: { key: keys.payMissIp(ip) }, select: { count: true, windowStart: true } });
  return Boolean(row && row.windowStart.getTime() > now.getTime() - LIMITS.payTokenMissesPerIp.windowMs && row.count >= LIMITS.payTokenMissesPerIp.max);
}

/** Counts a lookup that found nothing. */
export async function recordPayMiss(db: Db, ip: string, now = new Date()): Promise<void> {
  await hit(db, keys.payMissIp(ip), LIMITS.payTokenMissesPerIp, now);
}

/**
 * The routes' gate: refuse an IP over its miss budget up front; `miss()` counts a lookup that found
 * nothing — only for a token of the real format (a malformed one is never a guess of a real token).
 */
export async function payTokenGate(db: Db, ip: string, token: string): Promise<{ refused: Response | null; miss: () => Promise<void> }> {
  const refused = (await payLookupsRefused(db, ip)) ? new Response("Too many unknown payment links from your network: try again in a few minutes.", { status: 429, headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(LIMITS.payTokenMissesPerIp.windowMs / 1000), "Cache-Control": "no-store" } }) : null;
  return { refused, miss: async () => (TOKEN_PATTERN.test(token) ? recordPayMiss(db, ip) : undefined) };
}
