import type { Db } from "~/db.server";

export async function findShopByDomain(db: Db, platform: "SHOPIFY" | "WOOCOMMERCE", domain: string) {
  return db.shop.findUnique({ where: { platform_domain: { platform, domain } } });
}

/** A page of a shop's invoices, newest first (keyset on number within the shop's series). */
export async function listInvoices(db: Db, shopId: string, options: { take?: number; cursor?: string } = {}) {
  const take = Math.min(Math.max(options.take ?? 50, 1), 200);
  const rows = await db.invoice.findMany({
    where: { shopId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      formattedNumber: true,
      kind: true,
      channelOrderName: true,
      issueDate: true,
      currency: true,
      taxInclusiveTotal: true,
      paidAmount: true,
      status: true,
      buyer: true,
      documents: { select: { format: true } },
    },
  });
  return { invoices: rows.slice(0, take), nextCursor: rows.length > take ? rows[take - 1]?.id ?? null : null };
}

/** A document of one of the shop's invoices (the shop filter keeps shops apart). */
export async function findInvoiceDocument(db: Db, shopId: string, invoiceId: string, format: "PDF" | "UBL") {
  return db.document.findFirst({
    where: { shopId, invoiceId, format },
    select: { content: true, contentType: true, sha256: true, invoice: { select: { formattedNumber: true } } },
  });
}

/** A document of the invoice behind a payment-page token (the token is the only key the shopper has). */
export async function documentByPublicToken(db: Db, token: string, format: "PDF" | "UBL") {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return db.document.findFirst({
    where: { format, invoice: { publicToken: token } },
    select: { content: true, sha256: true, invoice: { select: { formattedNumber: true } } },
  });
}

/** One of the shop's invoices with everything its page shows: payments, e-mails, history. */
export async function invoiceWithHistory(db: Db, shopId: string, invoiceId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(invoiceId)) return null;
  return db.invoice.findFirst({
    where: { id: invoiceId, shopId },
    include: {
      payments: { orderBy: { createdAt: "asc" } },
      emails: { orderBy: { createdAt: "asc" } },
      events: { orderBy: { createdAt: "asc" } },
      documents: { select: { format: true, byteSize: true, sha256: true } },
      original: { select: { id: true, formattedNumber: true } },
      creditNotes: { select: { id: true, formattedNumber: true, taxInclusiveTotal: true } },
    },
  });
}
