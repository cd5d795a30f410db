import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { IncomingPage } from "~/admin-pages/incoming";
import { incomingLoader } from "~/admin-pages/incoming.server";
import { WooPolarisFrame } from "~/components/woo-polaris-frame";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/incoming — documents received over PEPPOL, for a WooCommerce store.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Incoming (PEPPOL) — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf, base } = await requireWooPage(request, params.shopId ?? "");
  return { ...(await incomingLoader(shop, base)), frame: { shopId: shop.id, email: account.email, csrf } };
};

export default function WooIncoming() {
  const { frame } = useLoaderData<typeof loader>();
  return (
    <WooPolarisFrame {...frame}>
      <IncomingPage />
    </WooPolarisFrame>
  );
}
