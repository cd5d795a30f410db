import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { InvoicePage } from "~/admin-pages/invoice";
import { invoiceAction, invoiceLoader } from "~/admin-pages/invoice.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/invoices/:invoiceId — one invoice (app/admin-pages/invoice, shared with the WooCommerce admin).
export const loader = async ({ request, params }: LoaderFunctionArgs) => invoiceLoader(await requireAdminShop(request), params.invoiceId ?? "", "/app");
export const action = async ({ request, params }: ActionFunctionArgs) => invoiceAction(await requireAdminShop(request), params.invoiceId ?? "", await request.formData());
export default InvoicePage;
