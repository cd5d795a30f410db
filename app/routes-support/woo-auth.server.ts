import { randomBytes, timingSafeEqual } from "node:crypto";
import { redirect } from "@remix-run/node";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { isAppError } from "~/errors/app-error";
import { findInvoiceDocument } from "~/models/invoice.server";
import { accountForSession, SESSION_DAYS, shopOfAccount } from "~/services/accounts.server";
import { invoiceDocumentResponse } from "~/utils/document-response.server";
import { cookieSecure } from "~/utils/security-headers.server";

/**
 * Cookies of Facto's own admin (/woo): the session cookie (HttpOnly, SameSite=Lax, Secure but on a local http demo)
 * and a CSRF token (double submit: a cookie plus the same value in every form; a cross-site page can
 * neither read the cookie nor set the field).
 */
const SESSION_COOKIE = "facto_session";
const CSRF_COOKIE = "facto_csrf";

const secure = () => cookieSecure(env().SHOPIFY_APP_URL);

function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(/;\s*/)) {
    const [k, ...v] = part.split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_DAYS * 86400}${secure() ? "; Secure" : ""}`;
}

export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure() ? "; Secure" : ""}`;
}

export const sessionToken = (request: Request) => readCookie(request, SESSION_COOKIE);

/** The signed-in account, or a redirect to the sign-in page. */
export async function requireAccount(request: Request) {
  const account = await accountForSession(prisma, sessionToken(request));
  if (!account) {
    const url = new URL(request.url);
    throw redirect(`/woo/login?next=${encodeURIComponent(url.pathname)}`);
  }
  return account;
}

/** The CSRF token for this browser, and the Set-Cookie header when it is new. */
export function csrfFor(request: Request): { token: string; setCookie: string | null } {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{32}$/.test(existing)) return { token: existing, setCookie: null };
  const token = randomBytes(24).toString("base64url");
  return { token, setCookie: `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure() ? "; Secure" : ""}` };
}

/** Refuses a form post whose CSRF field does not match this browser's cookie (403). */
export function verifyCsrf(request: Request, form: FormData): void {
  const cookie = readCookie(request, CSRF_COOKIE) ?? "";
  const field = String(form.get("csrf") ?? "");
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  if (!cookie || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new Response("This form expired or did not come from Facto. Reload the page and try again.", { status: 403 });
  }
}

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next && /^\/woo(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : "/woo";
}

/** The signed-in owner and one of their stores; another account's store is a 404. */
export async function requireStoreOfAccount(request: Request, shopId: string) {
  const account = await requireAccount(request);
  try {
    return { account, shop: await shopOfAccount(prisma, account.id, shopId) };
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") throw new Response("Store not found", { status: 404 });
    throw error;
  }
}

/** The stored PDF or UBL of one of the signed-in owner's store's invoices (the /woo resource routes). */
export async function wooInvoiceDocument(request: Request, shopId: string, invoiceId: string, format: "PDF" | "UBL"): Promise<Response> {
  const { shop } = await requireStoreOfAccount(request, shopId);
  const doc = /^[0-9a-f-]{36}$/i.test(invoiceId) ? await findInvoiceDocument(prisma, shop.id, invoiceId, format) : null;
  if (!doc) return new Response("Invoice not found", { status: 404 });
  return invoiceDocumentResponse(doc, format);
}

/**
 * CSRF protection of the Polaris pages shared with the Shopify admin (their forms carry no token):
 * a state-changing request must come from this site — the browser's Origin header (sent with every
 * form post and fetch) or, failing that, Sec-Fetch-Site. A cross-site page can forge neither.
 */
export function verifySameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const own = new URL(request.url).origin;
  const allowed = new Set([own, new URL(env().SHOPIFY_APP_URL).origin]);
  if (origin ? allowed.has(origin) : site === "same-origin") return;
  throw new Response("This form did not come from Facto. Reload the page and try again.", { status: 403 });
}

/** A Woo Polaris page's request: the owner's store; for an action (`mutation`) the same-origin check. */
export async function requireWooPage(request: Request, shopId: string, mutation = false) {
  const { account, shop } = await requireStoreOfAccount(request, shopId);
  if (mutation) verifySameOrigin(request);
  const { token, setCookie } = csrfFor(request);
  // The sign-out form needs this browser's CSRF cookie: set it first when it is missing.
  if (setCookie && !mutation && request.method === "GET") throw new Response(null, { status: 303, headers: { Location: new URL(request.url).pathname + new URL(request.url).search, "Set-Cookie": setCookie } });
  return { account, shop, csrf: token, base: `/woo/stores/${shop.id}` };
}
