import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { findShopByDomain } from "~/models/invoice.server";
import { authenticate } from "~/shopify.server";

// GET /app/customers/:id/mandates/:mandateId/pdf — the signed mandate Twikey returned.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  const ok = (v: string | undefined) => Boolean(v && /^[0-9a-f-]{36}$/i.test(v));
  const mandate = shop && ok(params.id) && ok(params.mandateId) ? await prisma.mandate.findFirst({ where: { id: params.mandateId, shopId: shop.id, customerId: params.id }, select: { mndtId: true, pdf: true } }) : null;
  if (!mandate?.pdf) return new Response("Mandate not found", { status: 404 });
  return new Response(Buffer.from(mandate.pdf), { headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${mandate.mndtId}.pdf"`, "Cache-Control": "private, no-store" } });
};
