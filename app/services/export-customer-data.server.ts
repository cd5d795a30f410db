import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";

/**
 * Everything Facto holds about a shop's customer, for a data request: the customer records (by the
 * channel's customer id or e-mail) and the invoices and credit notes issued to them, with the buyer
 * data printed on each. Stored as a DataRequest the merchant downloads from the app.
 */
export async function exportCustomerData(db: Db, shopId: string, who: { externalId: string | null; email: string | null }, now: Date) {
  const customers = await db.customer.findMany({
    where: { shopId, OR: [...(who.externalId ? [{ externalId: who.externalId }] : []), ...(who.email ? [{ email: { equals: who.email, mode: "insensitive" as const } }] : [])] },
    include: {
      invoices: {
        orderBy: [{ issueDate: "asc" }, { createdAt: "asc" }, { number: "asc" }],
        select: { formattedNumber: true, kind: true, issueDate: true, channelOrderName: true, currency: true, taxInclusiveTotal: true, status: true, buyer: true },
      },
    },
  });
  const data = {
    generatedAt: now.toISOString(),
    request: who,
    customers: customers.map(({ invoices, shopId: _s, id: _id, ...c }) => ({
      ...c,
      invoices: invoices.map((i) => ({ ...i, issueDate: i.issueDate.toISOString().slice(0, 10), taxInclusiveTotal: i.taxInclusiveTotal.toFixed(2) })),
    })),
    retention: "Issued invoices and credit notes are kept for 10 years (Belgian VAT Code art. 60); other personal data is deleted on request.",
  };
  return db.dataRequest.create({
    data: { shopId, customerExternalId: who.externalId, email: who.email, export: JSON.parse(JSON.stringify(data)) as Prisma.InputJsonObject },
    select: { id: true },
  });
}
