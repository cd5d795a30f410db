import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";

/**
 * WooCommerce merchants' accounts: e-mail + password (scrypt), and sessions whose random token lives
 * only in the browser's cookie (the database keeps its sha256, so a database leak opens no session).
 */
const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

const N = 16384;
const R = 8;
const P = 1;
export const SESSION_DAYS = 30;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 64, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await scrypt(password, Buffer.from(salt, "base64"), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Checks the credentials; the same answer for an unknown e-mail and a wrong password. */
export async function logIn(db: Db, emailInput: string, password: string): Promise<{ accountId: string } | null> {
  const account = await db.account.findUnique({ where: { email: normalizeEmail(emailInput) }, select: { id: true, passwordHash: true } });
  // An unknown e-mail still costs one scrypt, so timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, account?.passwordHash ?? "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
  return account && ok ? { accountId: account.id } : null;
}

export async function createSession(db: Db, accountId: string, now = new Date(), request: { ip?: string | null; userAgent?: string | null } = {}): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db.accountSession.create({ data: { accountId, tokenHash: sha256(token), expiresAt, createdAt: now, lastSeenAt: now, ip: request.ip ?? null, userAgent: request.userAgent?.slice(0, 300) ?? null } });
  return { token, expiresAt };
}

const SEEN_EVERY_MS = 5 * 60_000;

export async function accountForSession(db: Db, token: string | null, now = new Date()): Promise<{ id: string; email: string; emailVerifiedAt: Date | null; sessionId: string } | null> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const session = await db.accountSession.findUnique({ where: { tokenHash: sha256(token) }, select: { id: true, expiresAt: true, lastSeenAt: true, account: { select: { id: true, email: true, emailVerifiedAt: true } } } });
  if (!session || session.expiresAt <= now) return null;
  // "Last active" on the sessions page, written at most every few minutes.
  if (!session.lastSeenAt || now.getTime() - session.lastSeenAt.getTime() > SEEN_EVERY_MS) await db.accountSession.update({ where: { id: session.id }, data: { lastSeenAt: now } }).catch(() => {});
  return { ...session.account, sessionId: session.id };
}

/** The account's signed-in browsers, newest first. */
export async function listSessions(db: Db, accountId: string, now = new Date()) {
  return db.accountSession.findMany({ where: { accountId, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" }, select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true, expiresAt: true } });
}

/** Ends one of the account's sessions (another account's session id changes nothing). */
export async function revokeSession(db: Db, accountId: string, sessionId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return false;
  return (await db.accountSession.deleteMany({ where: { id: sessionId, accountId } })).count === 1;
}

/** Ends every session of the account but this one. */
export async function revokeOtherSessions(db: Db, accountId: string, currentSessionId: string): Promise<number> {
  return (await db.accountSession.deleteMany({ where: { accountId, id: { not: currentSessionId } } })).count;
}

export async function endSession(db: Db, token: string | null): Promise<void> {
  if (token) await db.accountSession.deleteMany({ where: { tokenHash: sha256(token) } });
}

/** The account's store, or a 404 (an account never sees another account's store). */
export async function shopOfAccount(db: Db, accountId: string, shopId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(shopId)) throw new AppError("NOT_FOUND", "Store not found");
  const link = await db.accountShop.findFirst({ where: { accountId, shopId }, select: { shop: { include: { wooConnection: { include: { webhooks: true } } } } } });
  if (!link) throw new AppError("NOT_FOUND", "Store not found");
  return link.shop;
}
