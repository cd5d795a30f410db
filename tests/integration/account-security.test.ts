import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import type { Mailer, OutgoingEmail } from "~/integrations/mail/mailer.server";
import { requestPasswordReset, resetPassword, sendVerificationEmail, signInWithLimits, signUpWithLimits, verifyEmail } from "~/services/account-security.server";
import { accountForSession, createSession, listSessions, revokeOtherSessions, revokeSession } from "~/services/accounts.server";
import { auditLogOfShop } from "~/services/audit-log.server";
import { connectWooStore } from "~/services/connect-woo-store.server";
import { runDangerAction } from "~/services/danger-zone.server";
import { updatePaymentSettings } from "~/services/update-payment-settings.server";
import { PaymentSettingsInput } from "~/domain/shop/payment-settings";
import { payLookupsRefused, publicTokenHash, recordPayMiss } from "~/services/pay-token.server";
import { hit, LIMITS, pruneSecurityRows, SIGN_IN_FAILURES } from "~/services/rate-limit.server";
import type { CapturedEmailJson } from "../fakes/fake-smtp";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * Accounts under attack (docs/decisions/019): limits per IP and per account kept in PostgreSQL
 * (the N+1th attempt refused, allowed again after the window), failed sign-ins slowed down then
 * locked with an e-mail to the owner, single-use reset tokens that expire after 30 minutes,
 * sessions listed and revoked, e-mail verification before a store is connected. Clocks are passed
 * in; addresses are documentation addresses so the real browser tests' 127.0.0.1 budget is untouched.
 */
const stack = inject("stack");
let db: Db;
const PASSWORD = "lumiere-2026-secret";
// The real clock at the start: sessions and links made "at t0" are later read by code that asks the real clock
// (a fixed date here made this file fail once the day of that date had passed its window).
const t0 = new Date();
const at = (ms: number) => new Date(t0.getTime() + ms);
const MIN = 60_000;

function captureMailer(): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return { sent, send: async (email) => (sent.push(email), { messageId: email.messageId, response: "250 OK" }) };
}
const tokenIn = (mail: OutgoingEmail | undefined) => /token=([A-Za-z0-9_-]{43})/.exec(mail?.text ?? "")?.[1] ?? "";

async function newAccount(email: string, ip: string, now = t0) {
  const mailer = captureMailer();
  const created = await signUpWithLimits(db, { email, password: PASSWORD, confirm: PASSWORD }, { ip, userAgent: "vitest" }, { mailer, now });
  if ("errors" in created) throw new Error(JSON.stringify(created.errors));
  return { ...created, mailer };
}

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
});
afterAll(async () => db?.$disconnect());

describe("rate limits", () => {
  it("sign-in per IP: the attempt after the limit is refused, and allowed again after the window", async () => {
    const ip = "198.51.100.10";
    for (let i = 0; i < LIMITS.signInPerIp.max; i++) {
      const r = await signInWithLimits(db, { email: `nobody${i}@example.test`, password: "wrong-password-1" }, { ip }, { now: at(i * 1000) });
      expect(r).toMatchObject({ ok: false, status: 401 });
    }
    const refused = await signInWithLimits(db, { email: "nobody-x@example.test", password: "wrong-password-1" }, { ip }, { now: at(60_000) });
    expect(refused).toMatchObject({ ok: false, status: 429 });
    expect(!refused.ok && refused.error).toMatch(/from your network/);
    // The counter is a row in PostgreSQL: a restarted web process (a new client here) sees it.
    const fresh = createPrisma(stack.databaseUrl, 1);
    expect((await fresh.rateLimit.findUniqueOrThrow({ where: { key: `sign-in:ip:${ip}` } })).count).toBe(LIMITS.signInPerIp.max + 1);
    await fresh.$disconnect();
    const later = await signInWithLimits(db, { email: "nobody-y@example.test", password: "wrong-password-1" }, { ip }, { now: at(LIMITS.signInPerIp.windowMs + 1000) });
    expect(later).toMatchObject({ ok: false, status: 401 });
  });

  it("sign-in per account: growing delays, then a 15-minute lock with one e-mail to the owner; the right password waits too", async () => {
    const { mailer } = await newAccount("locked@atelier-lumiere.example", "198.51.100.20");
    let now = at(0);
    const attempt = (password: string, ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`) => signInWithLimits(db, { email: "Locked@Atelier-Lumiere.example", password }, { ip }, { mailer, now });
    expect(await attempt("wrong-password-1")).toMatchObject({ status: 401 });
    expect(await attempt("wrong-password-2")).toMatchObject({ status: 401 });
    expect(await attempt("wrong-password-3")).toMatchObject({ status: 401 }); // 3rd failure: a 1 s delay starts
    expect(await attempt(PASSWORD)).toMatchObject({ status: 429 }); // even the right password waits
    now = at(1_100);
    expect(await attempt("wrong-password-4")).toMatchObject({ status: 401 }); // 2 s now
    now = at(2_000);
    expect(await attempt("wrong-password-5")).toMatchObject({ status: 429 });
    for (let failures = 5; failures <= SIGN_IN_FAILURES.lockAt; failures++) {
      now = new Date(now.getTime() + SIGN_IN_FAILURES.maxDelayMs + 1);
      const r = await attempt(`wrong-password-x${failures}`);
      expect(r.ok).toBe(false);
    }
    const locked = await attempt(PASSWORD);
    expect(locked).toMatchObject({ ok: false, status: 429 });
    expect(!locked.ok && locked.error).toMatch(/try again in 1[45] minutes/);
    const lockMails = mailer.sent.filter((m) => m.subject.includes("locked"));
    expect(lockMails).toHaveLength(1);
    expect(lockMails[0]!.to).toBe("locked@atelier-lumiere.example");
    now = new Date(now.getTime() + SIGN_IN_FAILURES.lockMs + 1000);
    const ok = await attempt(PASSWORD);
    expect(ok.ok).toBe(true);
    expect(await db.rateLimit.findUnique({ where: { key: "sign-in:account:locked@atelier-lumiere.example" } })).toBeNull();
  });

  it("sign-up per IP: the 6th in an hour is refused, allowed after the window", async () => {
    const ip = "198.51.100.30";
    for (let i = 0; i < LIMITS.signUpPerIp.max; i++) await newAccount(`signup${i}@atelier-lumiere.example`, ip, at(i * 1000));
    const refused = await signUpWithLimits(db, { email: "signup-x@atelier-lumiere.example", password: PASSWORD, confirm: PASSWORD }, { ip }, { mailer: captureMailer(), now: at(10_000) });
    expect(refused).toMatchObject({ status: 429 });
    expect(await db.account.count({ where: { email: "signup-x@atelier-lumiere.example" } })).toBe(0);
    await newAccount("signup-x@atelier-lumiere.example", ip, at(LIMITS.signUpPerIp.windowMs + 1000));
  });

  it("sign-up refuses a common password", async () => {
    const r = await signUpWithLimits(db, { email: "common@atelier-lumiere.example", password: "Password2026!", confirm: "Password2026!" }, { ip: "198.51.100.31" }, { mailer: captureMailer(), now: t0 });
    expect(r).toMatchObject({ status: 400, errors: { password: expect.stringMatching(/common/) } });
    // From Mozilla's list of ≈50,000 common passwords (fxa-common-password-list), none of them in Facto's own rules.
    for (const password of ["ilovemyfamily", "1qaz2wsx3edc4rfv", "basketball"]) {
      const common = await signUpWithLimits(db, { email: "common@atelier-lumiere.example", password, confirm: password }, { ip: "198.51.100.31" }, { mailer: captureMailer(), now: t0 });
      expect(common).toMatchObject({ status: 400, errors: { password: expect.stringMatching(/lists attackers try first/) } });
    }
  });

  it("password reset per account: the 4th request in an hour is refused, allowed after the window", async () => {
    await newAccount("reset-limit@atelier-lumiere.example", "198.51.100.40");
    const mailer = captureMailer();
    for (let i = 0; i < LIMITS.resetPerAccount.max; i++) expect(await requestPasswordReset(db, "reset-limit@atelier-lumiere.example", { ip: `198.51.100.${41 + i}` }, { mailer, now: at(i * 1000) })).toEqual({ ok: true });
    expect(await requestPasswordReset(db, "reset-limit@atelier-lumiere.example", { ip: "198.51.100.49" }, { mailer, now: at(5_000) })).toMatchObject({ ok: false });
    expect(mailer.sent).toHaveLength(LIMITS.resetPerAccount.max);
    expect(await requestPasswordReset(db, "reset-limit@atelier-lumiere.example", { ip: "198.51.100.49" }, { mailer, now: at(LIMITS.resetPerAccount.windowMs + 1000) })).toEqual({ ok: true });
  });
});

describe("housekeeping", () => {
  it("drops counters a day past their window that block nothing, keeps current ones and locks", async () => {
    const now = new Date(); // the real clock: other test files share this database
    await hit(db, "prune:old", LIMITS.signUpPerIp, new Date(now.getTime() - 2 * 86_400_000));
    await hit(db, "prune:fresh", LIMITS.signUpPerIp, new Date(now.getTime() - 3600_000));
    await hit(db, "prune:locked", LIMITS.signUpPerIp, new Date(now.getTime() - 2 * 86_400_000));
    await db.rateLimit.update({ where: { key: "prune:locked" }, data: { blockedUntil: new Date(now.getTime() + 60_000) } });
    await pruneSecurityRows(db, now);
    expect((await db.rateLimit.findMany({ where: { key: { startsWith: "prune:" } }, select: { key: true } })).map((r) => r.key).sort()).toEqual(["prune:fresh", "prune:locked"]);
  });
});

describe("password reset", () => {
  it("by an e-mailed single-use token, hashed at rest: the password changes, every session ends, a second use is refused", async () => {
    const { token: session } = await newAccount("reset@atelier-lumiere.example", "198.51.100.50");
    const mailer = captureMailer();
    expect(await requestPasswordReset(db, "reset@atelier-lumiere.example", { ip: "198.51.100.51" }, { mailer, now: t0 })).toEqual({ ok: true });
    expect(await requestPasswordReset(db, "nobody-here@atelier-lumiere.example", { ip: "198.51.100.51" }, { mailer, now: t0 })).toEqual({ ok: true }); // same answer
    expect(mailer.sent).toHaveLength(1);
    const token = tokenIn(mailer.sent[0]);
    expect(mailer.sent[0]!.text).toContain(`/woo/reset?token=${token}`);
    const stored = await db.accountToken.findMany({ where: { account: { email: "reset@atelier-lumiere.example" }, purpose: "PASSWORD_RESET" } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toContain(token);
    expect(stored[0]!.expiresAt.getTime() - t0.getTime()).toBe(30 * MIN);

    expect(await resetPassword(db, { token, password: "1234567890", confirm: "1234567890" }, { ip: "198.51.100.51" }, at(MIN))).toMatchObject({ ok: false, errors: { password: expect.any(String) } });
    expect(await resetPassword(db, { token, password: "new-lumiere-secret-9", confirm: "new-lumiere-secret-9" }, { ip: "198.51.100.51" }, at(MIN))).toMatchObject({ ok: true });
    expect(await accountForSession(db, session)).toBeNull();
    expect((await signInWithLimits(db, { email: "reset@atelier-lumiere.example", password: "new-lumiere-secret-9" }, { ip: "198.51.100.52" }, { now: at(2 * MIN) })).ok).toBe(true);
    expect(await resetPassword(db, { token, password: "other-lumiere-secret-9", confirm: "other-lumiere-secret-9" }, { ip: "198.51.100.51" }, at(3 * MIN))).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/expired or was already used/) } });
  });

  it("expires after 30 minutes", async () => {
    await newAccount("reset-late@atelier-lumiere.example", "198.51.100.60");
    const mailer = captureMailer();
    await requestPasswordReset(db, "reset-late@atelier-lumiere.example", { ip: "198.51.100.61" }, { mailer, now: t0 });
    const token = tokenIn(mailer.sent[0]);
    expect(await resetPassword(db, { token, password: "late-lumiere-secret-9", confirm: "late-lumiere-secret-9" }, { ip: "198.51.100.61" }, at(30 * MIN + 1000))).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/expired/) } });
    // …and a newer link replaces the older one.
    await requestPasswordReset(db, "reset-late@atelier-lumiere.example", { ip: "198.51.100.61" }, { mailer, now: at(31 * MIN) });
    await requestPasswordReset(db, "reset-late@atelier-lumiere.example", { ip: "198.51.100.61" }, { mailer, now: at(32 * MIN) });
    expect(await resetPassword(db, { token: tokenIn(mailer.sent[1]), password: "late-lumiere-secret-9", confirm: "late-lumiere-secret-9" }, { ip: "198.51.100.61" }, at(33 * MIN))).toMatchObject({ ok: false });
    expect(await resetPassword(db, { token: tokenIn(mailer.sent[2]), password: "late-lumiere-secret-9", confirm: "late-lumiere-secret-9" }, { ip: "198.51.100.61" }, at(33 * MIN))).toMatchObject({ ok: true });
  });
});

describe("sessions", () => {
  it("are listed with browser and address, and revoked one by one or all but this one", async () => {
    const { accountId, token: first } = await newAccount("sessions@atelier-lumiere.example", "198.51.100.70");
    const second = await createSession(db, accountId, new Date(), { ip: "198.51.100.71", userAgent: "Firefox" });
    const third = await createSession(db, accountId, new Date(), { ip: "198.51.100.72", userAgent: "Safari" });
    const listed = await listSessions(db, accountId);
    expect(listed.map((s) => s.userAgent).sort()).toEqual(["Firefox", "Safari", "vitest"]);
    const me = (await accountForSession(db, first))!;
    const firefox = listed.find((s) => s.userAgent === "Firefox")!;
    // Another account cannot end this account's session.
    const other = await newAccount("sessions-other@atelier-lumiere.example", "198.51.100.73");
    expect(await revokeSession(db, other.accountId, firefox.id)).toBe(false);
    expect(await revokeSession(db, accountId, firefox.id)).toBe(true);
    expect(await accountForSession(db, second.token)).toBeNull();
    expect(await accountForSession(db, third.token)).not.toBeNull();
    expect(await revokeOtherSessions(db, accountId, me.sessionId)).toBe(1);
    expect(await accountForSession(db, third.token)).toBeNull();
    expect(await accountForSession(db, first)).not.toBeNull();
  });
});

describe("e-mail verification", () => {
  it("is needed before a store is connected; the link works once", async () => {
    const { accountId, mailer } = await newAccount("verify@atelier-lumiere.example", "198.51.100.80");
    const refused = await connectWooStore(db, accountId, { storeUrl: "https://shop.example.be", consumerKey: `ck_${"a".repeat(40)}`, consumerSecret: `cs_${"b".repeat(40)}` });
    expect(refused).toEqual({ errors: { form: expect.stringMatching(/Confirm your e-mail address/) } });
    const token = tokenIn(mailer.sent.find((m) => m.subject.includes("confirm")));
    expect(await verifyEmail(db, token, at(MIN))).toEqual({ accountId });
    expect(await verifyEmail(db, token, at(2 * MIN))).toBeNull();
    expect((await db.account.findUniqueOrThrow({ where: { id: accountId } })).emailVerifiedAt).not.toBeNull();
    const resend = captureMailer();
    // The sign-up's e-mail (at t0) counts: max − 1 more in the same hour, then refused, then allowed an hour later.
    for (let i = 0; i < LIMITS.verifyResendPerAccount.max - 1; i++) expect((await sendVerificationEmail(db, accountId, "verify@atelier-lumiere.example", { mailer: resend, now: at((3 + i) * MIN) })).sent).toBe(true);
    expect((await sendVerificationEmail(db, accountId, "verify@atelier-lumiere.example", { mailer: resend, now: at(10 * MIN) })).sent).toBe(false);
    expect((await sendVerificationEmail(db, accountId, "verify@atelier-lumiere.example", { mailer: resend, now: at(61 * MIN) })).sent).toBe(true);
  });
});

describe("over HTTP", () => {
  const inbox = async (): Promise<CapturedEmailJson[]> => (await fetch(`${stack.fakeSmtpInboxUrl}/messages`)).json();
  async function form(path: string, fields: Record<string, string>, cookie: string) {
    return fetch(`${stack.appUrl}${path}`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: stack.appUrl }, body: new URLSearchParams(fields) });
  }
  async function csrf(path: string) {
    const res = await fetch(`${stack.appUrl}${path}`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    return { cookie, token: /facto_csrf=([^;]+)/.exec(cookie)![1]! };
  }

  it("locks an account after repeated failed sign-ins (429) and e-mails its owner", async () => {
    const { cookie, token } = await csrf("/woo/signup");
    const email = "http-lock@atelier-lumiere.example";
    const signup = await form("/woo/signup", { csrf: token, email, password: PASSWORD, confirm: PASSWORD }, cookie);
    expect(signup.status).toBe(303);
    expect((await inbox()).some((m) => m.to.includes(email) && m.subject.includes("confirm"))).toBe(true);
    const statuses: number[] = [];
    // Real time here: the growing delays make most attempts 429 before the lock; the account row counts failures only.
    for (let i = 0; i < 3; i++) statuses.push((await form("/woo/login", { csrf: token, email, password: `wrong-password-${i}` }, cookie)).status);
    expect(statuses).toEqual([401, 401, 401]);
    expect((await form("/woo/login", { csrf: token, email, password: PASSWORD }, cookie)).status).toBe(429);
    // Drive the account to the lock through the service (same table), then the web answers 429 with the lock.
    for (let i = 3; i < SIGN_IN_FAILURES.lockAt; i++) await db.rateLimit.update({ where: { key: `sign-in:account:${email}` }, data: { blockedUntil: null } }).then(() => form("/woo/login", { csrf: token, email, password: `wrong-password-${i}` }, cookie));
    const locked = await form("/woo/login", { csrf: token, email, password: PASSWORD }, cookie);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain("try again in");
    await expect.poll(async () => (await inbox()).filter((m) => m.to.includes(email) && m.subject.includes("locked")).length, { timeout: 10_000 }).toBe(1);
  });

  it("password reset through the pages: link from the e-mail, new password, every browser signed out, the link dead after one use; sessions page revokes", async () => {
    const email = "http-reset@atelier-lumiere.example";
    const { cookie, token } = await csrf("/woo/signup");
    const signup = await form("/woo/signup", { csrf: token, email, password: PASSWORD, confirm: PASSWORD }, cookie);
    const session = /facto_session=([^;]+)/.exec(signup.headers.get("set-cookie") ?? "")![1]!;
    const signedIn = `${cookie}; facto_session=${session}`;
    // A second browser, seen on the sessions page and ended from the first one.
    const other = await form("/woo/login", { csrf: token, email, password: PASSWORD }, cookie);
    expect(other.status).toBe(303);
    const otherSession = /facto_session=([^;]+)/.exec(other.headers.get("set-cookie") ?? "")![1]!;
    const sessionsPage = await (await fetch(`${stack.appUrl}/woo/account`, { headers: { Cookie: signedIn } })).text();
    expect(sessionsPage).toContain("(this browser)");
    const otherId = [...sessionsPage.matchAll(/data-session="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    expect(otherId).toHaveLength(2);
    expect((await form("/woo/account", { csrf: token, intent: "revoke-others" }, signedIn)).status).toBe(303);
    expect((await fetch(`${stack.appUrl}/woo`, { headers: { Cookie: `${cookie}; facto_session=${otherSession}` }, redirect: "manual" })).headers.get("location")).toContain("/woo/login");
    expect((await fetch(`${stack.appUrl}/woo`, { headers: { Cookie: signedIn }, redirect: "manual" })).status).toBe(200);

    const asked = await form("/woo/forgot", { csrf: token, email }, cookie);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain("If an account uses this address");
    let link = "";
    await expect.poll(async () => (link = /(\S+\/woo\/reset\?token=\S+)/.exec((await inbox()).find((m) => m.to.includes(email) && m.subject.includes("new password"))?.text ?? "")?.[1] ?? ""), { timeout: 10_000 }).not.toBe("");
    const resetToken = new URL(link).searchParams.get("token")!;
    const resetPage = await fetch(link);
    expect(resetPage.status).toBe(200);
    expect(resetPage.headers.get("referrer-policy")).toBe("no-referrer");
    const done = await form("/woo/reset", { csrf: token, token: resetToken, password: "brand-new-lumiere-7", confirm: "brand-new-lumiere-7" }, cookie);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/woo/login?reset=1");
    expect((await fetch(`${stack.appUrl}/woo`, { headers: { Cookie: signedIn }, redirect: "manual" })).headers.get("location")).toContain("/woo/login");
    expect((await form("/woo/login", { csrf: token, email, password: PASSWORD }, cookie)).status).toBe(401);
    expect((await form("/woo/login", { csrf: token, email, password: "brand-new-lumiere-7" }, cookie)).status).toBe(303);
    const again = await form("/woo/reset", { csrf: token, token: resetToken, password: "another-lumiere-77", confirm: "another-lumiere-77" }, cookie);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("expired or was already used");
  });

  it("the audit log of a store shows its owner's sign-ins", async () => {
    const { accountId } = await newAccount("audit@atelier-lumiere.example", "198.51.100.90");
    const shop = await db.shop.create({ data: { platform: "WOOCOMMERCE", domain: "audit.example", name: "audit" } });
    await db.accountShop.create({ data: { accountId, shopId: shop.id } });
    await signInWithLimits(db, { email: "audit@atelier-lumiere.example", password: PASSWORD }, { ip: "198.51.100.91", userAgent: "Firefox" });
    await runDangerAction(db, { id: shop.id, domain: "audit.example" }, { action: "pause", confirm: "audit.example" }, async () => {});
    await updatePaymentSettings(db, shop.id, { ...PaymentSettingsInput.parse({ mollieApiKey: `test_${"k".repeat(30)}`, removeMollieKey: "", payOnlineMaxAmount: "", afterPaymentMessage: "", afterPaymentUrl: "", invoiceSender: "FACTO", thankYouEmail: "on", remindersEnabled: "on", reminderDays: "7" }) });
    const log = await auditLogOfShop(db, shop.id);
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(["sign-in", "account created", "danger zone: pause", "Mollie key changed"]));
    expect(log.find((e) => e.action === "sign-in")!.ip).toBe("198.51.100.91");
    expect(JSON.stringify(log)).not.toContain("k".repeat(30)); // never the key itself
    // Another account's store does not show this account's sign-ins.
    const stranger = await db.shop.create({ data: { platform: "WOOCOMMERCE", domain: "stranger.example", name: "stranger" } });
    expect(await auditLogOfShop(db, stranger.id)).toEqual([]);

    // The merchant sees it on the store's danger-zone page.
    const { token } = await createSession(db, accountId, new Date(), { ip: "198.51.100.92" });
    const csrf = "c".repeat(32);
    const page = await fetch(`${stack.appUrl}/woo/stores/${shop.id}/danger-zone`, { headers: { Cookie: `facto_session=${token}; facto_csrf=${csrf}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Security log");
    expect(html).toContain("danger zone: pause");
    expect(html).toContain("198.51.100.91");
  });
});

describe("payment-page tokens", () => {
  /** A GET from another loopback address (127.0.0.2), so the other test files' budget on 127.0.0.1 stays whole. */
  const getFrom = (localAddress: string, url: string) =>
    new Promise<number>((resolve, reject) => {
      http.get(url, { localAddress }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      }).on("error", reject);
    });

  it("unknown tokens: the miss after the limit is refused (429) for every payment link from that address, allowed again after the window", async () => {
    const guess = () => `${publicTokenHash(Math.random().toString()).slice(0, 32)}`;
    for (let i = 0; i < LIMITS.payTokenMissesPerIp.max; i++) expect(await getFrom("127.0.0.2", `${stack.appUrl}/pay/${guess()}`)).toBe(404);
    expect(await getFrom("127.0.0.2", `${stack.appUrl}/pay/${guess()}`)).toBe(429);
    expect(await getFrom("127.0.0.2", `${stack.appUrl}/pay/${guess()}/pdf`)).toBe(429);
    // Malformed tokens are never counted, and another address is not affected.
    expect(await getFrom("127.0.0.3", `${stack.appUrl}/pay/${guess()}`)).toBe(404);
    expect(await payLookupsRefused(db, "127.0.0.2")).toBe(true);
    expect(await payLookupsRefused(db, "127.0.0.2", new Date(Date.now() + LIMITS.payTokenMissesPerIp.windowMs + 1000))).toBe(false);
    await recordPayMiss(db, "192.0.2.1");
    expect(await payLookupsRefused(db, "192.0.2.1")).toBe(false);
  });

  it("are 192 random bits, and looked up by their sha256 (never by the token itself)", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: "tokens.myshopify.com" });
    const orderId = 7719001;
    const order = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8")), id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, financial_status: "pending" };
    expect((await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: "tokens.myshopify.com", body: JSON.stringify(order), secret: stack.shopifyApiSecret })).status).toBe(200);
    await waitFor(async () => Boolean(await db.invoice.findFirst({ where: { shopId, channelOrderId: String(orderId) } })), 60_000, "the invoice");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId) } });
    expect(await getFrom("127.0.0.4", `${stack.appUrl}/pay/${invoice.publicToken}`)).toBe(200);
    const invoices = await db.invoice.findMany({ where: { publicToken: { not: null } }, select: { publicToken: true, publicTokenHash: true }, take: 20 });
    expect(invoices.length).toBeGreaterThan(0);
    for (const i of invoices) {
      expect(i.publicToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(i.publicTokenHash).toBe(publicTokenHash(i.publicToken!));
    }
  });
});
