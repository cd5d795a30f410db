import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { BankPage } from "~/admin-pages/bank";
import { bankAction, bankLoader } from "~/admin-pages/bank.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/bank — bank statement import and the unmatched transactions (app/admin-pages/bank).
export const loader = async ({ request }: LoaderFunctionArgs) => bankLoader(await requireAdminShop(request));
export const action = async ({ request }: ActionFunctionArgs) => bankAction(await requireAdminShop(request), await request.formData());
export default BankPage;
