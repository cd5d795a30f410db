import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";

// GET /pay/:token/logo — the merchant's logo on the payment page.
export const loader = async ({ params }: LoaderFunctionArgs) => {
  const token = params.token ?? "";
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return new Response("Not found", { status: 404 });
  const invoice = await prisma.invoice.findUnique({ where: { publicToken: token }, select: { shop: { select: { logo: true, logoContentType: true } } } });
  if (!invoice?.shop.logo || !invoice.shop.logoContentType) return new Response("Not found", { status: 404 });
  return new Response(invoice.shop.logo, { headers: { "Content-Type": invoice.shop.logoContentType, "Cache-Control": "private, max-age=3600" } });
};
