import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { formatInvoiceNumber } from "~/domain/numbering/format-invoice-number";
import type { Prisma } from "~/generated/prisma/client";
import type { Platform } from "~/generated/prisma/enums";
import { ensureSeries, invoiceRow, NUMBERING_TRANSACTION, takeNextNumbers, type InsertIssuedDocument } from "./insert-issued-document.server";
import { paidAtIssue } from "./channel-payment.server";
import { inTransaction, sqlOf, type Sql } from "./sql.server";
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
  /** The buyer's Customer row, upserted with the batch's others (then `customerId` is its id). */
  customer?: CustomerUpsert | null;
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
  /** The e-mail address of its customer as upserted (`IssueRequest.customer`). */
  customerEmail?: string | null;
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
 * One transaction: numbers for the new ones, one INSERT for all the rows. Exported for the tests; the
 * service calls issueInBatch.
 */
export async function insertBatch(db: Db, requests: IssueRequest[]): Promise<IssuedRow[]> {
  const first = requests[0]!;
  const { shopId } = first;
  const year = Number(first.draft.issueDate.slice(0, 4));
  // An order already invoiced was found by the caller before it asked (issueInvoice's findIssued); one
  // that raced in since fails the batch on the unique key, and the one-by-one retry sorts it out. Two
  // requests for one order in this batch: the first is numbered, the second gets its invoice.
  const known = new Set<string>();
  const fresh: IssueRequest[] = [];
  for (const r of requests) {
    if (known.has(sourceKey(r))) continue;
    known.add(sourceKey(r));
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
    // The buyers' customer rows first, in one idempotent upsert outside the series lock.
    const customerIds = await upsertCustomers(db, shopId, fresh.flatMap((r) => (r.customer ? [r.customer] : [])));
    await inTransaction(db, NUMBERING_TRANSACTION, async (sql) => {
      // The series row is locked from here to COMMIT.
      const series = await takeNextNumbers(sql, shopId, first.series, year, fresh.length).catch((error: unknown) => {
        seen.delete(seriesKey);
        throw error;
      });
      const invoices: Row[] = [];
      const lines: Row[] = [];
      const subtotals: Row[] = [];
      const events: Row[] = [];
      const payments: Row[] = [];
      const now = new Date();
      fresh.forEach((r, i) => {
        const number = series.number + i;
        const id = randomUUID();
        const formattedNumber = formatInvoiceNumber(series, number, year);
        const customerId = r.customer ? customerIds.get(customerKey(r.customer))! : r.customerId;
        // createdAt is set here, not by the column default: it is the PDF's date, and the documents are
        // rendered from this copy.
        const unpaid = { id, ...invoiceRow({ ...r, customerId }, { seriesId: series.id, number, numberYear: series.numberYear, formattedNumber }), createdAt: now };
        const paid = r.paidInStore ? paidAtIssue(unpaid, r.paidInStore) : null;
        const invoice = paid ? { ...unpaid, ...paid.fields } : unpaid;
        // Prisma gives @default(uuid()) / @default(now()) / @updatedAt values on the client: so does this INSERT.
        const invoiceLines = r.draft.lines.map((l) => ({ id: randomUUID(), ...l, invoiceId: id }));
        const invoiceSubtotals = r.draft.vatSubtotals.map((s) => ({ id: randomUUID(), ...s, invoiceId: id }));
        invoices.push(invoice);
        lines.push(...invoiceLines);
        subtotals.push(...invoiceSubtotals);
        if (r.event) events.push({ id: randomUUID(), shopId, invoiceId: id, type: r.event.type, message: r.event.message, data: r.event.data, createdAt: now });
        if (paid) {
          payments.push({ id: randomUUID(), ...paid.payment, createdAt: now, updatedAt: now });
          events.push({ id: randomUUID(), ...paid.event, createdAt: now });
        }
        created.set(r, {
          id,
          number,
          formattedNumber,
          created: true,
          row: issuedRowOfInsert(invoice, invoiceLines, invoiceSubtotals),
          paidAtIssue: Boolean(paid),
          customerEmail: r.customer ? (r.customer.email ?? null) : null,
        });
      });
      await insertRows(sql, [
        ["Invoice", invoices],
        ["InvoiceLine", lines],
        ["InvoiceVatSubtotal", subtotals],
        ["Payment", payments],
        ["InvoiceEvent", events],
      ]);
    });
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

/** The buyer of an invoice, as its Customer row is written (created or updated) when it is issued. */
export interface CustomerUpsert {
  channel: Platform;
  externalId: string;
  email: string | null;
  name: string;
  companyName: string | null;
  vatNumber: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  language: string | null;
  /** The VIES check made for this invoice; null leaves the customer's last check as it is. */
  vies: { valid: boolean; consultationNumber: string | null; checkedAt: Date } | null;
}

const customerKey = (c: Pick<CustomerUpsert, "channel" | "externalId">) => `${c.channel}|${c.externalId}`;

/**
 * The batch's customers in one `INSERT … ON CONFLICT DO UPDATE` (one row per customer: the last
 * request's data wins, as when they were upserted one after the other), in key order so that two
 * processes upserting the same customers lock them in the same order. Returns their ids by key.
 */
async function upsertCustomers(db: Db, shopId: string, customers: CustomerUpsert[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (customers.length === 0) return ids;
  const byKey = new Map(customers.map((c) => [customerKey(c), c]));
  const now = new Date();
  const rows = [...byKey.values()]
    .sort((a, b) => (customerKey(a) < customerKey(b) ? -1 : 1))
    .map(({ vies, ...c }) => ({
      id: randomUUID(),
      shopId,
      ...c,
      vatValid: vies?.valid ?? null,
      vatCheckedAt: vies?.checkedAt ?? null,
      viesConsultationNumber: vies?.consultationNumber ?? null,
      createdAt: now,
      updatedAt: now,
    }));
  const columns = Object.keys(rows[0]!);
  const updated = ["email", "name", "companyName", "vatNumber", "street", "postalCode", "city", "countryCode", "language", "updatedAt"];
  // A row without a VIES check (vatCheckedAt null) keeps the customer's last check.
  const vies = ["vatValid", "vatCheckedAt", "viesConsultationNumber"];
  const returned = await sqlOf(db).query<{ id: string; channel: string; externalId: string }>(
    `${jsonRowsInsert("Customer", columns, 1)}
     ON CONFLICT ("shopId", "channel", "externalId") DO UPDATE SET
       ${updated.map((c) => `"${c}" = EXCLUDED."${c}"`).join(", ")},
       ${vies.map((c) => `"${c}" = CASE WHEN EXCLUDED."vatCheckedAt" IS NULL THEN "Customer"."${c}" ELSE EXCLUDED."${c}" END`).join(", ")}
     RETURNING "id", "channel"::text AS "channel", "externalId"`,
    [JSON.stringify(rows)],
  );
  for (const r of returned) ids.set(customerKey({ channel: r.channel as Platform, externalId: r.externalId }), r.id);
  return ids;
}

type Row = Record<string, unknown>;

/**
 * `INSERT INTO "T" (columns) SELECT columns FROM jsonb_populate_recordset(NULL::"T", $n)`: rows sent as
 * one JSON array and typed by the table's own row type — amounts as strings (numeric rounds them as
 * it rounds Prisma's parameters), dates as ISO strings (UTC, as Prisma stores them), JSON columns as
 * JSON. Columns left out get their defaults.
 */
function jsonRowsInsert(table: string, columns: readonly string[], param: number): string {
  const list = columns.map((c) => `"${c}"`).join(", ");
  return `INSERT INTO "${table}" (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::"${table}", $${param}::jsonb)`;
}

/**
 * Every row of every table in ONE statement (data-modifying CTEs; the foreign keys are checked at its
 * end, so lines may refer to invoices inserted by the same statement). Rows are grouped by the columns
 * they give, so a column one row leaves out takes its default, as with Prisma's createMany.
 */
async function insertRows(sql: Sql, tables: [string, Row[]][]) {
  const parts: string[] = [];
  const params: string[] = [];
  for (const [table, rows] of tables) {
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const given = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
      const key = Object.keys(given).sort().join(",");
      const group = groups.get(key);
      if (group) group.push(given);
      else groups.set(key, [given]);
    }
    for (const [key, group] of groups) {
      params.push(JSON.stringify(group));
      parts.push(`i${params.length} AS (${jsonRowsInsert(table, key.split(","), params.length)})`);
    }
  }
  if (parts.length) await sql.query(`WITH ${parts.join(",\n")} SELECT 1`, params);
}
