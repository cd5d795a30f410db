import type { ActionFunctionArgs } from "@remix-run/node";
import { receivePeppolWebhook } from "~/services/receive-peppol-webhook.server";
import { errorResponse } from "~/utils/error-response.server";

// POST /webhooks/peppol/:token — the Access Point provider's "document received" webhook (decision 018).
export const action = async ({ request, params }: ActionFunctionArgs) => {
  try {
    await receivePeppolWebhook(request, params.token);
    return new Response(null, { status: 200 });
  } catch (error) {
    return errorResponse(error);
  }
};

export const loader = () => new Response("Method Not Allowed", { status: 405 });
