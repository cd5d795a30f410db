import type { Db } from "~/db.server";

/**
 * Fixed-window counters in PostgreSQL (table RateLimit): they survive a restart and hold across web
 * processes. One atomic upsert per attempt counts it and starts a new window when the old one ended.
 */
export interface Limit {
  /** Attempts allowed per window. */
  max: number;
  windowMs: number;
}

/** The limits of docs/decisions/019-outbound-guard-and-accounts.md. */
export const LIMITS = {
  signInPerIp: { max: 30, windowMs: 15 * 60_000 },
  signUpPerIp: { max: 5, windowMs: 60 * 60_000 },
  resetPerIp: { max: 5, windowMs: 60 * 60_000 },
  resetPerAccount: { max: 3, windowMs: 60 * 60_000 },
  verifyResendPerAccount: { max: 3, windowMs: 60 * 60_000 },
  payTokenMissesPerIp: { max: 30, windowMs: 10 * 60_000 },
} satisfies Record<string, Limit>;

/** Failed sign-ins of one account: from the 3rd a growing delay (1 s, 2 s, 4 s … 60 s), at the 10th a 15-minute lock. */
export const SIGN_IN_FAILURES = { delayFrom: 3, lockAt: 10, lockMs: 15 * 60_000, windowMs: 15 * 60_000, maxDelayMs: 60_000 };

export interface Verdict {
  allowed: boolean;
  count: number;
  /** When the caller may try again (refused attempts). */
  retryAt: Date | null;
}

/** Counts one attempt under `key`; refused when it is over the limit of the current window. */
export async function hit(db: Db, key: string, limit: Limit, now = new Date()): Promise<Verdict> {
  const windowFloor = new Date(now.getTime() - limit.windowMs);
  const rows = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= ${windowFloor} THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= ${windowFloor} THEN ${now} ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0]!;
  const allowed = row.count <= limit.max;
  return { allowed, count: row.count, retryAt: allowed ? null : new Date(row.windowStart.getTime() + limit.windowMs) };
}

/** Whether attempts under `key` are refused for now (delay or lock), without counting one. */
export async function blockedUntil(db: Db, key: string, now = new Date()): Promise<Date | null> {
  const row = await db.rateLimit.findUnique({ where: { key }, select: { blockedUntil: true } });
  return row?.blockedUntil && row.blockedUntil > now ? row.blockedUntil : null;
}

/**
 * Records a failed sign-in of an account: the progressive delay, then the lock. Returns whether this
 * failure locked the account (the caller e-mails the owner once per lock).
 */
export async function recordSignInFailure(db: Db, accountKey: string, now = new Date()): Promise<{ failures: number; blockedUntil: Date | null; locked: boolean; notify: boolean }> {
  const { count } = await hit(db, accountKey, { max: Number.MAX_SAFE_INTEGER, windowMs: SIGN_IN_FAILURES.windowMs }, now);
  let until: Date | null = null;
  const locked = count >= SIGN_IN_FAILURES.lockAt;
  if (locked) until = new Date(now.getTime() + SIGN_IN_FAILURES.lockMs);
  else if (count >= SIGN_IN_FAILURES.delayFrom) until = new Date(now.getTime() + Math.min(1000 * 2 ** (count - SIGN_IN_FAILURES.delayFrom), SIGN_IN_FAILURES.maxDelayMs));
  let notify = false;
  if (until) {
    // Notify once per lock: only the update that sets lockNotifiedAt wins.
    await db.rateLimit.update({ where: { key: accountKey }, data: { blockedUntil: until } });
    if (locked) {
      const claimed = await db.rateLimit.updateMany({ where: { key: accountKey, OR: [{ lockNotifiedAt: null }, { lockNotifiedAt: { lt: new Date(now.getTime() - SIGN_IN_FAILURES.lockMs) } }] }, data: { lockNotifiedAt: now } });
      notify = claimed.count === 1;
    }
  }
  return { failures: count, blockedUntil: until, locked, notify };
}

/** A successful sign-in clears the account's failures. */
export async function clearLimit(db: Db, key: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key } });
}

export const keys = {
  signInIp: (ip: string) => `sign-in:ip:${ip}`,
  signInAccount: (email: string) => `sign-in:account:${email}`,
  signUpIp: (ip: string) => `sign-up:ip:${ip}`,
  resetIp: (ip: string) => `reset:ip:${ip}`,
  resetAccount: (email: string) => `reset:account:${email}`,
  verifyAccount: (accountId: string) => `verify:account:${accountId}`,
  payMissIp: (ip: string) => `pay-miss:ip:${ip}`,
};

/** "in 3 minutes" / "in 12 seconds" for messages. */
export function waitWords(until: Date, now = new Date()): string {
  const s = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return s >= 90 ? `in ${Math.ceil(s / 60)} minutes` : `in ${s} seconds`;
}

/**
 * Housekeeping (run with the inbox reconciler): counters whose window ended a day ago and that block
 * nothing, e-mailed tokens a week past expiry, expired sessions.
 */
export async function pruneSecurityRows(db: Db, now = new Date()): Promise<{ limits: number; tokens: number; sessions: number }> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const limits = await db.rateLimit.deleteMany({ where: { windowStart: { lt: dayAgo }, OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }] } });
  const tokens = await db.accountToken.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 7 * 86_400_000) } } });
  const sessions = await db.accountSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return { limits: limits.count, tokens: tokens.count, sessions: sessions.count };
}
