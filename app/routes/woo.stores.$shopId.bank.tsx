import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { BankPage } from "~/admin-pages/bank";
import { bankAction, bankLoader } from "~/admin-pages/bank.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/bank — bank statements, the same page as the Shopify admin's, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction = () => [{ title: "Bank statements — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireWooPage(request, params.shopId ?? "");
  return bankLoader(shop);
};
export const action = async ({ request, params }: ActionFunctionArgs) => bankAction((await requireWooPage(request, params.shopId ?? "", true)).shop, await request.formData());
export default BankPage;
