import type { ActionFunctionArgs } from "@remix-run/node";
import { receivePontoWebhook } from "~/services/receive-ponto-webhook.server";
import { errorResponse } from "~/utils/error-response.server";

// POST /webhooks/ponto — Ponto Connect's signed webhooks (docs/decisions/027-ponto.md): verify, inbox, enqueue, 200.
export const action = async ({ request }: ActionFunctionArgs) => {
  try {
    await receivePontoWebhook(request);
    return new Response(null, { status: 200 });
  } catch (error) {
    return errorResponse(error);
  }
};
