import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { PaymentsPage } from "~/admin-pages/payments";
import { paymentsAction, paymentsLoader } from "~/admin-pages/payments.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/payments — online payment (Mollie), e-mails, reminders and e-mail texts (app/admin-pages/payments).
export const loader = async ({ request }: LoaderFunctionArgs) => paymentsLoader(await requireAdminShop(request), "/app");
export const action = async ({ request }: ActionFunctionArgs) => paymentsAction(await requireAdminShop(request), await request.formData());
export default PaymentsPage;
