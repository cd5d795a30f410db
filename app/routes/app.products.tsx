import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ProductsPage } from "~/admin-pages/products";
import { productsAction, productsLoader } from "~/admin-pages/products.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/products — the VAT class of products by SKU (app/admin-pages/products).
export const loader = async ({ request }: LoaderFunctionArgs) => productsLoader(await requireAdminShop(request), "/app");
export const action = async ({ request }: ActionFunctionArgs) => productsAction(await requireAdminShop(request), await request.formData());
export default ProductsPage;
