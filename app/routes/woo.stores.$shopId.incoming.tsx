import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { IncomingPage } from "~/admin-pages/incoming";
import { incomingLoader } from "~/admin-pages/incoming.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/incoming — documents received over PEPPOL, the same page as the Shopify admin's, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Incoming — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return incomingLoader(shop, base);
};
export default IncomingPage;
