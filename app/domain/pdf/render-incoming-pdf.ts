import PDFDocument from "pdfkit";
import type { IncomingEssentials } from "../peppol/parse-incoming";
import { invoiceFonts } from "./fonts";

/**
 * A readable PDF of a document received over PEPPOL whose sender attached none: the essentials
 * read from its UBL (supplier, number, dates, totals, VAT, payment reference). It is a rendering of
 * the structured data — the UBL itself stays the legal document.
 */
export function renderIncomingPdf(doc: IncomingEssentials & { senderId: string }, createdAt: Date): Promise<Buffer> {
  const fonts = invoiceFonts();
  const title = doc.kind === "CREDIT_NOTE" ? "Credit note" : doc.kind === "INVOICE_RESPONSE" ? "Invoice response" : doc.kind === "INVOICE" ? "Invoice" : "Document";
  const pdf = new PDFDocument({
    size: "A4",
    margin: 56,
    font: null as unknown as string,
    info: { Title: `${title} ${doc.number ?? ""}`.trim(), Creator: "Facto", Producer: "Facto", CreationDate: createdAt, ModDate: createdAt },
  });
  pdf.registerFont("regular", fonts.regular as unknown as PDFKit.Mixins.PDFFontSource);
  pdf.registerFont("bold", fonts.bold as unknown as PDFKit.Mixins.PDFFontSource);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("data", (c: Buffer) => chunks.push(c));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  const money = (v: string | null) => (v === null ? "—" : `${doc.currency ?? ""} ${v}`.trim());
  pdf.font("bold").fontSize(18).text(`${title} ${doc.number ?? ""}`.trim());
  pdf.moveDown(0.3).font("regular").fontSize(9).fillColor("#555").text("Received over PEPPOL — rendered by Facto from the structured document (UBL); the UBL is the original.");
  pdf.moveDown().fillColor("#000").fontSize(11);
  const row = (label: string, value: string | null) => {
    pdf.font("bold").text(`${label}: `, { continued: true }).font("regular").text(value ?? "—");
  };
  row("From", `${doc.supplierName ?? "?"} (${doc.senderId})`);
  if (doc.supplierVatNumber) row("VAT number", doc.supplierVatNumber);
  row("Issue date", doc.issueDate);
  if (doc.dueDate) row("Due date", doc.dueDate);
  if (doc.kind === "INVOICE_RESPONSE") {
    row("Answers", doc.response?.referencedNumber ?? null);
    row("Response", doc.response?.code ?? null);
    if (doc.response?.reason) row("Reason", doc.response.reason);
  } else {
    pdf.moveDown();
    row("Total without VAT", money(doc.taxExclusiveAmount));
    row("VAT", money(doc.vatAmount));
    row("Total with VAT", money(doc.taxInclusiveAmount));
    row("Amount due", money(doc.payableAmount));
    if (doc.paymentReference) row("Payment reference", doc.paymentReference);
  }
  pdf.end();
  return done;
}
