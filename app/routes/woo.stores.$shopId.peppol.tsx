import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PeppolPage } from "~/admin-pages/peppol";
import { peppolAction, peppolLoader } from "~/admin-pages/peppol.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/peppol — PEPPOL e-invoicing, the same page as the Shopify admin's, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "PEPPOL — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return peppolLoader(shop, base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => peppolAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default PeppolPage;
