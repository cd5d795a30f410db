import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { renderInvoicePdf } from "~/domain/pdf/render-invoice-pdf";
import { writeUbl } from "~/domain/ubl/write-ubl";
import { logger } from "~/logger.server";
import { loadIssuedInvoice } from "~/models/issued-invoice.server";
import { paymentPageUrl } from "./public-urls.server";
import { creditorIdentifier } from "~/domain/sepa/creditor-identifier";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * Makes sure every document of an issued invoice is stored — the PDF, and the PEPPOL UBL with that
 * PDF embedded — rendering only what is missing. Rendering is deterministic (the invoice's own
 * creation time is the PDF's date), so a retry after a crash produces the same bytes and sha256.
 */
export async function ensureInvoiceDocuments(db: Db, invoiceId: string): Promise<{ rendered: string[] }> {
  // Which documents exist (not their bytes: right after issuing there are none, and after a crash
  // between the two only the PDF is read back, to embed the very same bytes in the UBL).
  const present = await db.document.findMany({ where: { invoiceId }, select: { format: true } });
  if (present.some((d) => d.format === "PDF") && present.some((d) => d.format === "UBL")) return { rendered: [] };

  const loaded = await loadIssuedInvoice(db, invoiceId);
  if (!loaded) throw new Error(`invoice ${invoiceId} not found`);
  const branding = await db.shop.findUniqueOrThrow({ where: { id: loaded.shopId }, select: { logo: true, accentColor: true, twikeyApiKey: true, twikeyAutoCollect: true, countryCode: true, enterpriseNumber: true } });
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
  await db.document.createMany({
    data: rows.map((r) => ({ shopId: invoice.shopId, invoiceId, format: r.format, contentType: r.contentType, content: new Uint8Array(r.content), sha256: sha256(r.content), byteSize: r.content.length })),
    skipDuplicates: true,
  });
  logger.info({ invoiceId, number: invoice.formattedNumber, formats: rows.map((r) => r.format) }, "invoice documents stored");
  return { rendered: rows.map((r) => r.format) };
}
