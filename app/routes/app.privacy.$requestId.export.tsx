import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { findShopByDomain } from "~/models/invoice.server";
import { recordAudit } from "~/services/audit-log.server";
import { authenticate } from "~/shopify.server";

// GET /app/privacy/:requestId/export — one data request's export, for the signed-in shop only.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  const id = params.requestId ?? "";
  const found = shop && /^[0-9a-f-]{36}$/i.test(id) ? await prisma.dataRequest.findFirst({ where: { id, shopId: shop.id }, select: { export: true } }) : null;
  if (!found) return new Response("Data request not found", { status: 404 });
  await recordAudit(prisma, { shopId: shop!.id, action: "customer data export", detail: `data request ${id}` });
  return new Response(JSON.stringify(found.export, null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="data-request-${id}.json"` },
  });
};
