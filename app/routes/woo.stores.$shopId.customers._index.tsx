import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { DirectDebitPage } from "~/admin-pages/direct-debit";
import { directDebitAction, directDebitLoader } from "~/admin-pages/direct-debit.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/customers — the Shopify admin's "Direct debit" page (customers, mandates, Twikey, pain.008),
// inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Customers — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return directDebitLoader(shop, base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => directDebitAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default DirectDebitPage;
