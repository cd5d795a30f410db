import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { documentByPublicToken } from "~/models/invoice.server";

// GET /pay/:token/ubl — the PEPPOL BIS 3 UBL e-invoice for the shopper's bookkeeping.
export const loader = async ({ params }: LoaderFunctionArgs) => {
  const doc = await documentByPublicToken(prisma, params.token ?? "", "UBL");
  if (!doc) return new Response("Not found", { status: 404 });
  return new Response(doc.content, {
    headers: { "Content-Type": "application/xml; charset=utf-8", "Content-Disposition": `attachment; filename="${doc.invoice.formattedNumber}.xml"`, "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", ETag: `"${doc.sha256}"` },
  });
};
