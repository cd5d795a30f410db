import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { ensureJob } from "~/queues.server";
import { auditLogOfShop } from "~/services/audit-log.server";
import { runDangerAction } from "~/services/danger-zone.server";
import { HoldReason } from "~/services/held-orders.server";

// The danger zone (Shopify admin /app/danger-zone, WooCommerce admin /woo/stores/:id/danger-zone):
// pause invoicing, delete payment keys, erase customers without invoices. Each confirmed by typing
// the shop's domain; issued invoices are never touched.
export async function dangerZoneLoader(shop: Shop, back: string) {
  const waiting = await prisma.webhookEvent.count({ where: { shopId: shop.id, status: "FAILED", holdReason: HoldReason.INVOICING_PAUSED } });
  return {
    domain: shop.domain,
    pausedSince: shop.invoicingPausedAt?.toISOString().slice(0, 16).replace("T", " ") ?? null,
    waiting,
    hasKeys: Boolean(shop.mollieApiKey || shop.twikeyApiKey),
    customersWithoutInvoices: await prisma.customer.count({ where: { shopId: shop.id, invoices: { none: {} } } }),
    back,
    audit: (await auditLogOfShop(prisma, shop.id, 100)).map((e) => ({ id: e.id, at: e.createdAt.toISOString().slice(0, 16).replace("T", " "), action: e.action, detail: e.detail ?? "", ip: e.ip ?? "" })),
  };
}

export async function dangerZoneAction(shop: Shop, form: FormData) {
  try {
    const message = await runDangerAction(prisma, shop, { action: String(form.get("action") ?? ""), confirm: String(form.get("confirm") ?? "") }, (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined));
    return { ok: true, message, action: String(form.get("action")) };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message, action: String(form.get("action")) };
    throw error;
  }
}

