import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { findInvoiceDocument, findShopByDomain } from "~/models/invoice.server";
import { authenticate } from "~/shopify.server";

// GET /app/invoices/:id/ubl — the PEPPOL BIS 3 UBL of one of the signed-in shop's invoices.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  const id = params.id ?? "";
  const doc = shop && /^[0-9a-f-]{36}$/i.test(id) ? await findInvoiceDocument(prisma, shop.id, id, "UBL") : null;
  if (!doc) return new Response("Invoice not found", { status: 404 });
  return new Response(doc.content, { headers: { "Content-Type": "application/xml; charset=utf-8", "Content-Disposition": `attachment; filename="${doc.invoice.formattedNumber}.xml"` } });
};
