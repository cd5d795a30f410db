import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { documentByPublicToken } from "~/models/invoice.server";
import { payTokenGate } from "~/services/pay-token.server";
import { clientInfo } from "~/utils/client-info.server";

// GET /pay/:token/pdf — the invoice PDF for the shopper.
export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const gate = await payTokenGate(prisma, clientInfo(request, context).ip, params.token ?? "");
  if (gate.refused) return gate.refused;
  const doc = await documentByPublicToken(prisma, params.token ?? "", "PDF");
  if (!doc) {
    await gate.miss();
    return new Response("Not found", { status: 404 });
  }
  return new Response(doc.content, {
    headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${doc.invoice.formattedNumber}.pdf"`, "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", ETag: `"${doc.sha256}"` },
  });
};
