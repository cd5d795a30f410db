import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { findInvoiceDocument } from "~/models/invoice.server";
import { shopOfAccount } from "~/services/accounts.server";
import { requireAccount } from "~/utils/woo-auth.server";

// GET /woo/stores/:shopId/invoices/:invoiceId/pdf — the stored PDF, for the store's owner.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const account = await requireAccount(request);
  try {
    const shop = await shopOfAccount(prisma, account.id, params.shopId ?? "");
    const id = params.invoiceId ?? "";
    const doc = /^[0-9a-f-]{36}$/i.test(id) ? await findInvoiceDocument(prisma, shop.id, id, "PDF") : null;
    if (!doc) return new Response("Invoice not found", { status: 404 });
    return new Response(doc.content, { headers: { "Content-Type": "application/pdf", "Content-Disposition": `inline; filename="${doc.invoice.formattedNumber}.pdf"`, "Cache-Control": "private, no-store" } });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") return new Response("Store not found", { status: 404 });
    throw error;
  }
};
