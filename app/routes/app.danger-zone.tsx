import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { DangerZonePage } from "~/admin-pages/danger-zone";
import { dangerZoneAction, dangerZoneLoader } from "~/admin-pages/danger-zone.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/danger-zone — pause invoicing, delete payment keys, erase customers without invoices (app/admin-pages/danger-zone).
export const loader = async ({ request }: LoaderFunctionArgs) => dangerZoneLoader(await requireAdminShop(request), "/app/settings");
export const action = async ({ request }: ActionFunctionArgs) => dangerZoneAction(await requireAdminShop(request), await request.formData());
export default DangerZonePage;
