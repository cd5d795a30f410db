import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveMollieWebhook } from "~/services/receive-mollie-webhook.server";
import { errorResponse } from "~/utils/error-response.server";

// POST /webhooks/mollie/:shopId — Mollie's "payment tr_… changed" calls (form body id=tr_…).
export const action = async ({ request, params }: ActionFunctionArgs) => {
  try {
    await receiveMollieWebhook(request, params.shopId);
    return new Response(null, { status: 200 });
  } catch (error) {
    return errorResponse(error);
  }
};

export const loader = async () => Response.json({ error: { code: "METHOD_NOT_ALLOWED", message: "Webhooks must be POSTed" } }, { status: 405 });
