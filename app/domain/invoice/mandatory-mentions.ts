import { creditNoteMention } from "../vat/legal-mentions";
import type { InvoiceDraft, Language } from "./types";

const CREDITS: Record<Language, (n: string, d: string) => string> = {
  nl: (n, d) => `Creditnota bij factuur ${n} van ${d}.`,
  fr: (n, d) => `Note de crédit relative à la facture ${n} du ${d}.`,
  en: (n, d) => `Credit note for invoice ${n} of ${d}.`,
  de: (n, d) => `Gutschrift zur Rechnung ${n} vom ${d}.`,
};

/**
 * The legal texts a document must print besides its figures: the exemption / reverse-charge
 * mention of each exempt VAT group, and for a credit note the reference to the invoice it corrects
 * and the Belgian mention on deducted VAT. Every renderer (PDF, UBL note) prints exactly these.
 */
export function mandatoryMentions(doc: Pick<InvoiceDraft, "kind" | "language" | "vatSubtotals" | "billingReference">): string[] {
  const mentions = [...new Set(doc.vatSubtotals.map((s) => s.exemptionReason).filter((m): m is string => !!m))];
  if (doc.kind === "CREDIT_NOTE") {
    if (doc.billingReference) mentions.unshift(CREDITS[doc.language](doc.billingReference.formattedNumber, doc.billingReference.issueDate));
    mentions.push(creditNoteMention(doc.language));
  }
  return mentions;
}
