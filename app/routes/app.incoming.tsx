import type { LoaderFunctionArgs } from "@remix-run/node";
import { IncomingPage } from "~/admin-pages/incoming";
import { incomingLoader } from "~/admin-pages/incoming.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/incoming — documents received over PEPPOL (app/admin-pages/incoming).
export const loader = async ({ request }: LoaderFunctionArgs) => incomingLoader(await requireAdminShop(request), "/app");
export default IncomingPage;
