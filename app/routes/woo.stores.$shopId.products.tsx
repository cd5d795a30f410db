import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ProductsPage } from "~/admin-pages/products";
import { productsAction, productsLoader } from "~/admin-pages/products.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/products — VAT classes of products by SKU, the same page as the Shopify admin's, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "VAT of products — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return productsLoader(shop, base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => productsAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default ProductsPage;
