import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { findInvoiceDocument, findShopByDomain } from "~/models/invoice.server";
import { authenticate } from "~/shopify.server";

// GET /app/invoices/:id/pdf — the stored PDF of one of the signed-in shop's invoices.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  const id = params.id ?? "";
  const doc = shop && /^[0-9a-f-]{36}$/i.test(id) ? await findInvoiceDocument(prisma, shop.id, id, "PDF") : null;
  if (!doc) return new Response("Invoice not found", { status: 404 });
  return new Response(doc.content, {
    headers: {
      "Content-Type": doc.contentType,
      "Content-Disposition": `inline; filename="${doc.invoice.formattedNumber}.pdf"`,
      ETag: `"${doc.sha256}"`,
    },
  });
};
