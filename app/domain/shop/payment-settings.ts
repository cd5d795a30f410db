import { z } from "zod";
import { PLACEHOLDERS, unknownPlaceholders } from "../email/email-templates";

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

/**
 * The merchant's payment and e-mail settings as posted by the Payments page. The Mollie key field
 * is write-only: empty keeps the stored key, "remove" (the checkbox) deletes it.
 */
export const PaymentSettingsInput = z.object({
  mollieApiKey: z
    .string()
    .trim()
    .refine((v) => v === "" || /^(test|live)_[A-Za-z0-9]{30,}$/.test(v), "A Mollie API key starts with test_ or live_ followed by at least 30 letters and digits"),
  removeMollieKey: checkbox,
  payOnlineMaxAmount: z
    .string()
    .trim()
    .refine((v) => v === "" || /^\d{1,9}(\.\d{1,2})?$/.test(v.replace(",", ".")), "Enter an amount like 500 or 499.99, or leave empty for no maximum")
    .transform((v) => (v === "" ? null : Number(v.replace(",", ".")).toFixed(2))),
  afterPaymentMessage: z
    .string()
    .trim()
    .max(500, "At most 500 characters")
    .transform((v) => (v === "" ? null : v)),
  afterPaymentUrl: z
    .string()
    .trim()
    .refine((v) => v === "" || /^https:\/\/[^\s]+$/.test(v), "Enter an https:// address, or leave empty")
    .transform((v) => (v === "" ? null : v)),
  invoiceSender: z.enum(["FACTO", "PLATFORM", "NONE"], "Choose who sends the invoices"),
  thankYouEmail: checkbox,
  remindersEnabled: checkbox,
  reminderDays: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return [] as number[];
      const days = v.split(/[\s,;]+/).filter(Boolean).map(Number);
      if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
        ctx.addIssue({ code: "custom", message: "Enter days after the due date as whole numbers from 1 to 365, e.g. 7, 14, 30" });
        return z.NEVER;
      }
      if (days.length > 6) {
        ctx.addIssue({ code: "custom", message: "At most 6 reminders" });
        return z.NEVER;
      }
      return [...new Set(days)].sort((a, b) => a - b);
    }),
});
export type PaymentSettingsInput = z.infer<typeof PaymentSettingsInput>;

/** A merchant's own e-mail wording for one kind and language. */
export const EmailTemplateInput = z
  .object({
    kind: z.enum(["INVOICE", "CREDIT_NOTE", "REMINDER", "THANK_YOU", "COLLECTION_NOTICE"]),
    language: z.enum(["nl", "fr", "en", "de"]),
    subject: z.string().trim().min(1, "Enter a subject").max(200, "At most 200 characters"),
    body: z.string().trim().min(1, "Enter the text of the e-mail").max(5000, "At most 5000 characters"),
  })
  .superRefine((t, ctx) => {
    for (const field of ["subject", "body"] as const) {
      const unknown = unknownPlaceholders(t[field]);
      if (unknown.length) {
        ctx.addIssue({ code: "custom", path: [field], message: `Unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(", ")}; use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}` });
      }
    }
  });
export type EmailTemplateInput = z.infer<typeof EmailTemplateInput>;
