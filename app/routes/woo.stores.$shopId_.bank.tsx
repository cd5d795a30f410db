import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { BankPage } from "~/admin-pages/bank";
import { bankAction, bankLoader } from "~/admin-pages/bank.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/bank — the Shopify admin's "Bank statements" page for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Bank statements — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await bankLoader(shop)), frame: { shopId: shop.id, email: account.email, csrf } };
};
export const action = async ({ request, params }: ActionFunctionArgs) => bankAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());

export default function WooPage() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <BankPage />
    </WooPolarisFrame>
  );
}
