import { prisma } from "~/db.server";
import type { Shop } from "~/generated/prisma/client";
import { invoicePageData, runInvoiceAction } from "~/services/invoice-page.server";

// One invoice, for both admins (app/admin-pages/invoice.tsx); `base` is the admin's root path.
export async function invoiceLoader(shop: Shop, invoiceId: string, base: string) {
  const page = /^[0-9a-f-]{36}$/i.test(invoiceId) ? await invoicePageData(prisma, shop, invoiceId) : null;
  if (!page) throw new Response("Invoice not found", { status: 404 });
  return { ...page, base };
}

export const invoiceAction = (shop: Shop, invoiceId: string, form: FormData) => runInvoiceAction(prisma, shop, invoiceId, form);
