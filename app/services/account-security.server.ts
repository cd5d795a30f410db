import { createHash, randomBytes } from "node:crypto";
import commonPasswordList from "fxa-common-password-list";
import { existsSync, readFileSync } from "node:fs";
import type { Db } from "~/db.server";
import { passwordProblem as policyProblem } from "~/domain/account/password-policy";
import { env } from "~/env.server";
import { smtpMailer, type Mailer } from "~/integrations/mail/mailer.server";
import { logger } from "~/logger.server";
import { recordAudit } from "./audit-log.server";
import { createSession, hashPassword, logIn, normalizeEmail } from "./accounts.server";
import { blockedUntil, clearLimit, hit, keys, LIMITS, recordSignInFailure, waitWords } from "./rate-limit.server";

/**
 * Sign-in, sign-up and password reset under limits (docs/decisions/019-outbound-guard-and-accounts.md):
 * per IP and per account, counted in PostgreSQL; failed sign-ins of an account slow down and then
 * lock it for 15 minutes, and its owner gets an e-mail. Password reset and e-mail verification go by
 * single-use tokens e-mailed to the owner (only their sha256 is stored).
 */
export const RESET_TOKEN_MINUTES = 30;
export const VERIFY_TOKEN_HOURS = 48;

let commonList: Set<string> | null = null;
/**
 * The common passwords a new password is checked against: Mozilla's Firefox Accounts list (≈50,000
 * passwords from the SecLists top million, npm `fxa-common-password-list`) and, when
 * COMMON_PASSWORDS_FILE is set, a list of the operator's own (one per line), read once.
 */
function commonPasswords(): { has(password: string): boolean } {
  const file = process.env.COMMON_PASSWORDS_FILE;
  commonList ??= new Set(file && existsSync(file) ? readFileSync(file, "utf8").split(/\r?\n/).map((l) => l.trim().toLowerCase()).filter(Boolean) : []);
  const own = commonList;
  return { has: (password) => own.has(password) || commonPasswordList.test(password) };
}
const passwordProblem = (password: string, email: string) => policyProblem(password, email, commonPasswords());

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const appUrl = () => env().SHOPIFY_APP_URL.replace(/\/$/, "");

export interface RequestInfo {
  ip: string;
  userAgent?: string | null;
}

export interface Deps {
  mailer?: Mailer;
  now?: Date;
}

async function mail(deps: Deps, to: string, subject: string, text: string): Promise<void> {
  try {
    await (deps.mailer ?? smtpMailer()).send({ from: env().MAIL_FROM, to, subject, text, html: `<pre style="font-family:inherit;white-space:pre-wrap">${text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!)}</pre>`, messageId: `<${randomBytes(12).toString("hex")}@facto.invalid>`, attachments: [] });
  } catch (error) {
    // The answer to the person at the keyboard does not depend on the mail server.
    logger.error({ err: error, subject }, "account e-mail not sent");
  }
}

export type SignInResult = { ok: true; accountId: string; token: string } | { ok: false; status: 401 | 429; error: string };

export async function signInWithLimits(db: Db, input: { email: string; password: string }, request: RequestInfo, deps: Deps = {}): Promise<SignInResult> {
  const now = deps.now ?? new Date();
  const email = normalizeEmail(input.email);
  const perIp = await hit(db, keys.signInIp(request.ip), LIMITS.signInPerIp, now);
  if (!perIp.allowed) return { ok: false, status: 429, error: `Too many sign-in attempts from your network: try again ${waitWords(perIp.retryAt!, now)}` };
  const accountKey = keys.signInAccount(email);
  const blocked = await blockedUntil(db, accountKey, now);
  if (blocked) return { ok: false, status: 429, error: `Too many failed sign-ins for this account: try again ${waitWords(blocked, now)}, or reset your password` };

  const result = await logIn(db, email, input.password);
  if (!result) {
    const failure = await recordSignInFailure(db, accountKey, now);
    const account = await db.account.findUnique({ where: { email }, select: { id: true } });
    if (account) {
      await recordAudit(db, { accountId: account.id, action: failure.locked ? "sign-in locked" : "sign-in failed", detail: `${failure.failures} failed attempt(s) in a row`, ip: request.ip });
      if (failure.notify) {
        await mail(deps, email, "Facto: your account was locked after failed sign-ins",
          `Someone tried to sign in to your Facto account ${failure.failures} times with a wrong password (last from ${request.ip}).\n\nSign-in is locked for ${Math.round((failure.blockedUntil!.getTime() - now.getTime()) / 60_000)} minutes. If this was not you, nothing is lost: your password was not guessed. You can also choose a new password now:\n${appUrl()}/woo/forgot\n`);
      }
    }
    if (failure.locked) return { ok: false, status: 429, error: `Too many failed sign-ins for this account: try again ${waitWords(failure.blockedUntil!, now)}, or reset your password` };
    return { ok: false, status: 401, error: "E-mail or password is wrong" };
  }
  await clearLimit(db, accountKey);
  const { token } = await createSession(db, result.accountId, now, request);
  await recordAudit(db, { accountId: result.accountId, action: "sign-in", detail: request.userAgent?.slice(0, 200) ?? null, ip: request.ip });
  return { ok: true, accountId: result.accountId, token };
}

export type SignUpErrors = Partial<Record<"email" | "password" | "confirm" | "form", string>>;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Creates the account (unverified), a session, and e-mails the verification link. */
export async function signUpWithLimits(db: Db, input: { email: string; password: string; confirm: string }, request: RequestInfo, deps: Deps = {}): Promise<{ accountId: string; token: string } | { errors: SignUpErrors; status: 400 | 429 }> {
  const now = deps.now ?? new Date();
  const perIp = await hit(db, keys.signUpIp(request.ip), LIMITS.signUpPerIp, now);
  if (!perIp.allowed) return { status: 429, errors: { form: `Too many accounts created from your network: try again ${waitWords(perIp.retryAt!, now)}` } };
  const email = normalizeEmail(input.email);
  const errors: SignUpErrors = {};
  if (!EMAIL.test(email)) errors.email = "Enter a valid e-mail address";
  const problem = passwordProblem(input.password, email);
  if (problem) errors.password = problem;
  if (input.password !== input.confirm) errors.confirm = "The passwords do not match";
  if (Object.keys(errors).length) return { errors, status: 400 };
  const created = await db.account.createMany({ data: [{ email, passwordHash: await hashPassword(input.password) }], skipDuplicates: true });
  if (!created.count) return { status: 400, errors: { email: "An account with this e-mail address exists: sign in instead" } };
  const account = await db.account.findUniqueOrThrow({ where: { email }, select: { id: true } });
  await sendVerificationEmail(db, account.id, email, deps);
  const { token } = await createSession(db, account.id, now, request);
  await recordAudit(db, { accountId: account.id, action: "account created", ip: request.ip });
  return { accountId: account.id, token };
}

async function newAccountToken(db: Db, accountId: string, purpose: "PASSWORD_RESET" | "EMAIL_VERIFICATION", lifetimeMs: number, now: Date): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  // A new link replaces the older unused ones of the same purpose.
  await db.accountToken.updateMany({ where: { accountId, purpose, usedAt: null }, data: { usedAt: now } });
  await db.accountToken.create({ data: { accountId, purpose, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + lifetimeMs), createdAt: now } });
  return token;
}

/** Uses a token once: only one caller can ever succeed, and never after its expiry. */
async function consumeToken(db: Db, token: string, purpose: "PASSWORD_RESET" | "EMAIL_VERIFICATION", now: Date): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const tokenHash = sha256(token);
  const row = await db.accountToken.findUnique({ where: { tokenHash }, select: { accountId: true, purpose: true } });
  if (!row || row.purpose !== purpose) return null;
  const claimed = await db.accountToken.updateMany({ where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return claimed.count === 1 ? row.accountId : null;
}

export async function sendVerificationEmail(db: Db, accountId: string, email: string, deps: Deps = {}): Promise<{ sent: boolean; error?: string }> {
  const now = deps.now ?? new Date();
  const limit = await hit(db, keys.verifyAccount(accountId), LIMITS.verifyResendPerAccount, now);
  if (!limit.allowed) return { sent: false, error: `Too many verification e-mails: try again ${waitWords(limit.retryAt!, now)}` };
  const token = await newAccountToken(db, accountId, "EMAIL_VERIFICATION", VERIFY_TOKEN_HOURS * 3600_000, now);
  await mail(deps, email, "Facto: confirm your e-mail address", `Welcome to Facto.\n\nConfirm your e-mail address to connect your WooCommerce store:\n${appUrl()}/woo/verify?token=${token}\n\nThe link works once, for ${VERIFY_TOKEN_HOURS} hours. If you did not create a Facto account, ignore this e-mail.\n`);
  return { sent: true };
}

export async function verifyEmail(db: Db, token: string, now = new Date()): Promise<{ accountId: string } | null> {
  const accountId = await consumeToken(db, token, "EMAIL_VERIFICATION", now);
  if (!accountId) return null;
  await db.account.update({ where: { id: accountId }, data: { emailVerifiedAt: now } });
  await recordAudit(db, { accountId, action: "e-mail verified" });
  return { accountId };
}

/**
 * Always the same answer (whether the address has an account is not revealed); an existing account
 * gets an e-mail with a single-use link valid for RESET_TOKEN_MINUTES.
 */
export async function requestPasswordReset(db: Db, emailInput: string, request: RequestInfo, deps: Deps = {}): Promise<{ ok: true } | { ok: false; error: string }> {
  const now = deps.now ?? new Date();
  const email = normalizeEmail(emailInput);
  const perIp = await hit(db, keys.resetIp(request.ip), LIMITS.resetPerIp, now);
  if (!perIp.allowed) return { ok: false, error: `Too many reset requests from your network: try again ${waitWords(perIp.retryAt!, now)}` };
  const perAccount = await hit(db, keys.resetAccount(email), LIMITS.resetPerAccount, now);
  if (!perAccount.allowed) return { ok: false, error: `Too many reset requests for this address: try again ${waitWords(perAccount.retryAt!, now)}` };
  const account = await db.account.findUnique({ where: { email }, select: { id: true } });
  if (account) {
    const token = await newAccountToken(db, account.id, "PASSWORD_RESET", RESET_TOKEN_MINUTES * 60_000, now);
    await mail(deps, email, "Facto: choose a new password", `Someone (hopefully you, from ${request.ip}) asked to reset the password of your Facto account.\n\nChoose a new password here:\n${appUrl()}/woo/reset?token=${token}\n\nThe link works once, for ${RESET_TOKEN_MINUTES} minutes. If you did not ask for it, ignore this e-mail: your password stays as it is.\n`);
    await recordAudit(db, { accountId: account.id, action: "password reset requested", ip: request.ip });
  }
  return { ok: true };
}

/** Sets the new password with a reset token; every session of the account ends, the lock is lifted. */
export async function resetPassword(db: Db, input: { token: string; password: string; confirm: string }, request: RequestInfo, now = new Date()): Promise<{ ok: true; accountId: string } | { ok: false; errors: Partial<Record<"password" | "confirm" | "form", string>> }> {
  const pending = /^[A-Za-z0-9_-]{43}$/.test(input.token) ? await db.accountToken.findUnique({ where: { tokenHash: sha256(input.token) }, select: { usedAt: true, expiresAt: true, purpose: true, account: { select: { email: true } } } }) : null;
  const invalid = { ok: false as const, errors: { form: "This link has expired or was already used: ask for a new one" } };
  if (!pending || pending.purpose !== "PASSWORD_RESET" || pending.usedAt || pending.expiresAt <= now) return invalid;
  const problem = passwordProblem(input.password, pending.account.email);
  if (problem) return { ok: false, errors: { password: problem } };
  if (input.password !== input.confirm) return { ok: false, errors: { confirm: "The passwords do not match" } };
  const accountId = await consumeToken(db, input.token, "PASSWORD_RESET", now);
  if (!accountId) return invalid;
  await db.$transaction([db.account.update({ where: { id: accountId }, data: { passwordHash: await hashPassword(input.password) } }),
    // The link reached the owner's mailbox: that verifies the address too.
    db.account.updateMany({ where: { id: accountId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } }), db.accountSession.deleteMany({ where: { accountId } })]);
  await clearLimit(db, keys.signInAccount(pending.account.email));
  await recordAudit(db, { accountId, action: "password reset", ip: request.ip });
  return { ok: true, accountId };
}
