import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { Db } from "~/db.server";
import { MIN_PASSWORD_LENGTH } from "~/domain/account/password-policy";
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
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Errors shown next to the sign-up fields. */
export type SignUpErrors = Partial<Record<"email" | "password" | "confirm", string>>;

export async function signUp(db: Db, input: { email: string; password: string; confirm: string }): Promise<{ accountId: string } | { errors: SignUpErrors }> {
  const email = normalizeEmail(input.email);
  const errors: SignUpErrors = {};
  if (!EMAIL.test(email)) errors.email = "Enter a valid e-mail address";
  if (input.password.length < MIN_PASSWORD_LENGTH) errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  else if (input.password.length > 200) errors.password = "At most 200 characters";
  if (input.password !== input.confirm) errors.confirm = "The passwords do not match";
  if (Object.keys(errors).length) return { errors };
  const passwordHash = await hashPassword(input.password);
  const created = await db.account.createMany({ data: [{ email, passwordHash }], skipDuplicates: true });
  if (!created.count) return { errors: { email: "An account with this e-mail address exists: sign in instead" } };
  const account = await db.account.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return { accountId: account.id };
}

/** Checks the credentials; the same answer for an unknown e-mail and a wrong password. */
export async function logIn(db: Db, emailInput: string, password: string): Promise<{ accountId: string } | null> {
  const account = await db.account.findUnique({ where: { email: normalizeEmail(emailInput) }, select: { id: true, passwordHash: true } });
  // An unknown e-mail still costs one scrypt, so timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, account?.passwordHash ?? "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
  return account && ok ? { accountId: account.id } : null;
}

export async function createSession(db: Db, accountId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db.accountSession.create({ data: { accountId, tokenHash: sha256(token), expiresAt } });
  return { token, expiresAt };
}

export async function accountForSession(db: Db, token: string | null, now = new Date()): Promise<{ id: string; email: string } | null> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const session = await db.accountSession.findUnique({ where: { tokenHash: sha256(token) }, select: { expiresAt: true, account: { select: { id: true, email: true } } } });
  if (!session || session.expiresAt <= now) return null;
  return session.account;
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
