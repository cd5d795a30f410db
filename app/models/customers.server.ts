import type { Db } from "~/db.server";

/** The shop's customers with their latest mandate, direct-debit customers first (the customer list). */
export async function customersWithMandates(db: Db, shopId: string) {
  const customers = await db.customer.findMany({
    where: { shopId },
    orderBy: [{ paymentMethod: { sort: "asc", nulls: "last" } }, { name: "asc" }],
    take: 200,
    select: { id: true, name: true, email: true, companyName: true, paymentMethod: true, mandates: { orderBy: { createdAt: "desc" }, take: 1, select: { mndtId: true, status: true, iban: true, signedAt: true } } },
  });
  return customers.map((c) => ({
    id: c.id,
    name: c.companyName || c.name,
    email: c.email,
    mandate: c.mandates[0] ? { id: c.mandates[0].mndtId, status: c.mandates[0].status, iban: c.mandates[0].iban, signedAt: c.mandates[0].signedAt?.toISOString().slice(0, 10) ?? null } : null,
    directDebit: c.paymentMethod === "DIRECT_DEBIT",
  }));
}

/** Open EUR invoices of customers with a signed mandate and no live collection: what a SEPA file can collect. */
export async function collectableInvoices(db: Db, shopId: string) {
  const invoices = await db.invoice.findMany({
    where: { shopId, kind: "INVOICE", status: "ISSUED", currency: "EUR", amountDue: { gt: 0 }, customer: { mandates: { some: { status: "SIGNED" } } }, payments: { none: { collectionFor: { not: null } } } },
    orderBy: { createdAt: "asc" },
    take: 500,
    select: { id: true, formattedNumber: true, amountDue: true, buyer: true },
  });
  return invoices.map((i) => ({ id: i.id, number: i.formattedNumber, amount: `EUR ${i.amountDue.toFixed(2)}`, buyer: (i.buyer as { name?: string }).name ?? "" }));
}
