import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { SettingsPage } from "~/admin-pages/settings";
import { settingsAction, settingsLoader } from "~/admin-pages/settings.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/settings — the company details (app/admin-pages/settings, shared with the WooCommerce admin).
export const loader = async ({ request }: LoaderFunctionArgs) => settingsLoader(await requireAdminShop(request), "/app");
export const action = async ({ request }: ActionFunctionArgs) => settingsAction(await requireAdminShop(request), await request.formData());
export default SettingsPage;
