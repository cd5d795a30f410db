import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { activeMandate, startMandate } from "./direct-debit.server";

export type OfferAnswer =
  | { offer: false; reason: "not-configured" | "guest" | "active"; mandateId?: string }
  | { offer: true }
  | { offer: true; url: string };

/**
 * What the checkout extension (thank-you and order-status pages) shows: "Pay future orders by
 * direct debit" for a signed-in customer of a shop with Twikey who has no signed mandate yet; on
 * "start", the hosted signing page. The customer comes from the session token (`sub`) or, failing
 * that, from the order's invoice.
 */
export async function checkoutMandateOffer(db: Db, input: { shopDomain: string; customerGid: string | null; orderGid: string | null; intent: "status" | "start" }): Promise<OfferAnswer> {
  const shop = await db.shop.findUnique({ where: { platform_domain: { platform: "SHOPIFY", domain: input.shopDomain } }, select: { id: true, twikeyApiKey: true, twikeyTemplateCore: true, uninstalledAt: true } });
  if (!shop || shop.uninstalledAt || !shop.twikeyApiKey || !shop.twikeyTemplateCore) return { offer: false, reason: "not-configured" };
  const customerId = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(input.customerGid ?? "")?.[1] ?? null;
  const orderId = /^gid:\/\/shopify\/(?:Order|OrderIdentity)\/(\d+)$/.exec(input.orderGid ?? "")?.[1] ?? null;
  if (!customerId && !orderId) return { offer: false, reason: "guest" };

  let customer = customerId ? await db.customer.findUnique({ where: { shopId_channel_externalId: { shopId: shop.id, channel: "SHOPIFY", externalId: customerId } }, select: { id: true } }) : null;
  if (!customer && orderId) {
    const invoice = await db.invoice.findFirst({ where: { shopId: shop.id, channel: "SHOPIFY", kind: "INVOICE", channelOrderId: orderId }, select: { customerId: true } });
    customer = invoice?.customerId ? { id: invoice.customerId } : null;
  }
  if (customer) {
    const mandate = await activeMandate(db, customer.id);
    if (mandate) return { offer: false, reason: "active", mandateId: mandate.mndtId };
  }
  if (input.intent === "status") return customer || customerId ? { offer: true } : { offer: false, reason: "guest" };
  // The order's webhook may still be on its way: the extension retries in a moment.
  if (!customer) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Your order is still being processed; try again in a few seconds", { retryable: true });
  const started = await startMandate(db, shop.id, customer.id, { sendInvite: false });
  if (started.alreadyActive || !started.url) return { offer: false, reason: "active", mandateId: started.mandateId };
  return { offer: true, url: started.url };
}
