import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { accountantExportResponse } from "~/services/accountant-export.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// GET /app/exports/zip?from=YYYY-MM-DD&to=YYYY-MM-DD — the period's PDFs, UBL and a CSV, zipped.
export const loader = async ({ request }: LoaderFunctionArgs) => accountantExportResponse(prisma, (await requireAdminShop(request)).id, new URL(request.url));
