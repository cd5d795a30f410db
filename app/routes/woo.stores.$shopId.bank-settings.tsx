import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { BankSettingsPage } from "~/admin-pages/bank-settings";
import { bankSettingsAction, bankSettingsLoader } from "~/admin-pages/bank-settings.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/bank-settings — Ponto and the matching IBANs, the same page as the Shopify admin's, inside
// the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Bank settings — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireWooPage(request, params.shopId ?? "");
  return bankSettingsLoader(shop, request);
};
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireWooPage(request, params.shopId ?? "", true);
  return bankSettingsAction(shop, await request.formData(), `/woo/stores/${shop.id}/bank-settings`);
};
export default BankSettingsPage;
