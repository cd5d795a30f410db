import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { CustomerPage } from "~/admin-pages/customer";
import { customerAction, customerLoader } from "~/admin-pages/customer.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/customers/:id — a customer and their SEPA mandates (app/admin-pages/customer).
export const loader = async ({ request, params }: LoaderFunctionArgs) => customerLoader(await requireAdminShop(request), params.id ?? "", "/app");
export const action = async ({ request, params }: ActionFunctionArgs) => customerAction(await requireAdminShop(request), params.id ?? "", await request.formData());
export default CustomerPage;
