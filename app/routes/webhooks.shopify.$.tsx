import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { receiveShopifyWebhook } from "~/services/receive-shopify-webhook.server";
import { errorResponse } from "~/utils/error-response.server";

// POST /webhooks/shopify/<topic> — every Shopify webhook of shopify.app.toml lands here.
export const action = async ({ request, params }: ActionFunctionArgs) => {
  try {
    const { eventId, duplicate } = await receiveShopifyWebhook(request, params["*"]);
    return Response.json({ ok: true, eventId, duplicate });
  } catch (error) {
    return errorResponse(error);
  }
};

export const loader = async (_args: LoaderFunctionArgs) =>
  Response.json({ error: { code: "METHOD_NOT_ALLOWED", message: "Webhooks must be POSTed" } }, { status: 405 });
