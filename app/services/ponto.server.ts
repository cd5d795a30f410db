import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { mapPontoTransaction } from "~/integrations/ponto/map-ponto-transaction";
import { createPontoClient, pkcePair, pontoConfig, PontoError, type PontoClient, type PontoTokens } from "~/integrations/ponto/ponto-client.server";
import type { BankStatementTransaction } from "~/domain/banking/bank-transaction";
import { logger } from "~/logger.server";
import { decryptSecret, encryptSecret } from "~/utils/encryption.server";
import { importTransactions, type ImportSummary } from "./bank-statements.server";
import type { PaymentEffects } from "./online-payment.server";
import { randomBytes } from "node:crypto";

/**
 * Ponto Connect as the shop's bank feed (docs/decisions/027-ponto.md). The merchant authorises Facto in Ponto
 * (OAuth2 authorization code + PKCE), chooses the accounts to follow; Facto then asks Ponto to synchronise them
 * (on a schedule, on "sync now") or reads what Ponto synchronised itself (its `transactionsCreated` webhook), and
 * hands every transaction to importTransactions — the path of CODA and camt.053 files — with source PONTO and bank
 * reference `ponto:<transaction id>`: a transaction read twice is stored and booked once.
 * Tokens are stored encrypted (AES-256-GCM, like the Twikey and Mollie keys); the refresh token rotates on every
 * refresh, which happens under a row lock so two workers never spend the same refresh token.
 */
export const PONTO_CALLBACK_PATH = "/ponto/callback";
/** An authorization left unfinished longer than this must be started again. */
const AUTHORIZATION_TTL_MS = 15 * 60_000;
/** A token that expires within this margin is refreshed before use. */
const REFRESH_MARGIN_MS = 60_000;
const MAX_PAGES = 200;

export type PontoStatus = "PENDING" | "ACTIVE" | "REAUTHORIZATION_REQUIRED" | "DISCONNECTED";

export interface PontoDeps {
  client: PontoClient;
  now: () => Date;
  /** How long a synchronization is polled, and between polls. */
  syncWaitMs?: number;
  pollEveryMs?: number;
}

/** The process's Ponto client, or null when Ponto is not configured. */
export function pontoDeps(): PontoDeps | null {
  const config = pontoConfig();
  return config ? { client: createPontoClient(config), now: () => new Date(), syncWaitMs: env().PONTO_SYNC_WAIT_MS } : null;
}

export function pontoRedirectUri(): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/+$/, "")}${PONTO_CALLBACK_PATH}`;
}

/** Starts the merchant's authorization: a one-time state and a PKCE verifier are kept; the browser goes to Ponto. */
export async function startPontoConnect(db: Db, shopId: string, returnTo: string, deps: PontoDeps): Promise<string> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(24).toString("base64url");
  const data = { oauthState: state, pkceVerifier: encryptSecret(verifier), oauthStartedAt: deps.now(), returnTo };
  await db.pontoConnection.upsert({ where: { shopId }, create: { shopId, status: "PENDING", ...data }, update: data });
  return deps.client.authorizeUrl({ state, codeChallenge: challenge, redirectUri: pontoRedirectUri() });
}

/** States Facto issues: 32 base64url characters (anything else is refused before the database sees it). */
const STATE = /^[A-Za-z0-9_-]{16,100}$/;

/**
 * Where Ponto's callback hands an authorization in progress on to: the admin page of the shop that started it,
 * which finishes it only for a merchant signed in to that shop (see completePontoConnect). Null: unknown state.
 */
export async function pendingPontoReturn(db: Db, state: string | null): Promise<string | null> {
  if (!state || !STATE.test(state)) return null;
  const row = await db.pontoConnection.findUnique({ where: { oauthState: state }, select: { returnTo: true } });
  return row ? (row.returnTo ?? "/") : null;
}

/**
 * Ponto sent the merchant back, and the admin page of `shopId` — open only to a merchant signed in to that shop
 * (Shopify's session token, the WooCommerce owner's login) — finishes the authorization: the state must be one
 * this shop started, so an authorization link started by someone else's shop and finished in this merchant's
 * browser attaches nothing (the code never leaves this merchant's browser for a shop they cannot open). The state
 * is spent (once), the code exchanged with the PKCE verifier, the tokens stored encrypted and the accounts read.
 */
export async function completePontoConnect(db: Db, input: { shopId: string; state: string | null; code: string | null; error: string | null }, deps: PontoDeps): Promise<{ shopId: string; returnTo: string; connected: boolean; message: string | null }> {
  if (!input.state || !STATE.test(input.state)) throw new AppError("BAD_REQUEST", "This Ponto authorization is unknown or already used: start again from the bank settings");
  const pending = await db.pontoConnection.findUnique({ where: { oauthState: input.state } });
  if (!pending) throw new AppError("BAD_REQUEST", "This Ponto authorization is unknown or already used: start again from the bank settings");
  if (pending.shopId !== input.shopId) throw new AppError("BAD_REQUEST", "This Ponto authorization was started for another shop: nothing was connected. Start again from this shop's bank settings");
  // The state is single-use: whoever clears it first finishes the authorization.
  const spent = await db.pontoConnection.updateMany({ where: { id: pending.id, oauthState: input.state }, data: { oauthState: null, pkceVerifier: null } });
  if (spent.count !== 1) throw new AppError("BAD_REQUEST", "This Ponto authorization is already used");
  const returnTo = pending.returnTo ?? "/";
  const fail = async (message: string) => {
    await db.pontoConnection.update({ where: { id: pending.id }, data: { lastError: message } });
    return { shopId: pending.shopId, returnTo, connected: false, message };
  };
  if (!pending.oauthStartedAt || deps.now().getTime() - pending.oauthStartedAt.getTime() > AUTHORIZATION_TTL_MS) return fail("The Ponto authorization took too long: connect again");
  if (input.error) return fail(input.error === "access_denied" ? "You did not give Facto access in Ponto" : `Ponto did not authorise Facto (${input.error.slice(0, 60)})`);
  if (!input.code || !pending.pkceVerifier) return fail("Ponto sent no authorization code: connect again");
  let tokens: PontoTokens;
  try {
    tokens = await deps.client.exchangeCode({ code: input.code, codeVerifier: decryptSecret(pending.pkceVerifier), redirectUri: pontoRedirectUri() });
  } catch (error) {
    logger.warn({ err: error, shopId: pending.shopId }, "Ponto authorization code exchange failed");
    return fail(error instanceof AppError ? error.message : "Ponto could not be reached: connect again");
  }
  await db.pontoConnection.update({
    where: { id: pending.id },
    data: { status: "ACTIVE", accessToken: encryptSecret(tokens.accessToken), refreshToken: encryptSecret(tokens.refreshToken), accessTokenExpiresAt: tokens.expiresAt, connectedAt: deps.now(), lastError: null },
  });
  try {
    await refreshPontoAccounts(db, pending.shopId, deps);
  } catch (error) {
    // Connected all the same: the page offers "Reload accounts" and shows why they are missing.
    logger.warn({ err: error, shopId: pending.shopId }, "Ponto accounts could not be read after connecting");
    await db.pontoConnection.update({ where: { id: pending.id }, data: { lastError: `Your accounts could not be read yet: ${error instanceof Error ? error.message : String(error)}` } });
  }
  logger.info({ shopId: pending.shopId }, "Ponto connected");
  return { shopId: pending.shopId, returnTo, connected: true, message: null };
}

/** Marks the connection as needing the merchant (consent expired or revoked) and says so. */
async function consentLost(db: Db, shopId: string, message: string): Promise<never> {
  await db.pontoConnection.update({ where: { shopId }, data: { status: "REAUTHORIZATION_REQUIRED", lastSyncState: "ERROR", lastError: message } });
  throw new AppError("SHOP_SETTINGS_INCOMPLETE", message);
}

/**
 * A fresh access token: refreshed when it expires within a minute, or when Ponto refused it (`refused`), under a
 * row lock; the refresh token rotates (the answer's one replaces the stored one in the same transaction). A caller
 * that waited for the lock and finds a token other than the refused one, still fresh, uses it: one refresh token is
 * never spent twice, however many jobs found the token expired at once.
 */
async function accessToken(db: Db, shopId: string, deps: PontoDeps, refused?: string): Promise<string> {
  const seen = await db.pontoConnection.findUnique({ where: { shopId }, select: { status: true, accessToken: true, accessTokenExpiresAt: true, refreshToken: true } });
  if (!seen || seen.status !== "ACTIVE" || !seen.refreshToken) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Ponto is not connected");
  const fresh = (at: Date | null) => at !== null && at.getTime() - deps.now().getTime() > REFRESH_MARGIN_MS;
  const usable = (stored: string | null, at: Date | null) => {
    if (!stored || !fresh(at)) return null;
    const token = decryptSecret(stored);
    return token === refused ? null : token;
  };
  const quick = usable(seen.accessToken, seen.accessTokenExpiresAt);
  if (quick) return quick;
  try {
    return await db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ accessToken: string | null; accessTokenExpiresAt: Date | null; refreshToken: string | null; status: string }>>`
          SELECT "accessToken", "accessTokenExpiresAt", "refreshToken", "status" FROM "PontoConnection" WHERE "shopId" = ${shopId}::uuid FOR UPDATE`;
        if (!row || row.status !== "ACTIVE" || !row.refreshToken) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Ponto is not connected");
        // Someone refreshed while we waited for the lock.
        const other = usable(row.accessToken, row.accessTokenExpiresAt);
        if (other) return other;
        const tokens = await deps.client.refresh(decryptSecret(row.refreshToken));
        await tx.pontoConnection.update({ where: { shopId }, data: { accessToken: encryptSecret(tokens.accessToken), refreshToken: encryptSecret(tokens.refreshToken), accessTokenExpiresAt: tokens.expiresAt } });
        logger.info({ shopId }, "Ponto access token refreshed");
        return tokens.accessToken;
      },
      { timeout: 45_000, maxWait: 45_000 },
    );
  } catch (error) {
    if (error instanceof PontoError && error.failure === "CONSENT") return consentLost(db, shopId, "Ponto's authorization has expired or was revoked: reconnect Ponto");
    throw error;
  }
}

/** Runs a Ponto call with a valid token; a refused token is refreshed once; lost consent is recorded for the merchant. */
async function withToken<T>(db: Db, shopId: string, deps: PontoDeps, call: (token: string) => Promise<T>): Promise<T> {
  const token = await accessToken(db, shopId, deps);
  try {
    return await call(token);
  } catch (error) {
    if (error instanceof PontoError && error.failure === "UNAUTHORIZED") {
      try {
        return await call(await accessToken(db, shopId, deps, token));
      } catch (again) {
        if (again instanceof PontoError && (again.failure === "UNAUTHORIZED" || again.failure === "CONSENT")) return consentLost(db, shopId, "Ponto no longer accepts Facto's access: reconnect Ponto");
        throw again;
      }
    }
    if (error instanceof PontoError && error.failure === "CONSENT") return consentLost(db, shopId, "Ponto's authorization has expired or was revoked: reconnect Ponto");
    throw error;
  }
}

/** Reads the accounts the merchant shared in Ponto. New ones are followed when they are the shop's own IBAN. */
export async function refreshPontoAccounts(db: Db, shopId: string, deps: PontoDeps): Promise<number> {
  const connection = await db.pontoConnection.findUniqueOrThrow({ where: { shopId }, select: { id: true, shop: { select: { iban: true } } } });
  const accounts = await withToken(db, shopId, deps, (token) => deps.client.listAccounts(token));
  const shopIban = connection.shop.iban?.replace(/\s+/g, "").toUpperCase() ?? null;
  for (const a of accounts) {
    await db.pontoAccount.upsert({
      where: { connectionId_pontoAccountId: { connectionId: connection.id, pontoAccountId: a.id } },
      create: { shopId, connectionId: connection.id, pontoAccountId: a.id, iban: a.iban, currency: a.currency, description: a.description, followed: a.iban === shopIban },
      update: { iban: a.iban, currency: a.currency, description: a.description },
    });
  }
  // Accounts the merchant no longer shares are not followed any more.
  await db.pontoAccount.updateMany({ where: { connectionId: connection.id, pontoAccountId: { notIn: accounts.map((a) => a.id) } }, data: { followed: false, lastError: "No longer shared in Ponto" } });
  return accounts.length;
}

export async function setFollowedPontoAccounts(db: Db, shopId: string, accountRowIds: string[]): Promise<void> {
  const ids = accountRowIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  await db.$transaction([
    db.pontoAccount.updateMany({ where: { shopId, id: { in: ids } }, data: { followed: true } }),
    db.pontoAccount.updateMany({ where: { shopId, id: { notIn: ids } }, data: { followed: false } }),
  ]);
}

/** Disconnects: the refresh token is revoked at Ponto (best effort), tokens and accounts are forgotten. */
export async function disconnectPonto(db: Db, shopId: string, deps: PontoDeps | null): Promise<void> {
  const connection = await db.pontoConnection.findUnique({ where: { shopId } });
  if (!connection) return;
  if (connection.refreshToken && deps) {
    await deps.client.revoke(decryptSecret(connection.refreshToken)).catch((err: unknown) => logger.warn({ err, shopId }, "Ponto token revocation failed; the tokens are forgotten anyway"));
  }
  await db.$transaction([
    db.pontoAccount.deleteMany({ where: { shopId } }),
    db.pontoConnection.update({ where: { shopId }, data: { status: "DISCONNECTED", accessToken: null, refreshToken: null, accessTokenExpiresAt: null, oauthState: null, pkceVerifier: null, lastError: null, lastSyncState: null } }),
  ]);
}

export interface PontoSyncResult {
  skipped?: string;
  accounts: number;
  summary: ImportSummary | null;
}

const CONSENT_ERROR = /authori[sz]|consent|reauthori[sz]/i;

/**
 * Synchronises the shop's followed accounts: asks Ponto for a synchronization of subtype accountTransactions
 * (unless Ponto just did one: its webhook), polls it to its end, reads the transactions page by page (newest first)
 * until a page holds nothing new, and imports them through the statements' path.
 */
export async function syncPonto(db: Db, shopId: string, deps: PontoDeps, effects: PaymentEffects, options: { accountId?: string; synchronize?: boolean; customerIpAddress?: string } = {}): Promise<PontoSyncResult> {
  const connection = await db.pontoConnection.findUnique({ where: { shopId }, select: { status: true } });
  if (connection?.status !== "ACTIVE") return { skipped: `Ponto is ${connection ? connection.status.toLowerCase() : "not connected"}`, accounts: 0, summary: null };
  const accounts = await db.pontoAccount.findMany({ where: { shopId, followed: true, ...(options.accountId ? { pontoAccountId: options.accountId } : {}) } });
  if (accounts.length === 0) return { skipped: "no followed account", accounts: 0, summary: null };
  const log = logger.child({ shopId, job: "ponto-sync" });
  await db.pontoConnection.update({ where: { shopId }, data: { lastSyncState: "RUNNING" } });
  const collected: BankStatementTransaction[] = [];
  const errors: string[] = [];
  try {
    for (const account of accounts) {
      try {
        let synchronizationId: string | null = null;
        if (options.synchronize !== false) {
          const sync = await waitForSynchronization(db, shopId, deps, await withToken(db, shopId, deps, (t) => deps.client.createSynchronization(t, account.pontoAccountId, options.customerIpAddress)));
          synchronizationId = sync.id;
          if (sync.status === "error") {
            const codes = sync.errors.map((e) => e.code).join(", ") || "error";
            if (sync.errors.some((e) => CONSENT_ERROR.test(e.code) || CONSENT_ERROR.test(e.detail))) await consentLost(db, shopId, `Ponto's access to ${account.iban} has expired (${codes}): reconnect Ponto`);
            throw new PontoError("REJECTED", `Ponto's synchronization of ${account.iban} failed (${codes})`);
          }
          if (sync.status !== "success") throw new PontoError("TEMPORARY", `Ponto's synchronization of ${account.iban} is still ${sync.status}`);
        }
        const txs = await readNewTransactions(db, shopId, deps, account);
        collected.push(...txs);
        await db.pontoAccount.update({ where: { id: account.id }, data: { lastSyncAt: deps.now(), lastSyncState: "SUCCESS", lastError: null, ...(synchronizationId ? { lastSynchronizationId: synchronizationId } : {}) } });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await db.pontoAccount.update({ where: { id: account.id }, data: { lastSyncState: "ERROR", lastError: message } });
        if (error instanceof AppError && error.code === "SHOP_SETTINGS_INCOMPLETE") throw error;
        errors.push(message);
        if (error instanceof AppError && error.retryable) throw error;
      }
    }
    const summary = collected.length ? await importTransactions(db, shopId, "PONTO", accounts.length, collected, effects) : null;
    await db.pontoConnection.update({ where: { shopId }, data: { lastSyncAt: deps.now(), lastSyncState: errors.length ? "ERROR" : "SUCCESS", lastError: errors.length ? errors.join("; ").slice(0, 1000) : null } });
    log.info({ accounts: accounts.length, read: collected.length, summary }, "Ponto synchronised");
    return { accounts: accounts.length, summary };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.pontoConnection.updateMany({ where: { shopId, lastSyncState: "RUNNING" }, data: { lastSyncState: "ERROR", lastError: message.slice(0, 1000) } });
    throw error;
  }
}

async function waitForSynchronization(db: Db, shopId: string, deps: PontoDeps, started: { id: string; status: string; errors: Array<{ code: string; detail: string }> }) {
  let sync = started;
  const deadline = Date.now() + (deps.syncWaitMs ?? 60_000);
  let pause = deps.pollEveryMs ?? 250;
  while ((sync.status === "pending" || sync.status === "running") && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 5000);
    sync = await withToken(db, shopId, deps, (t) => deps.client.getSynchronization(t, started.id));
  }
  return sync;
}

/** Newest first; stops after a page where every transaction is already stored (the rest is older). */
async function readNewTransactions(db: Db, shopId: string, deps: PontoDeps, account: { pontoAccountId: string; iban: string }): Promise<BankStatementTransaction[]> {
  const out: BankStatementTransaction[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await withToken(db, shopId, deps, (t) => deps.client.listTransactions(t, account.pontoAccountId, next));
    const mapped = result.transactions.map((t) => mapPontoTransaction(t.id, t.attributes, account));
    out.push(...mapped);
    if (!result.next || mapped.length === 0) break;
    const known = await db.bankTransaction.count({ where: { shopId, accountNumber: account.iban, bankReference: { in: mapped.map((m) => m.bankReference) } } });
    if (known === mapped.length) break;
    next = result.next;
  }
  return out;
}

export interface PontoSettings {
  configured: boolean;
  status: PontoStatus | null;
  connectedAt: string | null;
  lastSyncAt: string | null;
  lastSyncState: string | null;
  lastError: string | null;
  accounts: Array<{ id: string; iban: string; currency: string; description: string; followed: boolean; lastSyncAt: string | null; lastSyncState: string | null; lastError: string | null }>;
}

export async function pontoSettings(db: Db, shopId: string): Promise<PontoSettings> {
  const c = await db.pontoConnection.findUnique({ where: { shopId }, include: { accounts: { orderBy: { iban: "asc" } } } });
  return {
    configured: pontoConfig() !== null,
    status: (c?.status as PontoStatus | undefined) ?? null,
    connectedAt: c?.connectedAt?.toISOString() ?? null,
    lastSyncAt: c?.lastSyncAt?.toISOString() ?? null,
    lastSyncState: c?.lastSyncState ?? null,
    lastError: c?.lastError ?? null,
    accounts: (c?.accounts ?? []).map((a) => ({ id: a.id, iban: a.iban, currency: a.currency, description: a.description, followed: a.followed, lastSyncAt: a.lastSyncAt?.toISOString() ?? null, lastSyncState: a.lastSyncState, lastError: a.lastError })),
  };
}
