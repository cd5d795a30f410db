import { dec } from "~/domain/money/money";
import { isValidRfCreditorReference, rfCreditorReference } from "~/domain/payment-reference/rf-creditor-reference";
import { isValidStructuredCommunication } from "~/domain/payment-reference/structured-communication";
import type { BankStatementTransaction } from "./bank-transaction";

/**
 * Which open invoice a bank transaction pays (docs/decisions/020-bank-statements.md). Pure: the caller gives the shop's
 * open invoices once (`indexOpenInvoices`), then asks per transaction.
 *
 * - A credit whose structured reference (OGM, or an RF reference built from the OGM digits or from the invoice number)
 *   belongs to an open invoice in the same currency pays it: EXACT when the amount equals what is due, PARTIAL when
 *   less, OVERPAYMENT when more. A valid OGM or RF typed in the free text counts as the structured reference
 *   (its mod-97 check makes a chance hit negligible).
 * - A credit whose free text names exactly one open invoice's number, or one order (#1007, "order 1007",
 *   "bestelling 1007"), is PROPOSEd to the merchant, never booked by itself.
 * - Debits (refunds, returns, costs) and everything else stay UNMATCHED with the reason, for the merchant to assign.
 */
export interface OpenInvoice {
  id: string;
  formattedNumber: string;
  /** The channel's order name, e.g. "#1007" (Shopify) or "1007" (WooCommerce). */
  orderName: string | null;
  /** +++ddd/dddd/ddddd+++ */
  paymentReference: string | null;
  currency: string;
  /** What is still due, two decimals. */
  amountDue: string;
}

export type MatchResult =
  | { kind: "PAY"; invoiceId: string; via: "OGM" | "RF"; outcome: "EXACT" | "PARTIAL" | "OVERPAYMENT" }
  | { kind: "PROPOSE"; invoiceId: string; via: "INVOICE_NUMBER" | "ORDER_NUMBER" }
  | { kind: "UNMATCHED"; reason: UnmatchedReason };

/** BOOKED_FROM_OTHER_FILE is decided by the import service (it needs the stored transactions). */
export type UnmatchedReason = "DEBIT" | "NO_REFERENCE" | "UNKNOWN_REFERENCE" | "INVALID_CHECK_DIGITS" | "CURRENCY" | "AMBIGUOUS" | "BOOKED_FROM_OTHER_FILE";

export interface InvoiceIndex {
  byOgm: Map<string, OpenInvoice>;
  byRf: Map<string, OpenInvoice>;
  byNumber: Map<string, OpenInvoice>;
  byOrder: Map<string, OpenInvoice[]>;
}

const ORDER_WORDS = new Set(["order", "bestelling", "commande", "bestellung", "ordre", "bestelnummer", "ordernummer", "bestelnr", "ordernr"]);
const FILLER = new Set(["nr", "nr.", "no", "no.", "n°", "nummer", "number", "numéro", "num", ":"]);

const digitsOf = (ogm: string) => ogm.replace(/\D/g, "");
const alnum = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, "");
const token = (s: string) => s.toLowerCase().replace(/^[("'.,;:!?]+|[)"'.,;:!?]+$/g, "");

export function indexOpenInvoices(invoices: readonly OpenInvoice[]): InvoiceIndex {
  const index: InvoiceIndex = { byOgm: new Map(), byRf: new Map(), byNumber: new Map(), byOrder: new Map() };
  for (const inv of invoices) {
    if (inv.paymentReference && isValidStructuredCommunication(inv.paymentReference)) {
      const d = digitsOf(inv.paymentReference);
      index.byOgm.set(d, inv);
      index.byRf.set(rfCreditorReference(d), inv);
    }
    const num = alnum(inv.formattedNumber);
    if (num.length >= 1 && num.length <= 21) index.byRf.set(rfCreditorReference(num), inv);
    index.byNumber.set(inv.formattedNumber.toLowerCase(), inv);
    if (inv.orderName) {
      const key = inv.orderName.replace(/^#/, "").toLowerCase();
      index.byOrder.set(key, [...(index.byOrder.get(key) ?? []), inv]);
    }
  }
  return index;
}

const OGM_IN_TEXT = /(?<![\dA-Za-z])(?:\+{3}|\*{3})?\s*(\d{3})\s*\/?\s*(\d{4})\s*\/?\s*(\d{5})\s*(?:\+{3}|\*{3})?(?![\dA-Za-z])/g;
const RF_IN_TEXT = /\bRF\s?\d{2}(?:\s?[A-Z0-9]){1,21}\b/gi;

/** Valid structured references written in free text (OGM with its separators or bare, RF). */
export function referencesInText(text: string): Array<{ kind: "OGM" | "RF"; key: string }> {
  const found: Array<{ kind: "OGM" | "RF"; key: string }> = [];
  for (const m of text.matchAll(OGM_IN_TEXT)) {
    const d = `${m[1]}${m[2]}${m[3]}`;
    if (isValidStructuredCommunication(d)) found.push({ kind: "OGM", key: d });
  }
  for (const m of text.matchAll(RF_IN_TEXT)) {
    const rf = m[0].replace(/\s/g, "").toUpperCase();
    if (isValidRfCreditorReference(rf)) found.push({ kind: "RF", key: rf });
  }
  return found;
}

function outcomeOf(amount: string, due: string): "EXACT" | "PARTIAL" | "OVERPAYMENT" {
  const c = dec(amount).comparedTo(dec(due));
  return c === 0 ? "EXACT" : c < 0 ? "PARTIAL" : "OVERPAYMENT";
}

export function matchTransaction(tx: BankStatementTransaction, index: InvoiceIndex): MatchResult {
  if (tx.direction === "DEBIT" || !dec(tx.amount).greaterThan(0)) return { kind: "UNMATCHED", reason: "DEBIT" };

  const refs: Array<{ kind: "OGM" | "RF"; key: string }> = [];
  let invalidStructured = false;
  if (tx.structuredReference) {
    if (tx.structuredReference.valid) refs.push({ kind: tx.structuredReference.kind, key: tx.structuredReference.kind === "OGM" ? digitsOf(tx.structuredReference.value) : tx.structuredReference.value.toUpperCase() });
    else invalidStructured = true;
  }
  refs.push(...referencesInText(tx.communication));

  let unknownReference = false;
  for (const ref of refs) {
    const invoice = ref.kind === "OGM" ? index.byOgm.get(ref.key) : index.byRf.get(ref.key);
    if (!invoice) {
      unknownReference = true;
      continue;
    }
    if (invoice.currency !== tx.currency) return { kind: "UNMATCHED", reason: "CURRENCY" };
    return { kind: "PAY", invoiceId: invoice.id, via: ref.kind, outcome: outcomeOf(tx.amount, invoice.amountDue) };
  }

  const proposal = proposalFromText(tx.communication, index);
  if (proposal === "AMBIGUOUS") return { kind: "UNMATCHED", reason: "AMBIGUOUS" };
  if (proposal) {
    if (proposal.invoice.currency !== tx.currency) return { kind: "UNMATCHED", reason: "CURRENCY" };
    return { kind: "PROPOSE", invoiceId: proposal.invoice.id, via: proposal.via };
  }
  if (invalidStructured) return { kind: "UNMATCHED", reason: "INVALID_CHECK_DIGITS" };
  return { kind: "UNMATCHED", reason: unknownReference ? "UNKNOWN_REFERENCE" : "NO_REFERENCE" };
}

function proposalFromText(text: string, index: InvoiceIndex): { invoice: OpenInvoice; via: "INVOICE_NUMBER" | "ORDER_NUMBER" } | "AMBIGUOUS" | null {
  if (!text) return null;
  const tokens = text.split(/\s+/).map(token).filter(Boolean);
  const byInvoice = new Map<string, OpenInvoice>();
  const byOrder = new Map<string, OpenInvoice>();
  tokens.forEach((t, i) => {
    const inv = index.byNumber.get(t);
    if (inv) byInvoice.set(inv.id, inv);
    let orderKey: string | null = null;
    if (t.startsWith("#") && t.length > 1) orderKey = t.slice(1);
    else {
      const prev = tokens[i - 1];
      const prev2 = tokens[i - 2];
      if ((prev && ORDER_WORDS.has(prev)) || (prev && FILLER.has(prev) && prev2 && ORDER_WORDS.has(prev2))) orderKey = t.replace(/^#/, "");
    }
    if (orderKey) for (const o of index.byOrder.get(orderKey) ?? []) byOrder.set(o.id, o);
  });
  if (byInvoice.size > 1) return "AMBIGUOUS";
  if (byInvoice.size === 1) return { invoice: [...byInvoice.values()][0]!, via: "INVOICE_NUMBER" };
  if (byOrder.size > 1) return "AMBIGUOUS";
  if (byOrder.size === 1) return { invoice: [...byOrder.values()][0]!, via: "ORDER_NUMBER" };
  return null;
}
