import type { EmailKind } from "~/domain/email/email-templates";
import type { Language } from "~/domain/invoice/types";

/** The customer e-mails and languages whose texts the merchant can reword. */
export const EMAIL_KINDS: { value: EmailKind; label: string }[] = [
  { value: "INVOICE", label: "Invoice" },
  { value: "CREDIT_NOTE", label: "Credit note" },
  { value: "REMINDER", label: "Payment reminder" },
  { value: "THANK_YOU", label: "Thank you for your payment" },
  { value: "COLLECTION_NOTICE", label: "Direct-debit notice (before a collection)" },
];
export const EMAIL_LANGUAGES: { value: Language; label: string }[] = [
  { value: "nl", label: "Nederlands" },
  { value: "fr", label: "Français" },
  { value: "en", label: "English" },
  { value: "de", label: "Deutsch" },
];

