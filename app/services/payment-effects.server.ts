import type { Db } from "~/db.server";
import type { JobName, JobPayload } from "~/queues.server";
import { queueCustomerEmail } from "./customer-emails.server";
import type { PaymentEffects } from "./online-payment.server";

/** After a payment made an invoice paid: the store order is marked paid and the customer thanked (both jobs). */
export function paymentEffects(db: Db, enqueue: <N extends JobName>(name: N, payload: JobPayload<N>) => Promise<void>): PaymentEffects {
  return {
    enqueueOrderPaid: (invoiceId) => enqueue("mark-order-paid", { invoiceId }),
    enqueueThankYou: async (invoiceId) => {
      const { emailId } = await queueCustomerEmail(db, invoiceId, "THANK_YOU");
      if (emailId) await enqueue("send-email", { emailId });
    },
  };
}
