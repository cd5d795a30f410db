import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { findInvoiceDocument } from "~/models/invoice.server";
import { invoiceDocumentResponse, verifyPreviewToken } from "~/utils/document-response.server";

// GET /documents/preview/:invoiceId?s=<shopId>&t=<token> — an invoice's PDF for the preview frame of
// the admin's invoice page (a URL the authenticated page signed for this shop and invoice, 15 minutes).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const shopId = url.searchParams.get("s") ?? "";
  const invoiceId = params.invoiceId ?? "";
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!uuid.test(shopId) || !uuid.test(invoiceId) || !verifyPreviewToken(url.searchParams.get("t") ?? "", shopId, invoiceId)) {
    return new Response("This preview link expired: reload the invoice page", { status: 403 });
  }
  const doc = await findInvoiceDocument(prisma, shopId, invoiceId, "PDF");
  if (!doc) return new Response("Invoice not found", { status: 404 });
  const response = invoiceDocumentResponse(doc, "PDF");
  // Shown in a frame of Shopify admin or of Facto's own pages.
  response.headers.set("Content-Security-Policy", "frame-ancestors 'self' https://admin.shopify.com https://*.myshopify.com");
  return response;
};
