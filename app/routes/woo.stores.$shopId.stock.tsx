import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { StockPage } from "~/admin-pages/stock";
import { stockAction, stockLoader } from "~/admin-pages/stock.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/stock — the Shopify admin's stock page, inside the store's layout (woo.stores.$shopId.tsx);
// adjustments are written back to WooCommerce.
export const meta: MetaFunction = () => [{ title: "Stock — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return stockLoader(shop, base, "WooCommerce", new URL(request.url));
};
export const action = async ({ request, params }: ActionFunctionArgs) => stockAction((await requireWooPage(request, params.shopId ?? "", true)).shop, "WooCommerce", await request.formData());
export default StockPage;
