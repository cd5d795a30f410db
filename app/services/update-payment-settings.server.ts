import type { Db } from "~/db.server";
import type { DirectDebitSettingsInput } from "~/domain/shop/direct-debit-settings";
import type { EmailTemplateInput, PaymentSettingsInput } from "~/domain/shop/payment-settings";
import { encryptSecret } from "~/utils/encryption.server";
import { recordAudit } from "./audit-log.server";

/** Saves the Payments page. The Mollie key is encrypted; an empty key field keeps the stored one. */
export async function updatePaymentSettings(db: Db, shopId: string, input: PaymentSettingsInput): Promise<void> {
  await db.shop.update({
    where: { id: shopId },
    data: {
      ...(input.removeMollieKey ? { mollieApiKey: null } : input.mollieApiKey ? { mollieApiKey: encryptSecret(input.mollieApiKey) } : {}),
      payOnlineMaxAmount: input.payOnlineMaxAmount,
      afterPaymentMessage: input.afterPaymentMessage,
      afterPaymentUrl: input.afterPaymentUrl,
      invoiceSender: input.invoiceSender,
      thankYouEmail: input.thankYouEmail,
      remindersEnabled: input.remindersEnabled,
      reminderDays: input.reminderDays,
    },
  });
  if (input.removeMollieKey) await recordAudit(db, { shopId, action: "Mollie key removed" });
  else if (input.mollieApiKey) await recordAudit(db, { shopId, action: "Mollie key changed", detail: `${input.mollieApiKey.slice(0, 5)}…` });
}

/** Stores the merchant's wording of one e-mail; `reset` goes back to Facto's built-in text. */
export async function saveEmailTemplate(db: Db, shopId: string, input: EmailTemplateInput | { kind: EmailTemplateInput["kind"]; language: EmailTemplateInput["language"]; reset: true }): Promise<void> {
  if ("reset" in input) {
    await db.emailTemplate.deleteMany({ where: { shopId, kind: input.kind, language: input.language } });
    return;
  }
  await db.emailTemplate.upsert({
    where: { shopId_kind_language: { shopId, kind: input.kind, language: input.language } },
    create: { shopId, kind: input.kind, language: input.language, subject: input.subject, body: input.body },
    update: { subject: input.subject, body: input.body },
  });
}

/** Saves the direct-debit (Twikey) settings; keys are encrypted, an empty key field keeps the stored one. */
export async function updateDirectDebitSettings(db: Db, shopId: string, input: DirectDebitSettingsInput): Promise<void> {
  if (input.removeTwikey) {
    await db.shop.update({ where: { id: shopId }, data: { twikeyApiKey: null, twikeyWebsiteKey: null } });
    await recordAudit(db, { shopId, action: "Twikey keys removed" });
    return;
  }
  await db.shop.update({
    where: { id: shopId },
    data: {
      ...(input.twikeyApiKey ? { twikeyApiKey: encryptSecret(input.twikeyApiKey) } : {}),
      ...(input.twikeyWebsiteKey ? { twikeyWebsiteKey: encryptSecret(input.twikeyWebsiteKey) } : {}),
      twikeyBaseUrl: input.twikeyBaseUrl,
      twikeyTemplateCore: input.twikeyTemplateCore,
      twikeyTemplateB2b: input.twikeyTemplateB2b,
      twikeyNotifyBeforeCollection: input.twikeyNotifyBeforeCollection,
      twikeyAutoCollect: input.twikeyAutoCollect,
      // A new key or base URL means another feed: start reading it from its beginning.
      ...(input.twikeyApiKey ? { twikeyMandateFeedPosition: null, twikeyTransactionFeedPosition: null } : {}),
    },
  });
  if (input.twikeyApiKey || input.twikeyWebsiteKey) await recordAudit(db, { shopId, action: "Twikey keys changed", detail: [input.twikeyApiKey ? "API key" : null, input.twikeyWebsiteKey ? "website key" : null].filter(Boolean).join(", ") + ` (${input.twikeyBaseUrl ?? "production"})` });
}
