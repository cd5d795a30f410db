import { createHash } from "node:crypto";
import { pgPoolOf, type Db } from "~/db.server";
import { renderInvoicePdf } from "~/domain/pdf/render-invoice-pdf";
import { writeUbl } from "~/domain/ubl/write-ubl";
import { logger } from "~/logger.server";
import type { Prisma } from "~/generated/prisma/client";
import { issuedInvoiceOfRow, loadIssuedInvoice, type IssuedInvoiceRow } from "~/models/issued-invoice.server";
import { paymentPageUrl } from "./public-urls.server";
import { creditorIdentifier } from "~/domain/sepa/creditor-identifier";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** What the documents need of the shop: its branding, and whether it collects by direct debit. */
export const DOCUMENT_SHOP_SELECT = { logo: true, accentColor: true, twikeyApiKey: true, twikeyAutoCollect: true, countryCode: true, enterpriseNumber: true } as const satisfies Prisma.ShopSelect;

/** An invoice its caller has just inserted, with its shop's row: rendered without reading either back (decision 030). */
export interface InsertedInvoice {
  row: IssuedInvoiceRow;
  shop: Prisma.ShopGetPayload<{ select: typeof DOCUMENT_SHOP_SELECT }>;
}

/**
 * Makes sure every document of an issued invoice is stored — the PDF, and the PEPPOL UBL with that
 * PDF embedded — rendering only what is missing. Rendering is deterministic (the invoice's own
 * creation time is the PDF's date), so a retry after a crash produces the same bytes and sha256.
 * `inserted`: the invoice as the caller inserted it moments ago (the after-issue pipeline of a fresh
 * invoice) — nothing is read back, and none of its documents can exist yet but one rendered
 * concurrently from the same row (same bytes; the insert keeps the first).
 */
export async function ensureInvoiceDocuments(db: Db, invoiceId: string, inserted?: InsertedInvoice): Promise<{ rendered: string[] }> {
  // Which documents exist (not their bytes: right after issuing there are none, and after a crash
  // between the two only the PDF is read back, to embed the very same bytes in the UBL).
  const fromInsert = inserted && !inserted.row.originalInvoiceId ? inserted : null;
  const present = fromInsert ? [] : await db.document.findMany({ where: { invoiceId }, select: { format: true } });
  if (present.some((d) => d.format === "PDF") && present.some((d) => d.format === "UBL")) return { rendered: [] };

  const loaded = fromInsert ? issuedInvoiceOfRow(fromInsert.row, null) : await loadIssuedInvoice(db, invoiceId);
  if (!loaded) throw new Error(`invoice ${invoiceId} not found`);
  const branding = fromInsert?.shop ?? (await db.shop.findUniqueOrThrow({ where: { id: loaded.shopId }, select: DOCUMENT_SHOP_SELECT }));
  // A customer with a signed mandate is collected by direct debit: the documents say so (PDF mention,
  // UBL payment means 59 with the mandate) instead of asking for a transfer.
  const mandate =
    loaded.kind === "INVOICE" && loaded.status === "ISSUED" && loaded.customerId && branding.twikeyApiKey && branding.twikeyAutoCollect && loaded.currency === "EUR"
      ? await db.mandate.findFirst({ where: { customerId: loaded.customerId, status: "SIGNED" }, orderBy: { signedAt: "desc" } })
      : null;
  const invoice = {
    ...loaded,
    paymentPageUrl: loaded.publicToken && !mandate ? paymentPageUrl(loaded.publicToken) : null,
    ...(mandate ? { settlement: { kind: "direct-debit" as const, mandateId: mandate.mndtId } } : {}),
  };
  const creditorId = branding.enterpriseNumber && branding.countryCode === "BE" ? creditorIdentifier("BE", branding.enterpriseNumber) : null;
  const stored = present.some((d) => d.format === "PDF") ? await db.document.findUnique({ where: { invoiceId_format: { invoiceId, format: "PDF" } }, select: { content: true } }) : null;
  const pdf = stored
    ? Buffer.from(stored.content)
    : await renderInvoicePdf(invoice, { createdAt: invoice.createdAt, accentColor: branding.accentColor, logo: branding.logo });
  const ubl = Buffer.from(writeUbl(invoice, { pdf, ...(mandate?.iban && creditorId ? { mandate: { id: mandate.mndtId, creditorId, debtorIban: mandate.iban } } : {}) }), "utf8");
  const rows = [
    ...(stored ? [] : [{ format: "PDF" as const, contentType: "application/pdf", content: pdf }]),
    { format: "UBL" as const, contentType: "application/xml", content: ubl },
  ].filter((r) => !present.some((p) => p.format === r.format));
  await storeDocuments(db, rows.map((r) => ({ shopId: invoice.shopId, invoiceId, format: r.format, contentType: r.contentType, content: r.content, sha256: sha256(r.content), byteSize: r.content.length })));
  logger.info({ invoiceId, number: invoice.formattedNumber, formats: rows.map((r) => r.format) }, "invoice documents stored");
  return { rendered: rows.map((r) => r.format) };
}

interface DocumentRow {
  shopId: string;
  invoiceId: string;
  format: "PDF" | "UBL";
  contentType: string;
  content: Buffer;
  sha256: string;
  byteSize: number;
}

/**
 * Inserts the documents, keeping one that is already there (a retry). Raw SQL on the `pg` pool when
 * there is one: the documents are the invoice's largest write (≈85 KB), and Prisma's handling of
 * bytea parameters made it the most expensive statement of the pipeline (measured: 28 ms per invoice
 * through Prisma's createMany, 11 ms as one parameterised INSERT — decision 028).
 */
async function storeDocuments(db: Db, rows: DocumentRow[]) {
  if (rows.length === 0) return;
  const pool = pgPoolOf(db);
  if (!pool) {
    await db.document.createMany({ data: rows.map((r) => ({ ...r, content: new Uint8Array(r.content) })), skipDuplicates: true });
    return;
  }
  const params: unknown[] = [];
  const values = rows.map((r) => {
    params.push(r.shopId, r.invoiceId, r.format, r.contentType, r.content, r.sha256, r.byteSize);
    const n = params.length - 7;
    // createdAt as Prisma writes it: UTC in a timestamp without time zone.
    return `(gen_random_uuid(), $${n + 1}::uuid, $${n + 2}::uuid, $${n + 3}::"DocumentFormat", $${n + 4}, $${n + 5}::bytea, $${n + 6}, $${n + 7}::int, now() AT TIME ZONE 'UTC')`;
  });
  await pool.query(
    `INSERT INTO "Document" ("id", "shopId", "invoiceId", "format", "contentType", "content", "sha256", "byteSize", "createdAt") VALUES ${values.join(", ")} ON CONFLICT ("invoiceId", "format") DO NOTHING`,
    params,
  );
}
