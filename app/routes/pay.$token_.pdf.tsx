import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { documentByPublicToken } from "~/models/invoice.server";

// GET /pay/:token/pdf — the invoice PDF for the shopper.
export const loader = async ({ params }: LoaderFunctionArgs) => {
  const doc = await documentByPublicToken(prisma, params.token ?? "", "PDF");
  if (!doc) return new Response("Not found", { status: 404 });
  return new Response(doc.content, {
    headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${doc.invoice.formattedNumber}.pdf"`, "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", ETag: `"${doc.sha256}"` },
  });
};
