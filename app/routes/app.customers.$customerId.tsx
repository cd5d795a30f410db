import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { CustomerPage } from "~/admin-pages/customer";
import { customerAction, customerLoader } from "~/admin-pages/customer.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/customers/:customerId — a customer and their SEPA mandates (app/admin-pages/customer).
export const loader = async ({ request, params }: LoaderFunctionArgs) => customerLoader(await requireAdminShop(request), params.customerId ?? "", "/app");
export const action = async ({ request, params }: ActionFunctionArgs) => customerAction(await requireAdminShop(request), params.customerId ?? "", await request.formData());
export default CustomerPage;
