import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { StockPage } from "~/admin-pages/stock";
import { stockAction, stockLoader } from "~/admin-pages/stock.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/stock — stock per SKU (app/admin-pages/stock, shared with the WooCommerce admin).
export const loader = async ({ request }: LoaderFunctionArgs) => stockLoader(await requireAdminShop(request), "/app", "Shopify", new URL(request.url));
export const action = async ({ request }: ActionFunctionArgs) => stockAction(await requireAdminShop(request), "Shopify", await request.formData());
export default StockPage;
