import { randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { assertUrlAllowed, OutboundRefusedError, outboundPolicy } from "~/integrations/outbound/outbound-guard.server";
import { isLoopbackUrl, WooApiError, wooClient, type WooClient, type WooConnectionKey } from "~/integrations/woocommerce/woo-client.server";
import { logger } from "~/logger.server";
import { decryptSecret, encryptSecret } from "~/utils/encryption.server";
import { recordAudit } from "./audit-log.server";
import { WOO_TOPICS } from "./receive-woo-webhook.server";

export type ConnectErrors = Partial<Record<"storeUrl" | "consumerKey" | "consumerSecret" | "form", string>>;
type ClientFactory = (c: WooConnectionKey) => WooClient;

/** The store URL as Facto keeps it (no trailing slash), or the reason it is refused. */
export function normalizeStoreUrl(input: string): { url: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { error: "Enter your store's address, e.g. https://shop.example.be" };
  }
  // http only reaches a store on this machine, and only under the test/demo setting (outbound guard).
  if (url.protocol === "http:" && !(isLoopbackUrl(url) && outboundPolicy().allowLoopback)) {
    return { error: "Use your store's https:// address: WooCommerce accepts API keys over HTTPS only, and over HTTP the key would travel in clear" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { error: "Enter an https:// address" };
  if (url.search || url.hash) return { error: "Enter the store's address without ?… or #…" };
  try {
    assertUrlAllowed(url, outboundPolicy());
  } catch (error) {
    if (error instanceof OutboundRefusedError) return { error: `Enter your store's public address: ${error.message.replace(/^Facto does not connect to this address: /, "")}` };
    throw error;
  }
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, "")}` };
}

export interface WooWebhookRemote {
  id: number;
  topic: string;
  status: string;
  delivery_url: string;
}

/**
 * Connects a WooCommerce store to an account: checks the address and the key (read, then write by
 * registering Facto's webhooks with a fresh secret), stores the key encrypted. Nothing is kept when a
 * step fails: webhooks already created are deleted again, and the owner gets a message that says
 * what to fix.
 */
export async function connectWooStore(
  db: Db,
  accountId: string,
  input: { storeUrl: string; consumerKey: string; consumerSecret: string },
  clientFor: ClientFactory = wooClient,
): Promise<{ shopId: string } | { errors: ConnectErrors }> {
  // Facto calls the address an account types: only an owner who proved their e-mail address may.
  const owner = await db.account.findUnique({ where: { id: accountId }, select: { emailVerifiedAt: true } });
  if (!owner?.emailVerifiedAt) return { errors: { form: "Confirm your e-mail address first: open the link in the e-mail Facto sent you (or send a new one above)" } };
  const normalized = normalizeStoreUrl(input.storeUrl);
  const consumerKey = input.consumerKey.trim();
  const consumerSecret = input.consumerSecret.trim();
  const errors: ConnectErrors = {};
  if ("error" in normalized) errors.storeUrl = normalized.error;
  if (!/^ck_[0-9a-f]{40}$/.test(consumerKey)) errors.consumerKey = "A consumer key starts with ck_ followed by 40 characters (WooCommerce → Settings → Advanced → REST API)";
  if (!/^cs_[0-9a-f]{40}$/.test(consumerSecret)) errors.consumerSecret = "A consumer secret starts with cs_ followed by 40 characters";
  if (Object.keys(errors).length || "error" in normalized) return { errors };
  const storeUrl = normalized.url;
  const domain = new URL(storeUrl).host + new URL(storeUrl).pathname.replace(/\/$/, "");

  const existing = await db.shop.findUnique({ where: { platform_domain: { platform: "WOOCOMMERCE", domain } }, select: { id: true, account: { select: { accountId: true } }, wooConnection: { select: { disconnectedAt: true } } } });
  if (existing?.account && existing.account.accountId !== accountId) return { errors: { storeUrl: "This store is connected to another Facto account" } };
  if (existing?.wooConnection && !existing.wooConnection.disconnectedAt) return { errors: { storeUrl: "This store is already connected" } };

  let client = clientFor({ storeUrl, consumerKey, consumerSecret });
  let authInQuery = false;
  try {
    await client.get("orders", { per_page: 1 });
  } catch (error) {
    if (!authorizationHeaderStripped(error, storeUrl)) return { errors: explainReadFailure(error, storeUrl) };
    // WooCommerce saw no key at all: the host dropped the Authorization header. Over https the
    // key may travel in the query string instead (WC_REST_Authentication reads $_GET first).
    const viaQuery = clientFor({ storeUrl, consumerKey, consumerSecret, authInQuery: true });
    try {
      await viaQuery.get("orders", { per_page: 1 });
    } catch (second) {
      return { errors: explainReadFailure(second, storeUrl) };
    }
    client = viaQuery;
    authInQuery = true;
  }

  const shop = await db.shop.upsert({
    where: { platform_domain: { platform: "WOOCOMMERCE", domain } },
    create: { platform: "WOOCOMMERCE", domain, name: domain },
    update: { uninstalledAt: null },
  });
  const webhookSecret = randomBytes(24).toString("base64url").replace(/[^A-Za-z0-9]/g, "").slice(0, 32).padEnd(32, "x");
  const connection = await db.wooConnection.upsert({
    where: { shopId: shop.id },
    create: { shopId: shop.id, storeUrl, authInQuery, consumerKey: encryptSecret(consumerKey), consumerSecret: encryptSecret(consumerSecret), webhookSecret: encryptSecret(webhookSecret) },
    update: { storeUrl, authInQuery, consumerKey: encryptSecret(consumerKey), consumerSecret: encryptSecret(consumerSecret), webhookSecret: encryptSecret(webhookSecret), connectedAt: new Date(), disconnectedAt: null, pingedAt: null },
  });
  await db.wooWebhook.deleteMany({ where: { connectionId: connection.id } });

  const created: WooWebhookRemote[] = [];
  try {
    for (const topic of WOO_TOPICS) created.push(await registerWebhook(client, connection.id, topic, webhookSecret));
  } catch (error) {
    for (const hook of created) await client.delete(`webhooks/${hook.id}`, { force: true }).catch(() => {});
    await db.wooConnection.update({ where: { id: connection.id }, data: { disconnectedAt: new Date() } });
    if (error instanceof WooApiError && (error.status === 401 || error.status === 403)) {
      return { errors: { consumerKey: "This key can read but not write: create a key with Read/Write permission (Facto registers webhooks and updates orders and stock)" } };
    }
    return { errors: { form: `The store refused to register Facto's webhooks: ${error instanceof Error ? error.message : String(error)}` } };
  }
  await db.$transaction([
    ...created.map((hook) => db.wooWebhook.create({ data: { connectionId: connection.id, topic: hook.topic, remoteId: hook.id, status: hook.status, checkedAt: new Date() } })),
    db.accountShop.upsert({ where: { shopId: shop.id }, create: { accountId, shopId: shop.id }, update: {} }),
  ]);
  logger.info({ shopId: shop.id, storeUrl, webhooks: created.length }, "WooCommerce store connected");
  await recordAudit(db, { shopId: shop.id, accountId, action: "store connected", detail: storeUrl });
  return { shopId: shop.id };
}

export function webhookDeliveryUrl(connectionId: string): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/webhooks/woocommerce/${connectionId}`;
}

export async function registerWebhook(client: WooClient, connectionId: string, topic: string, secret: string): Promise<WooWebhookRemote> {
  const { data } = await client.post<WooWebhookRemote>("webhooks", { name: `Facto ${topic}`, topic, delivery_url: webhookDeliveryUrl(connectionId), secret, status: "active" });
  return data;
}

/**
 * A 401 `woocommerce_rest_cannot_view` on a GET means WooCommerce authenticated nobody: no key reached
 * it (a wrong key is `woocommerce_rest_authentication_error` instead — "Consumer key is invalid").
 */
function authorizationHeaderStripped(error: unknown, storeUrl: string): boolean {
  return storeUrl.startsWith("https:") && error instanceof WooApiError && error.status === 401 && error.wooCode === "woocommerce_rest_cannot_view";
}

function explainReadFailure(error: unknown, storeUrl: string): ConnectErrors {
  if (error instanceof WooApiError) {
    if (error.status === 401 && error.wooCode === "woocommerce_rest_cannot_view" && !storeUrl.startsWith("https:")) {
      return { storeUrl: "WooCommerce accepts API keys over https only: use your store's https:// address" };
    }
    if (error.status === 401 || error.status === 403) return { consumerKey: "WooCommerce refused this key and secret: check both (and that the key's user may manage WooCommerce)" };
    if (error.status === 404) return { storeUrl: `No WooCommerce REST API at ${storeUrl}: check the address (and that WordPress permalinks are not "Plain")` };
    if (error.wooCode === "outbound_refused") return { storeUrl: `Facto does not connect to ${storeUrl}: ${error.message.replace(/^Facto does not connect to this address: /, "")}` };
    if (error.status === null) return { storeUrl: `Could not reach ${storeUrl}: ${error.message}` };
    return { form: error.message };
  }
  return { form: error instanceof Error ? error.message : String(error) };
}

/** The client of a connected store, with its decrypted key. */
export async function wooClientForShop(db: Db, shopId: string, clientFor: ClientFactory = wooClient): Promise<{ client: WooClient; connectionId: string }> {
  const connection = await db.wooConnection.findUnique({ where: { shopId } });
  if (!connection || connection.disconnectedAt) throw new AppError("SHOP_NOT_INSTALLED", "The WooCommerce store is not connected");
  return {
    client: clientFor({ storeUrl: connection.storeUrl, consumerKey: decryptSecret(connection.consumerKey), consumerSecret: decryptSecret(connection.consumerSecret), authInQuery: connection.authInQuery }),
    connectionId: connection.id,
  };
}

/** Removes Facto's webhooks from the store and marks the connection ended; invoices stay. */
export async function disconnectWooStore(db: Db, shopId: string, clientFor: ClientFactory = wooClient): Promise<{ removed: number; failed: string[] }> {
  const { client, connectionId } = await wooClientForShop(db, shopId, clientFor);
  const hooks = await db.wooWebhook.findMany({ where: { connectionId } });
  const failed: string[] = [];
  let removed = 0;
  for (const hook of hooks) {
    try {
      await client.delete(`webhooks/${hook.remoteId}`, { force: true });
      removed++;
    } catch (error) {
      // Already gone on the store is fine; anything else is reported to the owner.
      if (error instanceof WooApiError && error.status === 404) removed++;
      else failed.push(`${hook.topic}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await db.$transaction([db.wooWebhook.deleteMany({ where: { connectionId } }), db.wooConnection.update({ where: { id: connectionId }, data: { disconnectedAt: new Date() } })]);
  await recordAudit(db, { shopId, action: "store disconnected", detail: `${removed} webhook(s) removed${failed.length ? `, ${failed.length} failed` : ""}` });
  return { removed, failed };
}
