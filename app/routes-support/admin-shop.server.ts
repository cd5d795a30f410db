import { prisma } from "~/db.server";
import { ensureShopifyShop } from "~/models/retry-on-unique-conflict.server";
import { findInvoiceDocument, findShopByDomain } from "~/models/invoice.server";
import { invoiceDocumentResponse } from "~/utils/document-response.server";
import { authenticate } from "~/shopify.server";

/**
 * The signed-in Shopify shop of an embedded admin request. The row is made here when it is missing:
 * on the very first open, Remix runs the layout's and the page's loaders in parallel, and the page may
 * get here before the install hook wrote it.
 */
export async function requireAdminShop(request: Request) {
  const { session } = await authenticate.admin(request);
  return (
    (await findShopByDomain(prisma, "SHOPIFY", session.shop)) ?? (await ensureShopifyShop(prisma, session.shop))
  );
}

/** The stored PDF or UBL of one of the signed-in shop's invoices (the admin's resource routes). */
export async function adminInvoiceDocument(request: Request, invoiceId: string, format: "PDF" | "UBL"): Promise<Response> {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  const doc = shop && /^[0-9a-f-]{36}$/i.test(invoiceId) ? await findInvoiceDocument(prisma, shop.id, invoiceId, format) : null;
  if (!doc) return new Response("Invoice not found", { status: 404 });
  return invoiceDocumentResponse(doc, format);
}
