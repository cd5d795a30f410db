import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { PeppolPage } from "~/admin-pages/peppol";
import { peppolAction, peppolLoader } from "~/admin-pages/peppol.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/peppol — PEPPOL registration and sending settings (app/admin-pages/peppol).
export const loader = async ({ request }: LoaderFunctionArgs) => peppolLoader(await requireAdminShop(request), "/app");
export const action = async ({ request }: ActionFunctionArgs) => peppolAction(await requireAdminShop(request), await request.formData());
export default PeppolPage;
