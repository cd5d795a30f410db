import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { renderInvoicePdf } from "~/domain/pdf/render-invoice-pdf";
import { logger } from "~/logger.server";
import { loadIssuedInvoice } from "~/models/issued-invoice.server";

/**
 * Makes sure every document of an issued invoice is stored, rendering only the missing ones.
 * Rendering is deterministic (the invoice's own creation time is the PDF's date), so a retry after
 * a crash produces the same bytes and the same sha256.
 */
export async function ensureInvoiceDocuments(db: Db, invoiceId: string): Promise<{ rendered: string[] }> {
  const present = await db.document.findMany({ where: { invoiceId }, select: { format: true } });
  if (present.some((d) => d.format === "PDF")) return { rendered: [] };

  const invoice = await loadIssuedInvoice(db, invoiceId);
  if (!invoice) throw new Error(`invoice ${invoiceId} not found`);
  const pdf = await renderInvoicePdf(invoice, { createdAt: invoice.createdAt });
  await db.document.createMany({
    data: [
      {
        shopId: invoice.shopId,
        invoiceId,
        format: "PDF",
        contentType: "application/pdf",
        content: new Uint8Array(pdf),
        sha256: createHash("sha256").update(pdf).digest("hex"),
        byteSize: pdf.length,
      },
    ],
    skipDuplicates: true,
  });
  logger.info({ invoiceId, number: invoice.formattedNumber, bytes: pdf.length }, "invoice PDF stored");
  return { rendered: ["PDF"] };
}
