import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { payTokenGate, publicTokenHash } from "~/services/pay-token.server";
import { clientInfo } from "~/utils/client-info.server";

// GET /pay/:token/logo — the merchant's logo on the payment page.
export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const gate = await payTokenGate(prisma, clientInfo(request, context).ip, params.token ?? "");
  if (gate.refused) return gate.refused;
  const token = params.token ?? "";
  const invoice = await prisma.invoice.findUnique({ where: { publicTokenHash: publicTokenHash(token) }, select: { shop: { select: { logo: true, logoContentType: true } } } });
  if (!invoice) await gate.miss();
  if (!invoice?.shop.logo || !invoice.shop.logoContentType) return new Response("Not found", { status: 404 });
  return new Response(invoice.shop.logo, { headers: { "Content-Type": invoice.shop.logoContentType, "Cache-Control": "private, max-age=3600" } });
};
