import type { Db } from "~/db.server";
import { WooRefundPayload } from "~/integrations/woocommerce/order-payload";
import { ensureJob, type Enqueue } from "~/queues.server";
import { afterIssueDeps } from "./after-invoice-issued.server";
import { checkBuyerVatInVies } from "./check-buyer-vat.server";
import { wooClientForShop } from "./connect-woo-store.server";
import { readShopTwikeyFeeds } from "./direct-debit-jobs.server";
import { paymentEffects } from "./payment-effects.server";
import { receivePeppolDocument } from "./peppol-jobs.server";
import { readPontoTransactions } from "./ponto-jobs.server";
import type { ProcessDeps } from "./process-webhook-event.server";

/** The production collaborators of processWebhookEvent, given the worker's database and enqueue. */
export function processWebhookDeps(db: Db, enqueue: Enqueue): ProcessDeps {
  return {
    now: () => new Date(),
    checkVat: checkBuyerVatInVies(),
    afterIssue: afterIssueDeps(enqueue),
    payments: paymentEffects(db, enqueue),
    readTwikeyFeeds: (shopId) => readShopTwikeyFeeds(db, shopId, enqueue),
    receivePeppolDocument: (shopId, documentId) => receivePeppolDocument(db, shopId, documentId),
    readPontoTransactions: (shopId, accountId) => readPontoTransactions(db, shopId, accountId, enqueue),
    requeueEvent: (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined),
    wooRefund: async (shopId, orderId, refundId) => {
      const { client } = await wooClientForShop(db, shopId);
      return WooRefundPayload.parse((await client.get(`orders/${orderId}/refunds/${refundId}`)).data);
    },
  };
}
