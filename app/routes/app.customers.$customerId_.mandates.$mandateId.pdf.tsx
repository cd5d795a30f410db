import type { LoaderFunctionArgs } from "@remix-run/node";
import { mandatePdfResponse } from "~/admin-pages/customer.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// GET /app/customers/:customerId/mandates/:mandateId/pdf — the signed mandate Twikey returned.
export const loader = async ({ request, params }: LoaderFunctionArgs) => mandatePdfResponse(await requireAdminShop(request), params.customerId, params.mandateId);
