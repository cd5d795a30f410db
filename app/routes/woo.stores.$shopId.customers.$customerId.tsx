import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { CustomerPage } from "~/admin-pages/customer";
import { customerAction, customerLoader } from "~/admin-pages/customer.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/customers/:customerId — the Shopify admin's customer page, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Customer — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return customerLoader(shop, params.customerId ?? "", base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => customerAction((await requireWooPage(request, params.shopId ?? "", true)).shop, params.customerId ?? "", await request.formData());
export default CustomerPage;
