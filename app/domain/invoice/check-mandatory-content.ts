import type { InvoiceDraft } from "./types";

/**
 * What Belgian invoice law (Royal Decree no. 1 art. 5; Directive 2006/112/EC art. 226) requires on
 * an invoice, checked on the draft before it is numbered, so no renderer can print an invoice that
 * lacks a mandatory element. Returns the missing elements; an empty list means complete.
 */
export function missingMandatoryContent(doc: InvoiceDraft): string[] {
  const missing: string[] = [];
  const need = (ok: unknown, what: string) => {
    if (!ok) missing.push(what);
  };
  const s = doc.seller;
  need(s.companyName || s.name, "seller name");
  need(s.street && s.postalCode && s.city && s.countryCode, "seller address");
  need(s.vatNumber, "seller VAT number");
  need(doc.buyer.name, "buyer name");
  need(doc.buyer.countryCode, "buyer country");
  const crossBorderBusiness = doc.vatSubtotals.some((v) => v.vatCategory === "K" || v.vatCategory === "AE");
  if (crossBorderBusiness) {
    need(doc.buyer.vatNumber, "buyer VAT number (intra-Community supply / reverse charge)");
    need(doc.buyer.street && doc.buyer.city, "buyer address (intra-Community supply / reverse charge)");
  }
  need(/^\d{4}-\d{2}-\d{2}$/.test(doc.issueDate), "issue date");
  need(doc.supplyDate, "date of supply");
  need(doc.lines.length > 0, "at least one line");
  doc.lines.forEach((l, i) => {
    need(l.description.trim(), `description of line ${i + 1}`);
    need(l.quantity !== "", `quantity of line ${i + 1}`);
    need(l.unitPriceNet !== "", `unit price excl. VAT of line ${i + 1}`);
    need(l.vatRate !== "" && l.vatCategory, `VAT rate of line ${i + 1}`);
  });
  need(doc.vatSubtotals.length > 0, "VAT breakdown");
  for (const v of doc.vatSubtotals) {
    if (v.vatCategory !== "S" && v.vatCategory !== "Z") need(v.exemptionReason, `legal mention for VAT category ${v.vatCategory}`);
  }
  need(doc.totals.vatTotal !== "", "total VAT");
  if (doc.kind === "CREDIT_NOTE") need(doc.billingReference, "reference to the credited invoice");
  return missing;
}
