import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { enqueue } from "~/queues.server";
import { receiveShopifyWebhook } from "~/services/receive-shopify-webhook.server";
import { prisma } from "~/db.server";
import { errorResponse } from "~/utils/error-response.server";

/**
 * Shopify's webhooks on the web server's short path (app/web-server.ts), outside Remix's document
 * pipeline: verify, store in the inbox, answer. The answer waits for the durable insert only; the
 * job is enqueued right after without holding the answer — a lost enqueue is found by the inbox
 * reconciler, as before (docs/decisions/009-webhook-fast-path.md).
 */
export async function fastShopifyWebhook(request: Request, pathTopic: string): Promise<Response> {
  try {
    const { eventId, duplicate } = await receiveShopifyWebhook(request, pathTopic, {
      db: prisma,
      secret: env().SHOPIFY_API_SECRET,
      enqueueProcessing: (id) => {
        enqueue("process-webhook", { eventId: id }).catch((err: unknown) => logger.warn({ err, eventId: id }, "could not enqueue webhook processing; the reconciler will pick it up"));
        return Promise.resolve();
      },
    });
    return Response.json({ ok: true, eventId, duplicate });
  } catch (error) {
    return errorResponse(error);
  }
}
