import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { DangerZonePage } from "~/admin-pages/danger-zone";
import { dangerZoneAction, dangerZoneLoader } from "~/admin-pages/danger-zone.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/danger-zone — the danger zone, the same page as the Shopify admin's, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Danger zone — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return dangerZoneLoader(shop, base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => dangerZoneAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default DangerZonePage;
