import { prisma } from "~/db.server";
import { findShopByDomain } from "~/models/invoice.server";
import { authenticate } from "~/shopify.server";

/** The signed-in Shopify shop of an embedded admin request, or a 404 when Facto does not know it yet. */
export async function requireAdminShop(request: Request) {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  if (!shop) throw new Response("Shop not found: open Settings first", { status: 404 });
  return shop;
}
