import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { ProductsPage } from "~/admin-pages/products";
import { productsAction, productsLoader } from "~/admin-pages/products.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/products — the Shopify admin's "VAT of products" page for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "VAT of products — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf, base } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await productsLoader(shop, base)), frame: { shopId: shop.id, email: account.email, csrf } };
};
export const action = async ({ request, params }: ActionFunctionArgs) => productsAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());

export default function WooPage() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <ProductsPage />
    </WooPolarisFrame>
  );
}
