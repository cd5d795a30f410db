import { dec, formatAmount, sum } from "~/domain/money/money";

type Amount = { toFixed(dp: number): string };

/** A PAID payment line as the settlement counts it. */
export interface PaidLine {
  amount: Amount;
  amountRefunded: Amount;
  amountChargedBack: Amount;
  paidAt: Date | null;
  method: string | null;
}

/** What an invoice's payment lines make of it: the fields written on the invoice. */
export interface SettledInvoice<S extends string> {
  status: S;
  paidAmount: string;
  /** What the customer still owes: total − credit notes − payments (never below zero). */
  outstanding: string;
  paidAt: Date | null;
  paymentMethod: string | null;
}

/**
 * An invoice's payment state from its PAID payment lines (in paidAt order) and its credit notes:
 * paid amount = Σ (amount − refunded − charged back); PAID when that covers the total minus its
 * credit notes. Pure: settleInvoicePayments applies it under the invoice's row lock, and an invoice
 * issued already paid in its store's checkout is inserted with it (decision 030).
 */
export function settlePayments<S extends string>(
  invoice: { status: S; kind: string; taxInclusiveTotal: Amount },
  payments: readonly PaidLine[],
  creditNotes: readonly { taxInclusiveTotal: Amount }[],
): SettledInvoice<S | "ISSUED" | "PAID"> {
  const paid = sum(payments.map(netOf));
  const credited = sum(creditNotes.map((c) => c.taxInclusiveTotal.toFixed(2)));
  const payable = dec(invoice.taxInclusiveTotal.toFixed(2)).minus(credited);
  const outstanding = payable.minus(paid);
  const fullyPaid = payable.greaterThan(0) && !outstanding.greaterThan(0);
  let status: S | "ISSUED" | "PAID" = invoice.status;
  if (invoice.kind === "INVOICE" && (invoice.status === "ISSUED" || invoice.status === "PAID")) status = fullyPaid ? "PAID" : "ISSUED";
  const last = payments.filter((p) => netOf(p).greaterThan(0)).at(-1);
  return {
    status,
    paidAmount: formatAmount(paid),
    outstanding: formatAmount(outstanding.greaterThan(0) ? outstanding : 0),
    paidAt: status === "PAID" ? (last?.paidAt ?? null) : null,
    paymentMethod: status === "PAID" ? (last?.method ?? null) : null,
  };
}

/**
 * What a PAID line still brings in: its amount less refunds and chargebacks, never below zero (Mollie
 * may refund more than was paid, e.g. return shipping: that is not a debt of the customer).
 */
export function netOf(p: { amount: Amount; amountRefunded: Amount; amountChargedBack: Amount }) {
  const net = dec(p.amount.toFixed(2)).minus(p.amountRefunded.toFixed(2)).minus(p.amountChargedBack.toFixed(2));
  return net.greaterThan(0) ? net : dec(0);
}
