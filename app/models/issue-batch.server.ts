import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { formatInvoiceNumber } from "~/domain/numbering/format-invoice-number";
import type { Prisma } from "~/generated/prisma/client";
import { ensureSeries, invoiceRow, NUMBERING_TRANSACTION, takeNextNumbers, type InsertIssuedDocument } from "./insert-issued-document.server";
import { paidAtIssue } from "./channel-payment.server";
import { issuedRowOfInsert, type IssuedInvoiceRow } from "./issued-invoice.server";

/**
 * Group commit for issuing (decision 028). Every invoice of a shop takes its number from one series
 * row, locked from the UPDATE that takes the number until COMMIT: issuing is serial per series by
 * design (gapless numbers). One invoice per transaction made that lock the pipeline's ceiling — the
 * lock was held across four or five round trips, each of them waiting for an event loop busy
 * rendering other jobs' PDFs (20 invoices/s measured on 2 cores, with the CPUs mostly idle).
 *
 * Here the invoices that are ready at the same moment in this process, for the same series and year,
 * share ONE transaction: the series row is advanced by N in one UPDATE, the N invoices, their lines,
 * VAT subtotals and events are inserted by one multi-row INSERT each, and they commit together — the
 * numbers are consecutive in arrival order, and a rollback gives all N back (no gap). No timer: a
 * batch is whatever arrived while the previous one of its series was in flight, so an idle system
 * issues one invoice at once, and a busy one amortises the lock over many.
 *
 * Exactly once: the caller has looked for the order's invoice first (as before), and two requests for
 * one order in the same batch become one invoice. An invoice of the same order inserted meanwhile (by
 * another process) fails the batch on the unique key (shop, channel, kind, source); the batch is then
 * retried one invoice per transaction, where the caller's usual "already issued" handling applies. Any other failure is retried the same way, so one bad invoice never fails its neighbours.
 */
export interface IssueRequest extends InsertIssuedDocument {
  /** An event recorded on the invoice in the same transaction (e.g. "issued as computed"). */
  event?: { type: string; message: string; data: Prisma.InputJsonObject } | null;
  /** Paid in full in the store's checkout: the payment is inserted with the invoice, which is issued PAID (`paidAtIssue`). */
  paidInStore?: { paidAt: Date; method: string } | null;
}

export interface IssuedRow {
  id: string;
  number: number;
  formattedNumber: string;
  /** false: the order was already invoiced (earlier, or by another request in the same batch). */
  created: boolean;
  /**
   * The row as this batch inserted it (with its lines and VAT subtotals), only when `created`: the
   * after-issue steps work from it instead of reading the invoice back (decision 030).
   */
  row?: IssuedInvoiceRow;
  /** The store's payment was inserted with it (`IssueRequest.paidInStore`): the invoice is issued paid. */
  paidAtIssue?: boolean;
}

interface Pending {
  request: IssueRequest;
  resolve: (row: IssuedRow) => void;
  reject: (error: unknown) => void;
}

interface SeriesQueue {
  waiting: Pending[];
  running: boolean;
}

/** At most this many invoices in one transaction (a bounded statement and lock time). */
export const MAX_ISSUE_BATCH = 64;

const queues = new WeakMap<Db, Map<string, SeriesQueue>>();
const knownSeries = new WeakMap<Db, Set<string>>();

/** Issues (numbers + inserts) one invoice or credit note, sharing the transaction with those ready at the same time. */
export function issueInBatch(db: Db, request: IssueRequest): Promise<IssuedRow> {
  const year = Number(request.draft.issueDate.slice(0, 4));
  const key = `${request.shopId}|${request.series}|${year}`;
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  let queue = byKey.get(key);
  if (!queue) byKey.set(key, (queue = { waiting: [], running: false }));
  const q = queue;
  const promise = new Promise<IssuedRow>((resolve, reject) => q.waiting.push({ request, resolve, reject }));
  if (!q.running) void drain(db, byKey, key, q);
  return promise;
}

async function drain(db: Db, byKey: Map<string, SeriesQueue>, key: string, queue: SeriesQueue) {
  queue.running = true;
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_ISSUE_BATCH);
      try {
        const rows = await insertBatch(db, batch.map((p) => p.request));
        batch.forEach((p, i) => p.resolve(rows[i]!));
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        // One per transaction: a duplicate raced in from another process, or one invoice is bad.
        for (const p of batch) {
          try {
            p.resolve((await insertBatch(db, [p.request]))[0]!);
          } catch (single) {
            p.reject(single);
          }
        }
      }
    }
  } finally {
    queue.running = false;
    if (queue.waiting.length === 0) byKey.delete(key);
    else void drain(db, byKey, key, queue);
  }
}

const sourceKey = (r: IssueRequest) => `${r.draft.channel}|${r.draft.kind}|${r.draft.sourceId}`;

/**
 * One transaction: numbers for the new ones, one INSERT per table. Exported for the tests; the
 * service calls issueInBatch.
 */
export async function insertBatch(db: Db, requests: IssueRequest[]): Promise<IssuedRow[]> {
  const first = requests[0]!;
  const { shopId } = first;
  const year = Number(first.draft.issueDate.slice(0, 4));
  // An order already invoiced was found by the caller before it asked (issueInvoice's findIssued); one
  // that raced in since fails the batch on the unique key, and the one-by-one retry sorts it out. Two
  // requests for one order in this batch: the first is numbered, the second gets its invoice.
  const known = new Map<string, IssuedRow>();
  const fresh: IssueRequest[] = [];
  for (const r of requests) {
    if (known.has(sourceKey(r))) continue;
    known.set(sourceKey(r), { id: "", number: 0, formattedNumber: "", created: false });
    fresh.push(r);
  }
  const created = new Map<IssueRequest, IssuedRow>();
  if (fresh.length > 0) {
    // Series are never deleted (only with their shop): once seen, not created again by this process.
    const seriesKey = `${shopId}|${first.series}`;
    let seen = knownSeries.get(db);
    if (!seen) knownSeries.set(db, (seen = new Set()));
    if (!seen.has(seriesKey)) {
      await ensureSeries(db, shopId, first.series);
      seen.add(seriesKey);
    }
    await db.$transaction(async (t) => {
      const tx = t as unknown as Db;
      // The series row is locked from here to COMMIT.
      const series = await takeNextNumbers(tx, shopId, first.series, year, fresh.length).catch((error: unknown) => {
        seen.delete(seriesKey);
        throw error;
      });
      const invoices: Prisma.InvoiceCreateManyInput[] = [];
      const lines: Prisma.InvoiceLineCreateManyInput[] = [];
      const subtotals: Prisma.InvoiceVatSubtotalCreateManyInput[] = [];
      const events: Prisma.InvoiceEventCreateManyInput[] = [];
      const payments: Prisma.PaymentCreateManyInput[] = [];
      const now = new Date();
      fresh.forEach((r, i) => {
        const number = series.number + i;
        const id = randomUUID();
        const formattedNumber = formatInvoiceNumber(series, number, year);
        // createdAt is set here, not by the column default: it is the PDF's date, and the documents are
        // rendered from this copy.
        const unpaid = { id, ...invoiceRow(r, { seriesId: series.id, number, numberYear: series.numberYear, formattedNumber }), createdAt: now };
        const paid = r.paidInStore ? paidAtIssue(unpaid, r.paidInStore) : null;
        const invoice = paid ? { ...unpaid, ...paid.fields } : unpaid;
        const invoiceLines = r.draft.lines.map((l) => ({ ...l, invoiceId: id }));
        const invoiceSubtotals = r.draft.vatSubtotals.map((s) => ({ ...s, invoiceId: id }));
        invoices.push(invoice);
        lines.push(...invoiceLines);
        subtotals.push(...invoiceSubtotals);
        if (r.event) events.push({ shopId, invoiceId: id, type: r.event.type, message: r.event.message, data: r.event.data });
        if (paid) {
          payments.push(paid.payment);
          events.push(paid.event);
        }
        created.set(r, { id, number, formattedNumber, created: true, row: issuedRowOfInsert(invoice, invoiceLines, invoiceSubtotals), paidAtIssue: Boolean(paid) });
      });
      await tx.invoice.createMany({ data: invoices });
      await tx.invoiceLine.createMany({ data: lines });
      if (subtotals.length) await tx.invoiceVatSubtotal.createMany({ data: subtotals });
      if (payments.length) await tx.payment.createMany({ data: payments });
      if (events.length) await tx.invoiceEvent.createMany({ data: events });
    }, NUMBERING_TRANSACTION);
  }
  // The first request of an order made its invoice; a second one in the same batch finds it issued.
  return requests.map((r) => {
    const mine = created.get(r);
    if (mine) return mine;
    const key = sourceKey(r);
    const made = fresh.find((f) => sourceKey(f) === key);
    const { id, number, formattedNumber } = created.get(made!)!;
    return { id, number, formattedNumber, created: false };
  });
}
