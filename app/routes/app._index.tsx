import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { InvoicesPage } from "~/admin-pages/invoices";
import { invoicesAction, invoicesLoader } from "~/admin-pages/invoices.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app — the invoices and the dashboard (app/admin-pages/invoices, shared with the WooCommerce store page).
export const loader = async ({ request }: LoaderFunctionArgs) => invoicesLoader(await requireAdminShop(request), "/app", new URL(request.url));
export const action = async ({ request }: ActionFunctionArgs) => (await invoicesAction(await requireAdminShop(request), await request.formData())) ?? { ok: false, message: "Unknown action" };
export default function InvoicesIndex() {
  return <InvoicesPage />;
}
