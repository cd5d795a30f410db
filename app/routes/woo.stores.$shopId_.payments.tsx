import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { PaymentsPage } from "~/admin-pages/payments";
import { paymentsAction, paymentsLoader } from "~/admin-pages/payments.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/payments — the Shopify admin's "Payments & e-mails" page for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Payments & e-mails — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf, base } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await paymentsLoader(shop, base)), frame: { shopId: shop.id, email: account.email, csrf } };
};
export const action = async ({ request, params }: ActionFunctionArgs) => paymentsAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());

export default function WooPayments() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <PaymentsPage />
    </WooPolarisFrame>
  );
}
