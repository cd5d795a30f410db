import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SettingsPage } from "~/admin-pages/settings";
import { settingsAction, settingsLoader } from "~/admin-pages/settings.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/settings — the Shopify admin's company details, inside the store's layout (woo.stores.$shopId.tsx):
// the seller on the invoices, logo and colour, invoicing, numbering, and the order meta keys holding the buyer's VAT number.
export const meta: MetaFunction = () => [{ title: "Company details — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return settingsLoader(shop, base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => settingsAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default SettingsPage;
