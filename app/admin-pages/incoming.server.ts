import { prisma } from "~/db.server";
import { parseIncomingDocument } from "~/domain/peppol/parse-incoming";
import { readUblDocument } from "~/domain/peppol/read-ubl-document";
import { renderIncomingPdf, renderReceivedDocumentPdf } from "~/domain/pdf/render-incoming-pdf";

// Incoming (Shopify admin /app/incoming, WooCommerce admin /woo/stores/:id/incoming): documents the
// merchant received over PEPPOL — supplier invoices and credit notes, customers' invoice responses.
export async function incomingLoader(shop: { id: string }, base: string) {
  const docs = await prisma.incomingDocument.findMany({
    where: { shopId: shop.id },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: 100,
    select: {
      id: true, kind: true, number: true, issueDate: true, dueDate: true, currency: true, supplierName: true, senderId: true,
      vatAmount: true, payableAmount: true, taxInclusiveAmount: true, paymentReference: true, responseCode: true, responseReason: true, referencedNumber: true, receivedAt: true, hasEmbeddedPdf: true,
    },
  });
  return {
    base,
    documents: docs.map((d) => ({
      id: d.id,
      kind: d.kind,
      number: d.number ?? "(no number)",
      from: d.supplierName ?? d.senderId,
      senderId: d.senderId,
      issueDate: d.issueDate,
      dueDate: d.dueDate,
      total: d.taxInclusiveAmount ? `${d.currency ?? ""} ${d.taxInclusiveAmount.toFixed(2)}`.trim() : null,
      vat: d.vatAmount ? `${d.currency ?? ""} ${d.vatAmount.toFixed(2)}`.trim() : null,
      due: d.payableAmount ? `${d.currency ?? ""} ${d.payableAmount.toFixed(2)}`.trim() : null,
      paymentReference: d.paymentReference,
      response: d.kind === "INVOICE_RESPONSE" ? { code: d.responseCode, reason: d.responseReason, answers: d.referencedNumber } : null,
      receivedAt: d.receivedAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
      pdfIsRendered: !d.hasEmbeddedPdf,
    })),
  };
}

/**
 * The received UBL, or its PDF: the one the sender embedded (BT-125 with mimeCode application/pdf),
 * byte for byte, else one rendered from the UBL — the whole invoice or credit note with its lines, or
 * a summary of an Invoice Response.
 */
export async function incomingDocumentResponse(shopId: string, id: string, format: string): Promise<Response> {
  if (!/^[0-9a-f-]{36}$/i.test(id) || (format !== "ubl" && format !== "pdf")) return new Response("Not found", { status: 404 });
  const doc = await prisma.incomingDocument.findFirst({ where: { id, shopId }, select: { ubl: true, number: true, senderId: true, receivedAt: true } });
  if (!doc) return new Response("Not found", { status: 404 });
  const name = (doc.number ?? id).replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "ubl") {
    return new Response(doc.ubl, { headers: { "Content-Type": "application/xml; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.xml"`, "Cache-Control": "private, no-store" } });
  }
  const xml = Buffer.from(doc.ubl).toString("utf8");
  const essentials = parseIncomingDocument(xml);
  const pdf = essentials.embeddedPdf
    ? Buffer.from(essentials.embeddedPdf.base64, "base64")
    : essentials.kind === "INVOICE" || essentials.kind === "CREDIT_NOTE"
      ? await renderReceivedDocumentPdf(readUblDocument(xml), { senderId: doc.senderId, receivedAt: doc.receivedAt })
      : await renderIncomingPdf({ ...essentials, senderId: doc.senderId }, doc.receivedAt);
  return new Response(new Uint8Array(pdf), { headers: { "Content-Type": "application/pdf", "Content-Disposition": `inline; filename="${name}.pdf"`, "Cache-Control": "private, no-store" } });
}
