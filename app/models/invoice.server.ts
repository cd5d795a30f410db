import { publicTokenHash } from "~/services/pay-token.server";
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
    where: { format, invoice: { publicTokenHash: publicTokenHash(token) } },
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

export interface InvoiceSearch {
  /** An invoice number, an order name (#1042) or part of the customer's name. */
  q?: string | null;
  status?: "ISSUED" | "PAID" | "CREDITED" | "CANCELLED" | "OVERDUE" | null;
  kind?: "INVOICE" | "CREDIT_NOTE" | null;
  channel?: "SHOPIFY" | "WOOCOMMERCE" | null;
  /** NOT_DELIVERED: a PEPPOL delivery that is queued, still sending, failed or rejected. */
  peppol?: "NOT_DELIVERED" | null;
  from?: string | null;
  to?: string | null;
  cursor?: string | null;
  take?: number;
}

/**
 * The invoice list, newest first, with keyset pagination (the cursor is the last row's id): every
 * page is an index scan on (shop, createdAt, id) or (shop, status, createdAt), however many invoices
 * the shop has.
 */
export async function searchInvoices(db: Db, shopId: string, search: InvoiceSearch) {
  const take = Math.min(Math.max(search.take ?? 50, 1), 200);
  const q = search.q?.trim() ?? "";
  const after = search.cursor && /^[0-9a-f-]{36}$/i.test(search.cursor) ? await db.invoice.findFirst({ where: { id: search.cursor, shopId }, select: { id: true, createdAt: true } }) : null;
  const today = new Date(new Date().toISOString().slice(0, 10));
  const rows = await db.invoice.findMany({
    where: {
      shopId,
      ...(search.status === "OVERDUE" ? { status: "ISSUED", dueDate: { lt: today } } : search.status ? { status: search.status } : {}),
      ...(search.kind ? { kind: search.kind } : {}),
      ...(search.channel ? { channel: search.channel } : {}),
      ...(search.peppol === "NOT_DELIVERED" ? { peppolDelivery: { state: { in: ["QUEUED", "SENDING", "FAILED", "REJECTED"] as ("QUEUED" | "SENDING" | "FAILED" | "REJECTED")[] } } } : {}),
      ...(search.from || search.to ? { issueDate: { ...(search.from ? { gte: new Date(search.from) } : {}), ...(search.to ? { lte: new Date(search.to) } : {}) } } : {}),
      AND: [
        ...(q
          ? [
              {
                OR: [
                  { formattedNumber: { equals: q, mode: "insensitive" as const } },
                  { channelOrderName: { equals: q.startsWith("#") ? q : `#${q}` } },
                  { customer: { name: { contains: q, mode: "insensitive" as const } } },
                  { customer: { companyName: { contains: q, mode: "insensitive" as const } } },
                ],
              },
            ]
          : []),
        ...(after ? [{ OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] : []),
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
    select: {
      id: true,
      formattedNumber: true,
      kind: true,
      channel: true,
      channelOrderName: true,
      issueDate: true,
      dueDate: true,
      currency: true,
      taxInclusiveTotal: true,
      paidAmount: true,
      amountDue: true,
      status: true,
      buyer: true,
      documents: { select: { format: true } },
      peppolDelivery: { select: { state: true } },
    },
  });
  return { invoices: rows.slice(0, take), nextCursor: rows.length > take ? (rows[take - 1]?.id ?? null) : null };
}
