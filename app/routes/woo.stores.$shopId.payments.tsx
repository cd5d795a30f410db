import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PaymentsPage } from "~/admin-pages/payments";
import { paymentsAction, paymentsLoader } from "~/admin-pages/payments.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/payments — payments and e-mail texts, the same page as the Shopify admin's, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Payments & e-mails — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return paymentsLoader(shop, base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => paymentsAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default PaymentsPage;
