import type { Db } from "~/db.server";

/** The figures on top of the merchant's invoice list, and whether the shop is set up. */
export async function dashboard(db: Db, shopId: string, now = new Date()) {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const today = new Date(now.toISOString().slice(0, 10));
  const [issued, unpaid, overdue, collected, lastWebhook, failedEvents, failedEmails, shop, series] = await Promise.all([
    db.invoice.aggregate({ where: { shopId, kind: "INVOICE", issueDate: { gte: monthStart } }, _count: true, _sum: { taxInclusiveTotal: true } }),
    db.invoice.aggregate({ where: { shopId, kind: "INVOICE", status: "ISSUED", amountDue: { gt: 0 } }, _count: true, _sum: { amountDue: true } }),
    db.invoice.aggregate({ where: { shopId, kind: "INVOICE", status: "ISSUED", amountDue: { gt: 0 }, dueDate: { lt: today } }, _count: true, _sum: { amountDue: true } }),
    db.payment.aggregate({ where: { shopId, provider: "DIRECT_DEBIT", status: "PAID", paidAt: { gte: monthStart } }, _count: true, _sum: { amount: true } }),
    db.webhookEvent.findFirst({ where: { shopId }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true, topic: true } }),
    db.webhookEvent.count({ where: { shopId, status: "FAILED" } }),
    db.emailMessage.count({ where: { shopId, status: "FAILED" } }),
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { legalName: true, vatNumber: true, iban: true, street: true, city: true, logoContentType: true, mollieApiKey: true, twikeyApiKey: true, invoiceSender: true } }),
    db.invoiceSeries.findFirst({ where: { shopId, kind: "INVOICE" }, select: { id: true } }),
  ]);
  // Issued per day over the last 14 days, for the small chart.
  const since = new Date(today.getTime() - 13 * 86_400_000);
  const perDay = await db.$queryRaw<{ day: Date; count: bigint }[]>`
    SELECT "issueDate" AS "day", count(*) AS "count" FROM "Invoice"
    WHERE "shopId" = ${shopId}::uuid AND "kind" = 'INVOICE' AND "issueDate" >= ${since}::date
    GROUP BY "issueDate" ORDER BY "issueDate"`;
  const days = Array.from({ length: 14 }, (_, i) => {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { day, count: Number(perDay.find((r) => r.day.toISOString().slice(0, 10) === day)?.count ?? 0) };
  });
  const money = (v: { toFixed(n: number): string } | null) => (v ? v.toFixed(2) : "0.00");
  return {
    figures: {
      issuedThisMonth: { count: issued._count, total: money(issued._sum.taxInclusiveTotal) },
      unpaid: { count: unpaid._count, total: money(unpaid._sum.amountDue) },
      overdue: { count: overdue._count, total: money(overdue._sum.amountDue) },
      collectedByDirectDebit: { count: collected._count, total: money(collected._sum.amount) },
    },
    perDay: days,
    health: { lastWebhookAt: lastWebhook?.receivedAt.toISOString() ?? null, lastWebhookTopic: lastWebhook?.topic ?? null, failedEvents, failedEmails },
    checklist: [
      { key: "company", label: "Company details (legal name, address, VAT number, IBAN)", done: Boolean(shop.legalName && shop.vatNumber && shop.iban && shop.street && shop.city), url: "/app/settings" },
      { key: "branding", label: "Logo and colour on your invoices", done: Boolean(shop.logoContentType), url: "/app/settings" },
      { key: "numbering", label: "Invoice numbering (prefix, next number)", done: Boolean(series), url: "/app/settings" },
      { key: "payments", label: "Online payment (Mollie) or direct debit (Twikey)", done: Boolean(shop.mollieApiKey || shop.twikeyApiKey), url: "/app/payments" },
      // There is always an answer (Facto by default): the item says which, and where to change it.
      { key: "email", label: `Invoices are e-mailed by ${shop.invoiceSender === "FACTO" ? "Facto" : shop.invoiceSender === "PLATFORM" ? "your shop platform" : "nobody (you send them)"}`, done: true, url: "/app/payments" },
    ],
  };
}

/** "Retry" on the dashboard: the shop's failed webhook events go back to the queue (after a fix). */
export async function retryFailedEvents(db: Db, shopId: string, enqueue: (eventId: string) => Promise<void>): Promise<number> {
  const failed = await db.webhookEvent.findMany({ where: { shopId, status: "FAILED" }, select: { id: true }, take: 1000 });
  await db.webhookEvent.updateMany({ where: { id: { in: failed.map((e) => e.id) } }, data: { status: "RECEIVED", processedAt: null } });
  for (const e of failed) await enqueue(e.id);
  return failed.length;
}
