import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { completePontoConnect, pendingPontoShop, pontoDeps } from "~/services/ponto.server";
import { errorResponse } from "~/utils/error-response.server";
import { requireStoreOfAccount } from "~/utils/woo-auth.server";

// GET /ponto/callback?code=…&state=… — Ponto sends the merchant back here after the authorization
// (docs/decisions/027-ponto.md). The one-time state names the shop; the code is exchanged with the PKCE verifier.
// A WooCommerce store's authorization is only finished in the browser of a signed-in owner of that store, so a
// link to someone else's authorization cannot attach the clicker's bank accounts to it (Shopify: see decision 027).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    const deps = pontoDeps();
    if (!deps) return new Response("Ponto is not configured", { status: 404 });
    const url = new URL(request.url);
    const state = url.searchParams.get("state");
    const pending = await pendingPontoShop(prisma, state);
    if (pending?.platform === "WOOCOMMERCE") await requireStoreOfAccount(request, pending.shopId);
    const result = await completePontoConnect(prisma, { state, code: url.searchParams.get("code"), error: url.searchParams.get("error") }, deps);
    const back = new URL(result.returnTo, url.origin);
    back.searchParams.set("ponto", result.connected ? "connected" : "failed");
    return redirect(back.toString());
  } catch (error) {
    return errorResponse(error);
  }
};
