import type { LoaderFunctionArgs } from "@remix-run/node";
import { incomingDocumentResponse } from "~/admin-pages/incoming.server";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { findShopByDomain } from "~/models/invoice.server";

// GET /app/incoming/:documentId/(ubl|pdf) — a received document of the signed-in shop (session token).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  if (!shop) return new Response("Not found", { status: 404 });
  return incomingDocumentResponse(shop.id, params.documentId ?? "", params.format ?? "");
};
