import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { pain008Response } from "~/services/invoice-actions.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// POST /woo/stores/:shopId/exports/pain008 (invoiceId…, collectionDate) — the pain.008 file for the owner's bank, fetched by
// the shared direct-debit page (app/admin-pages/direct-debit) from this site: the same-origin check of the shared pages.
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireWooPage(request, params.shopId ?? "", true);
  return pain008Response(prisma, shop.id, await request.formData());
};
