import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { BankSettingsPage } from "~/admin-pages/bank-settings";
import { bankSettingsAction, bankSettingsLoader } from "~/admin-pages/bank-settings.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/bank-settings — the Shopify admin's "Bank settings" page for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Bank settings — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await bankSettingsLoader(shop, request)), frame: { shopId: shop.id, email: account.email, csrf } };
};
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireWooPage(request, params.shopId ?? "", true);
  return bankSettingsAction(shop, await request.formData(), `/woo/stores/${shop.id}/bank-settings`);
};

export default function WooPage() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <BankSettingsPage />
    </WooPolarisFrame>
  );
}
