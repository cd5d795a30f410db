import { prisma } from "~/db.server";
import { ProductVatClassInput } from "~/domain/shop/product-vat-class";
import { fieldErrors } from "~/domain/shop/shop-settings";
import type { Shop } from "~/generated/prisma/client";
import { ensureJob } from "~/queues.server";
import { recheckVatHolds } from "~/services/held-orders.server";
import { VAT_CLASS_LABELS as LABELS } from "./vat-class-labels";

// VAT classes of products by SKU (Shopify admin /app/products, WooCommerce admin /woo/stores/:id/products):
// books 6 %, food 6 %, …; unlisted SKUs take the rate the shop applied, or the standard rate.
export async function productsLoader(shop: Shop, base: string) {
  const classes = await prisma.productVatClass.findMany({ where: { shopId: shop.id }, orderBy: { sku: "asc" }, take: 1000, select: { id: true, sku: true, vatClass: true, updatedAt: true } });
  return { classes: classes.map((c) => ({ id: c.id, sku: c.sku, vatClass: c.vatClass, updated: c.updatedAt.toISOString().slice(0, 10) })), base };
}

export async function productsAction(shop: Shop, form: FormData) {
  if (form.get("intent") === "delete") {
    await prisma.productVatClass.deleteMany({ where: { shopId: shop.id, id: String(form.get("id") ?? "") } });
    return { ok: true, message: `Removed: the SKU takes the shop's rate again${heldNote(await recheck(shop))}`, errors: {} as Record<string, string> };
  }
  const parsed = ProductVatClassInput.safeParse({ sku: form.get("sku"), vatClass: form.get("vatClass") });
  if (!parsed.success) return { ok: false, message: "Check the fields", errors: fieldErrors(parsed.error) };
  await prisma.productVatClass.upsert({
    where: { shopId_sku: { shopId: shop.id, sku: parsed.data.sku } },
    create: { shopId: shop.id, sku: parsed.data.sku, vatClass: parsed.data.vatClass },
    update: { vatClass: parsed.data.vatClass },
  });
  return { ok: true, message: `${parsed.data.sku}: ${LABELS[parsed.data.vatClass]} — applies to invoices issued from now on${heldNote(await recheck(shop))}`, errors: {} as Record<string, string> };
}

// A product's class decides its VAT: orders held for a VAT mismatch are checked again (decision 017).
const recheck = (shop: Shop) => recheckVatHolds(prisma, shop.id, (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined));
const heldNote = (n: number) => (n ? `. ${n} order(s) held for their VAT are checked again.` : "");

