import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { logger } from "~/logger.server";
import { checkoutMandateOffer } from "~/services/checkout-mandate.server";
import { authenticate } from "~/shopify.server";

// POST /api/checkout/direct-debit — the checkout UI extension asks whether to offer direct debit and
// for the signing page. Authenticated with the extension's session token (Authorization: Bearer).
const Body = z.object({ intent: z.enum(["status", "start"]), orderId: z.string().max(100).nullish() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  // CORS preflight (OPTIONS) is answered by authenticate.public.checkout.
  await authenticate.public.checkout(request);
  return new Response(null, { status: 405 });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  const parsed = Body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return cors(Response.json({ error: "Expected {intent: \"status\" | \"start\", orderId?}" }, { status: 400 }));
  const shopDomain = new URL(String(sessionToken.dest).startsWith("http") ? String(sessionToken.dest) : `https://${sessionToken.dest}`).hostname;
  try {
    const answer = await checkoutMandateOffer(prisma, { shopDomain, customerGid: typeof sessionToken.sub === "string" ? sessionToken.sub : null, orderGid: parsed.data.orderId ?? null, intent: parsed.data.intent });
    return cors(Response.json(answer));
  } catch (error) {
    if (isAppError(error)) return cors(Response.json({ error: error.message, retry: error.retryable }, { status: error.retryable ? 409 : error.httpStatus }));
    logger.error({ err: error }, "direct-debit offer failed");
    return cors(Response.json({ error: "Something went wrong on our side" }, { status: 500 }));
  }
};
