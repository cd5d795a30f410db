import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { findShopByDomain } from "~/models/invoice.server";
import { exportPain008 } from "~/services/invoice-actions.server";
import { authenticate } from "~/shopify.server";

// POST /app/exports/pain008 (invoiceId…, collectionDate) — a SEPA Direct Debit file (pain.008.001.08)
// for the merchant's own bank: the chosen open invoices of customers with a signed mandate.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  if (!shop) return new Response("Shop not found", { status: 404 });
  const form = await request.formData();
  try {
    const result = await exportPain008(prisma, shop.id, { invoiceIds: form.getAll("invoiceId").map(String), collectionDate: String(form.get("collectionDate") ?? ""), now: new Date() });
    return new Response(result.xml, {
      headers: {
        "Content-Type": "application/xml; charset=utf-8",
        "Content-Disposition": `attachment; filename="${result.messageId}.xml"`,
        "X-Facto-Included": result.included.join(","),
        "X-Facto-Skipped": result.skipped.map((s) => `${s.invoice}: ${s.reason}`).join("; "),
      },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.httpStatus, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
};
