import { prisma } from "~/db.server";
import { defaultTemplate } from "~/domain/email/email-templates";
import { fieldErrors } from "~/domain/shop/shop-settings";
import { EmailTemplateInput, PaymentSettingsInput } from "~/domain/shop/payment-settings";
import type { Shop } from "~/generated/prisma/client";
import { saveEmailTemplate, updatePaymentSettings } from "~/services/update-payment-settings.server";
import { EMAIL_KINDS, EMAIL_LANGUAGES } from "./payment-options";

// Payments & e-mails (Shopify admin /app/payments, WooCommerce admin /woo/stores/:id/payments): online
// payment (Mollie), the page after payment, who e-mails invoices, reminders and the wording of every
// customer e-mail per language.
export async function paymentsLoader(shop: Shop, base: string) {
  const templates = await prisma.emailTemplate.findMany({ where: { shopId: shop.id }, select: { kind: true, language: true, subject: true, body: true } });
  const effective = Object.fromEntries(
    EMAIL_KINDS.flatMap((k) =>
      EMAIL_LANGUAGES.map((l) => {
        const own = templates.find((t) => t.kind === k.value && t.language === l.value);
        return [`${k.value}:${l.value}`, { ...(own ?? defaultTemplate(k.value, l.value)), custom: Boolean(own) }];
      }),
    ),
  );
  return {
    settings: {
      hasMollieKey: Boolean(shop.mollieApiKey),
      payOnlineMaxAmount: shop.payOnlineMaxAmount?.toFixed(2) ?? "",
      afterPaymentMessage: shop.afterPaymentMessage ?? "",
      afterPaymentUrl: shop.afterPaymentUrl ?? "",
      invoiceSender: shop.invoiceSender,
      thankYouEmail: shop.thankYouEmail,
      remindersEnabled: shop.remindersEnabled,
      reminderDays: shop.reminderDays.join(", "),
    },
    templates: effective,
    base,
  };
}

export async function paymentsAction(shop: Shop, form: FormData) {
  const get = (k: string) => String(form.get(k) ?? "");
  if (get("intent") === "template" || get("intent") === "reset-template") {
    if (get("intent") === "reset-template") {
      const key = EmailTemplateInput.safeParse({ kind: get("kind"), language: get("language"), subject: "x", body: "x" });
      if (!key.success) return { ok: false as const, section: "template", errors: fieldErrors(key.error) };
      await saveEmailTemplate(prisma, shop.id, { kind: key.data.kind, language: key.data.language, reset: true });
      return { ok: true as const, section: "template", errors: {} as Record<string, string> };
    }
    const parsed = EmailTemplateInput.safeParse({ kind: get("kind"), language: get("language"), subject: get("subject"), body: get("body") });
    if (!parsed.success) return { ok: false as const, section: "template", errors: fieldErrors(parsed.error) };
    await saveEmailTemplate(prisma, shop.id, parsed.data);
    return { ok: true as const, section: "template", errors: {} as Record<string, string> };
  }
  const parsed = PaymentSettingsInput.safeParse(Object.fromEntries(["mollieApiKey", "removeMollieKey", "payOnlineMaxAmount", "afterPaymentMessage", "afterPaymentUrl", "invoiceSender", "thankYouEmail", "remindersEnabled", "reminderDays"].map((k) => [k, get(k)])));
  if (!parsed.success) return { ok: false as const, section: "settings", errors: fieldErrors(parsed.error) };
  await updatePaymentSettings(prisma, shop.id, parsed.data);
  return { ok: true as const, section: "settings", errors: {} as Record<string, string> };
}

