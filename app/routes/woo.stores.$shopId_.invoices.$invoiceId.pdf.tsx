import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { findInvoiceDocument } from "~/models/invoice.server";
import { invoiceDocumentResponse } from "~/utils/document-response.server";
import { requireStoreOfAccount } from "~/utils/woo-auth.server";

// GET /woo/stores/:shopId/invoices/:invoiceId/pdf — the stored PDF, for the store's owner.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const id = params.invoiceId ?? "";
  const doc = /^[0-9a-f-]{36}$/i.test(id) ? await findInvoiceDocument(prisma, shop.id, id, "PDF") : null;
  if (!doc) return new Response("Invoice not found", { status: 404 });
  return invoiceDocumentResponse(doc, "PDF");
};
