import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { DirectDebitPage } from "~/admin-pages/direct-debit";
import { directDebitAction, directDebitLoader } from "~/admin-pages/direct-debit.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/direct-debit — Twikey settings, the customers and their mandates (app/admin-pages/direct-debit, shared with the WooCommerce admin).
export const loader = async ({ request }: LoaderFunctionArgs) => directDebitLoader(await requireAdminShop(request), "/app");
export const action = async ({ request }: ActionFunctionArgs) => directDebitAction(await requireAdminShop(request), await request.formData());
export default DirectDebitPage;
