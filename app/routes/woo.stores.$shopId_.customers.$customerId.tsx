import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { CustomerPage } from "~/admin-pages/customer";
import { customerAction, customerLoader } from "~/admin-pages/customer.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/customers/:customerId — the Shopify admin's customer page for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Customer — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf, base } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await customerLoader(shop, params.customerId ?? "", base)), frame: { shopId: shop.id, email: account.email, csrf } };
};
export const action = async ({ request, params }: ActionFunctionArgs) => customerAction((await requireWooPage(request, params.shopId ?? "", true)).shop, params.customerId ?? "", await request.formData());

export default function WooCustomer() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <CustomerPage />
    </WooPolarisFrame>
  );
}
