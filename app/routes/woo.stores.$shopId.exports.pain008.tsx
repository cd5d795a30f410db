import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { pain008Response } from "~/services/invoice-actions.server";
import { requireStoreOfAccount, verifyCsrf } from "~/utils/woo-auth.server";

// POST /woo/stores/:shopId/exports/pain008 (csrf, invoiceId…, collectionDate) — the pain.008 file for the owner's bank.
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const form = await request.formData();
  verifyCsrf(request, form);
  return pain008Response(prisma, shop.id, form);
};
