import type { LoaderFunctionArgs } from "@remix-run/node";
import { incomingDocumentResponse } from "~/admin-pages/incoming.server";
import { requireStoreOfAccount } from "~/routes-support/woo-auth.server";

// GET /woo/stores/:shopId/incoming/:documentId/(ubl|pdf) — a received document, for the store's owner.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  return incomingDocumentResponse(shop.id, params.documentId ?? "", params.format ?? "");
};
