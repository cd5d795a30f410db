import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { findShopByDomain } from "~/models/invoice.server";
import { accountantExport } from "~/services/accountant-export.server";
import { authenticate } from "~/shopify.server";

// GET /app/exports/zip?from=YYYY-MM-DD&to=YYYY-MM-DD — the period's PDFs, UBL and a CSV, zipped.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  if (!shop) return new Response("Shop not found", { status: 404 });
  const url = new URL(request.url);
  try {
    const { zip, filename } = await accountantExport(prisma, shop.id, url.searchParams.get("from") ?? "", url.searchParams.get("to") ?? "");
    return new Response(Buffer.from(zip), { headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" } });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.httpStatus, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
};
