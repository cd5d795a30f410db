import type { LoaderFunctionArgs } from "@remix-run/node";
import { receiveTwikeyWebhook } from "~/services/receive-twikey-webhook.server";
import { errorResponse } from "~/utils/error-response.server";

// GET /webhooks/twikey/:shopId — Twikey's signed webhook (GET + query string).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  try {
    await receiveTwikeyWebhook(request, params.shopId);
    return new Response(null, { status: 200 });
  } catch (error) {
    return errorResponse(error);
  }
};
