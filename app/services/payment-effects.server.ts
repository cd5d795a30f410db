import type { JobsOptions } from "bullmq";
import type { Db } from "~/db.server";
import type { JobName, JobPayload } from "~/queues.server";
import { queueCustomerEmail } from "./customer-emails.server";
import { notifyMerchant } from "./notify-merchant.server";
import type { PaymentEffects } from "./online-payment.server";

/**
 * After a payment changed an invoice: when it became paid the store order is marked paid and the
 * customer thanked (both jobs); after a chargeback the merchant is e-mailed and Facto's status on
 * the store order is written again (a job).
 */
export function paymentEffects(db: Db, enqueue: <N extends JobName>(name: N, payload: JobPayload<N>, options?: JobsOptions) => Promise<void>): PaymentEffects {
  return {
    enqueueOrderPaid: (invoiceId) => enqueue("mark-order-paid", { invoiceId }),
    enqueueThankYou: async (invoiceId) => {
      const { emailId } = await queueCustomerEmail(db, invoiceId, "THANK_YOU");
      if (emailId) await enqueue("send-email", { emailId });
    },
    notifyMerchant: (shopId, subject, text) => notifyMerchant(db, shopId, subject, text),
    enqueueStoreStatus: async (invoiceId) => {
      // Its own job id: the annotation job of this invoice ran when it was issued and is kept a day as
      // completed, so the deterministic id would make this add a no-op.
      await enqueue("annotate-order", { invoiceId }, { jobId: `annotate-status-${invoiceId}-${Date.now()}` });
    },
  };
}
