import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { smtpMailer, type Mailer } from "~/integrations/mail/mailer.server";

/**
 * A short e-mail to the merchant (the shop's own address) about something that needs them: a failed
 * direct debit, a chargeback. Sent at once (no outbox row): the caller records that it was sent.
 */
export async function notifyMerchant(db: Db, shopId: string, subject: string, text: string, mailer: Mailer = smtpMailer()): Promise<void> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { email: true } });
  if (!shop.email) return;
  await mailer.send({
    from: env().MAIL_FROM,
    to: shop.email,
    subject: `Facto: ${subject}`,
    text,
    html: `<p>${text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!).replace(/\n/g, "<br>")}</p>`,
    messageId: `<merchant-${Date.now()}-${Math.random().toString(36).slice(2)}@facto.invalid>`,
    attachments: [],
  });
}
