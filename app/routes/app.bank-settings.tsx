import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { BankSettingsPage } from "~/admin-pages/bank-settings";
import { bankSettingsAction, bankSettingsLoader } from "~/admin-pages/bank-settings.server";
import { env } from "~/env.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/bank-settings — Ponto bank feed and matching IBANs (app/admin-pages/bank-settings).
export const loader = async ({ request }: LoaderFunctionArgs) => bankSettingsLoader(await requireAdminShop(request), request);
export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await requireAdminShop(request);
  // Ponto's callback returns the merchant into Shopify admin, which opens this page embedded again.
  return bankSettingsAction(shop, await request.formData(), `https://${shop.domain}/admin/apps/${env().SHOPIFY_API_KEY}/app/bank-settings`);
};
export default BankSettingsPage;
