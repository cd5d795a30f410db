import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { DangerZonePage } from "~/admin-pages/danger-zone";
import { dangerZoneAction, dangerZoneLoader } from "~/admin-pages/danger-zone.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/danger-zone — the Shopify admin's "Danger zone" page for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Danger zone — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf, base } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await dangerZoneLoader(shop, base)), frame: { shopId: shop.id, email: account.email, csrf } };
};
export const action = async ({ request, params }: ActionFunctionArgs) => dangerZoneAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());

export default function WooPage() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <DangerZonePage />
    </WooPolarisFrame>
  );
}
