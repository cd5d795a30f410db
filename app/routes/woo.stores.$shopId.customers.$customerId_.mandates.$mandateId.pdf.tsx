import type { LoaderFunctionArgs } from "@remix-run/node";
import { mandatePdfResponse } from "~/admin-pages/customer.server";
import { requireStoreOfAccount } from "~/routes-support/woo-auth.server";

// GET /woo/stores/:shopId/customers/:customerId/mandates/:mandateId/pdf — the signed mandate, for the store's owner.
export const loader = async ({ request, params }: LoaderFunctionArgs) => mandatePdfResponse((await requireStoreOfAccount(request, params.shopId ?? "")).shop, params.customerId, params.mandateId);
