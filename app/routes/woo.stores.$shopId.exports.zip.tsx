import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { accountantExportResponse } from "~/services/accountant-export.server";
import { requireStoreOfAccount } from "~/routes-support/woo-auth.server";

// GET /woo/stores/:shopId/exports/zip?from=YYYY-MM-DD&to=YYYY-MM-DD — the period's PDFs, UBL and a CSV, for the accountant.
export const loader = async ({ request, params }: LoaderFunctionArgs) => accountantExportResponse(prisma, (await requireStoreOfAccount(request, params.shopId ?? "")).shop.id, new URL(request.url));
