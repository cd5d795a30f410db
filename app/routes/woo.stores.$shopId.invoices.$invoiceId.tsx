import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { InvoicePage } from "~/admin-pages/invoice";
import { invoiceAction, invoiceLoader } from "~/admin-pages/invoice.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/invoices/:invoiceId — the Shopify admin's invoice page, inside the store's layout (woo.stores.$shopId.tsx).
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.invoice.number ?? "Invoice"} — Facto` }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base } = await requireWooPage(request, params.shopId ?? "");
  return invoiceLoader(shop, params.invoiceId ?? "", base);
};
export const action = async ({ request, params }: ActionFunctionArgs) => invoiceAction((await requireWooPage(request, params.shopId ?? "", true)).shop, params.invoiceId ?? "", await request.formData());
export default InvoicePage;
