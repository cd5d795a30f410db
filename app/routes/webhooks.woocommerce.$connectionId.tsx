import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWooWebhook } from "~/services/receive-woo-webhook.server";
import { errorResponse } from "~/utils/error-response.server";

// POST /webhooks/woocommerce/:connectionId — the webhooks Facto registered on a WooCommerce store.
export const action = async ({ request, params }: ActionFunctionArgs) => {
  try {
    return Response.json({ ok: true, ...(await receiveWooWebhook(request, params.connectionId)) });
  } catch (error) {
    return errorResponse(error);
  }
};

export const loader = async () => Response.json({ error: { code: "METHOD_NOT_ALLOWED", message: "Webhooks must be POSTed" } }, { status: 405 });
