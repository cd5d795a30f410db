import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { BankSettingsPage } from "~/admin-pages/bank-settings";
import { bankSettingsAction, bankSettingsLoader } from "~/admin-pages/bank-settings.server";
import { requireAdminShop } from "~/utils/admin-shop.server";

// /app/bank-settings — Ponto bank feed and matching IBANs (app/admin-pages/bank-settings).
export const loader = async ({ request }: LoaderFunctionArgs) => bankSettingsLoader(await requireAdminShop(request), request);
export const action = async ({ request }: ActionFunctionArgs) => bankSettingsAction(await requireAdminShop(request), await request.formData());
export default BankSettingsPage;
