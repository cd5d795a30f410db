import PDFDocument from "pdfkit";
import type { IncomingEssentials } from "../peppol/parse-incoming";
import type { UblDocument, UblLine, UblParty } from "../peppol/read-ubl-document";
import { invoiceFonts } from "./fonts";
import { formatDate, formatDecimal } from "./labels";
import { A4, BOTTOM, CONTENT_WIDTH, FOOTER_HEIGHT, GREY, MARGIN, RULE, TEXT } from "./page-geometry";

/**
 * PDFs of documents received over PEPPOL whose sender attached none. An invoice or credit note is
 * rendered whole from its UBL (read by readUblDocument): supplier, customer, number and dates, every
 * line with quantity, unit price, VAT rate and amount, document-level allowances and charges, the VAT
 * breakdown per rate, the totals, the payment instructions and the notes — in the look of Facto's own
 * invoice PDF (render-invoice-pdf.ts: accent band, parties, striped line table repeated on every page,
 * VAT breakdown beside the totals, "page x of y"). Amounts are printed as the UBL states them (never
 * recomputed). A header line says it is a rendering: the UBL stays the legal document.
 * Other documents (an Invoice Response) get a one-page summary of their essentials.
 */
const ACCENT = "#3d4f63";

const COLS = {
  description: { x: 0, w: 225 },
  quantity: { x: 225, w: 70 },
  unitPrice: { x: 295, w: 80 },
  vatRate: { x: 375, w: 50 },
  total: { x: 425, w: CONTENT_WIDTH - 425 },
};

type Doc = InstanceType<typeof PDFDocument>;

/** UN/ECE Recommendation 20 unit codes common on invoices, printed after the quantity; others as the code. */
const UNITS: Record<string, string> = { C62: "pcs", H87: "pcs", EA: "each", HUR: "h", DAY: "days", MON: "months", ANN: "years", KGM: "kg", GRM: "g", LTR: "l", MTR: "m", MTK: "m²", MTQ: "m³", KWH: "kWh", SET: "sets", PR: "pairs", XPP: "pcs", XBX: "boxes", E48: "service units" };
/** UNCL4461 payment means (BT-81) seen on Belgian invoices. */
const MEANS: Record<string, string> = { "1": "Not defined", "10": "Cash", "20": "Cheque", "30": "Credit transfer", "31": "Debit transfer", "42": "Payment to bank account", "48": "Bank card", "49": "Direct debit", "57": "Standing agreement", "58": "SEPA credit transfer", "59": "SEPA direct debit", "68": "Online payment service", ZZZ: "Mutually defined" };
/** UNCL5305 VAT categories (BT-151). */
const CATEGORIES: Record<string, string> = { S: "Standard", Z: "Zero rated", E: "Exempt", AE: "Reverse charge", K: "Intra-community", G: "Export", O: "Not subject to VAT", L: "Canary Islands", M: "Ceuta and Melilla" };

function newDocument(title: string, author: string | null, createdAt: Date): { pdf: Doc; done: Promise<Buffer> } {
  const fonts = invoiceFonts();
  const pdf: Doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    compress: true,
    font: null as unknown as string,
    info: { Title: title, ...(author ? { Author: author } : {}), Creator: "Facto", Producer: "Facto", CreationDate: createdAt, ModDate: createdAt },
  });
  // pdfkit takes a parsed fontkit font as well as bytes (its typings only know bytes).
  pdf.registerFont("regular", fonts.regular as unknown as PDFKit.Mixins.PDFFontSource);
  pdf.registerFont("bold", fonts.bold as unknown as PDFKit.Mixins.PDFFontSource);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("data", (c: Buffer) => chunks.push(c));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  return { pdf, done };
}

function text(doc: Doc, value: string, x: number, y: number, opts: PDFKit.Mixins.TextOptions & { font?: "regular" | "bold"; size?: number; color?: string } = {}) {
  const { font = "regular", size = 9, color = TEXT, ...rest } = opts;
  doc.font(font).fontSize(size).fillColor(color).text(value, x, y, { lineBreak: true, ...rest });
}

const date = (iso: string | null) => (iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? formatDate(iso, "en") : (iso ?? "—"));
const amount = (v: string | null) => (v === null ? "—" : formatDecimal(v, "en", 2));
const quantity = (v: string | null) => (v === null ? "—" : formatDecimal(v, "en", 0));
const rate = (category: string | null, percent: string | null) =>
  percent !== null && (category === "S" || category === "Z" || category === null || Number(percent) !== 0) ? `${formatDecimal(percent, "en", 0)} %` : (category ?? "—");
const iban = (v: string) => v.replace(/\s/g, "").replace(/(.{4})(?=.)/g, "$1 ");

/** The whole received invoice or credit note (see the module comment). */
export function renderReceivedDocumentPdf(ubl: UblDocument, meta: { senderId: string; receivedAt: Date }): Promise<Buffer> {
  const credit = ubl.kind === "CREDIT_NOTE";
  const title = credit ? "Credit note" : "Invoice";
  const number = ubl.number ?? "(no number)";
  const { pdf, done } = newDocument(`${title} ${number}`, ubl.supplier.name, meta.receivedAt);
  const money = (v: string | null) => (v === null ? "—" : `${ubl.currency ?? ""} ${amount(v)}`.trim());

  let y = header(pdf, ubl, title, meta);
  y = lineTable(pdf, ubl, y);
  y = summary(pdf, ubl, y, money);
  y = payment(pdf, ubl, y, money);
  notes(pdf, ubl, y);
  footer(pdf, `${ubl.supplier.name ?? meta.senderId}  ·  ${title} ${number}  ·  received over PEPPOL`);
  pdf.end();
  return done;
}

function partyLines(p: UblParty): string[] {
  return [
    p.tradingName && p.tradingName !== p.name ? p.tradingName : null,
    p.street,
    p.additionalStreet,
    [p.postalCode, p.city].filter(Boolean).join(" ") || null,
    p.countryCode,
    p.vatNumber ? `VAT ${p.vatNumber}` : null,
    p.companyId && p.companyId !== p.vatNumber ? `Company ID ${p.companyId}` : null,
    p.endpoint ? `PEPPOL ${p.endpoint}` : null,
    [p.contact.name, p.contact.email, p.contact.phone].filter(Boolean).join(" · ") || null,
  ].filter((l): l is string => !!l);
}

function header(doc: Doc, ubl: UblDocument, title: string, meta: { senderId: string; receivedAt: Date }): number {
  doc.rect(0, 0, A4.width, 6).fill(ACCENT);
  // Supplier (left)
  text(doc, ubl.supplier.name ?? meta.senderId, MARGIN, MARGIN, { font: "bold", size: 14, width: 280 });
  text(doc, partyLines(ubl.supplier).join("\n"), MARGIN, doc.y + 4, { size: 8.5, color: GREY, width: 280, lineGap: 1.5 });
  const supplierBottom = doc.y;

  // Title and document facts (right)
  const rightX = MARGIN + 300;
  const rightW = CONTENT_WIDTH - 300;
  text(doc, title.toUpperCase(), rightX, MARGIN - 2, { font: "bold", size: 20, color: ACCENT, width: rightW, align: "right", characterSpacing: 1 });
  let ry = doc.y + 6;
  const facts: [string, string | null][] = [
    ["Number", ubl.number],
    ["Issue date", ubl.issueDate ? date(ubl.issueDate) : null],
    ["Due date", ubl.dueDate ? date(ubl.dueDate) : null],
    ["Delivery date", ubl.deliveryDate ? date(ubl.deliveryDate) : null],
    ["Buyer reference", ubl.buyerReference],
    ["Order reference", ubl.orderReference],
    ["Contract", ubl.contractReference],
    ...ubl.precedingInvoices.flatMap((p): [string, string | null][] => [["Credits invoice", p.number], ["Invoice date", p.issueDate ? date(p.issueDate) : null]]),
  ];
  for (const [label, value] of facts) {
    if (!value) continue;
    text(doc, label, rightX, ry, { size: 8.5, color: GREY, width: rightW * 0.45 });
    text(doc, value, rightX + rightW * 0.4, ry, { font: "bold", size: 8.5, width: rightW * 0.6, align: "right" });
    ry = Math.max(ry + 14, doc.y + 3);
  }

  // Customer
  let y = Math.max(supplierBottom, ry) + 18;
  doc.rect(MARGIN, y, 260, 0.1).fill(RULE);
  text(doc, "BILL TO", MARGIN, y + 8, { font: "bold", size: 7.5, color: ACCENT, characterSpacing: 0.5 });
  text(doc, ubl.customer.name ?? "—", MARGIN, y + 21, { font: "bold", size: 10.5, width: 260 });
  text(doc, partyLines(ubl.customer).join("\n"), MARGIN, doc.y + 2, { size: 9, width: 260, lineGap: 1.5 });
  y = doc.y + 12;
  const received = meta.receivedAt.toISOString().slice(0, 16).replace("T", " ");
  text(doc, `Received over PEPPOL from ${meta.senderId} on ${received} UTC. Rendered by Facto from the structured document (UBL); the UBL is the original.`, MARGIN, y, {
    size: 7.5,
    color: GREY,
    width: CONTENT_WIDTH,
  });
  return doc.y + 14;
}

function tableHeader(doc: Doc, y: number): number {
  doc.rect(MARGIN, y, CONTENT_WIDTH, 22).fill(ACCENT);
  const cells: [keyof typeof COLS, string, "left" | "right"][] = [
    ["description", "Description", "left"],
    ["quantity", "Quantity", "right"],
    ["unitPrice", "Unit price", "right"],
    ["vatRate", "VAT", "right"],
    ["total", "Amount", "right"],
  ];
  for (const [col, label, align] of cells) {
    const c = COLS[col];
    text(doc, label, MARGIN + c.x + 6, y + 7, { font: "bold", size: 7.5, color: "#ffffff", width: c.w - 12, align, height: 14, ellipsis: true });
  }
  return y + 22;
}

function lineDetail(line: UblLine): string | null {
  const parts = [
    line.description && line.description !== line.name ? line.description : null,
    line.sellersItemId ? `Item ${line.sellersItemId}` : null,
    line.period && (line.period.start || line.period.end) ? `Period ${date(line.period.start)} – ${date(line.period.end)}` : null,
    line.note,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : null;
}

function lineTable(doc: Doc, ubl: UblDocument, startY: number): number {
  let y = tableHeader(doc, startY);
  const rows = [
    ...ubl.lines.map((line) => ({
      name: `${line.id ? `${line.id}. ` : ""}${line.name ?? "—"}`,
      detail: lineDetail(line),
      quantity: `${quantity(line.quantity)}${line.unitCode ? ` ${UNITS[line.unitCode] ?? line.unitCode}` : ""}`,
      unitPrice: `${amount(line.unitPrice)}${line.baseQuantity && Number(line.baseQuantity) !== 1 ? ` / ${quantity(line.baseQuantity)}` : ""}`,
      vat: rate(line.vatCategory, line.vatRate),
      total: amount(line.lineAmount),
    })),
    // Document-level allowances and charges (BG-20, BG-21) after the lines.
    ...ubl.allowanceCharges.map((a) => ({
      name: `${a.charge ? "Charge" : "Allowance"}: ${a.reason ?? "—"}`,
      detail: null,
      quantity: "",
      unitPrice: "",
      vat: rate(a.vatCategory, a.vatRate),
      total: a.amount === null ? "—" : a.charge ? amount(a.amount) : `-${amount(a.amount)}`,
    })),
  ];
  rows.forEach((row, index) => {
    const w = COLS.description.w - 12;
    doc.font("regular").fontSize(9);
    let h = doc.heightOfString(row.name, { width: w });
    if (row.detail) h += doc.fontSize(7).heightOfString(row.detail, { width: w }) + 1;
    const rowHeight = Math.max(h, 12) + 10;
    if (y + rowHeight > BOTTOM) {
      doc.addPage();
      y = tableHeader(doc, MARGIN);
    }
    if (index % 2 === 1) doc.rect(MARGIN, y, CONTENT_WIDTH, rowHeight).fill("#f6f8fa");
    const top = y + 5;
    text(doc, row.name, MARGIN + 6, top, { size: 9, width: w });
    if (row.detail) text(doc, row.detail, MARGIN + 6, doc.y + 1, { size: 7, color: GREY, width: w });
    const right = (col: keyof typeof COLS, value: string, bold = false) =>
      text(doc, value, MARGIN + COLS[col].x + 4, top, { size: 9, font: bold ? "bold" : "regular", width: COLS[col].w - 10, align: "right" });
    right("quantity", row.quantity);
    right("unitPrice", row.unitPrice);
    right("vatRate", row.vat);
    right("total", row.total, true);
    y += rowHeight;
  });
  if (rows.length === 0) {
    text(doc, "(the document has no lines)", MARGIN + 6, y + 5, { size: 9, color: GREY });
    y += 22;
  }
  doc.rect(MARGIN, y, CONTENT_WIDTH, 0.8).fill(RULE);
  return y + 14;
}

function summary(doc: Doc, ubl: UblDocument, startY: number, money: (v: string | null) => string): number {
  const exemptions = ubl.vatBreakdown.filter((s) => s.exemptionReason);
  const needed = 40 + ubl.vatBreakdown.length * 14 + exemptions.length * 22 + 150;
  let y = startY;
  if (y + needed > BOTTOM) {
    doc.addPage();
    y = MARGIN;
  }
  // VAT breakdown (left)
  text(doc, "VAT BREAKDOWN", MARGIN, y, { font: "bold", size: 7.5, color: ACCENT, characterSpacing: 0.5 });
  let by = y + 14;
  const cols = [
    { label: "Category", w: 90, align: "left" as const },
    { label: "Taxable amount", w: 95, align: "right" as const },
    { label: "VAT", w: 85, align: "right" as const },
  ];
  let bx = MARGIN;
  for (const c of cols) {
    text(doc, c.label, bx, by, { size: 7.5, color: GREY, width: c.w, align: c.align });
    bx += c.w;
  }
  by += 13;
  for (const s of ubl.vatBreakdown) {
    const label = `${s.category ?? "?"} ${s.rate !== null ? `${formatDecimal(s.rate, "en", 0)} %` : ""}`.trim();
    text(doc, label, MARGIN, by, { size: 9, width: 90 });
    text(doc, money(s.taxableAmount), MARGIN + 90, by, { size: 9, width: 95, align: "right" });
    text(doc, money(s.taxAmount), MARGIN + 185, by, { size: 9, width: 85, align: "right" });
    by += 14;
  }
  for (const s of exemptions) {
    text(doc, `${s.category ?? "?"} (${CATEGORIES[s.category ?? ""] ?? "VAT category"}): ${s.exemptionReason}`, MARGIN, by + 2, { size: 7.5, width: 270 });
    by = doc.y + 4;
  }

  // Totals (right)
  const tx = MARGIN + 300;
  const tw = CONTENT_WIDTH - 300;
  let ty = y;
  const row = (label: string, value: string, strong = false) => {
    text(doc, label, tx, ty, { size: strong ? 10 : 9, font: strong ? "bold" : "regular", width: tw * 0.55 });
    text(doc, value, tx + tw * 0.4, ty, { size: strong ? 10 : 9, font: strong ? "bold" : "regular", width: tw * 0.6, align: "right" });
    ty += strong ? 18 : 15;
  };
  const t = ubl.totals;
  row("Sum of lines", money(t.lineExtension));
  if (t.allowances && Number(t.allowances) !== 0) row("Allowances", money(`-${t.allowances}`));
  if (t.charges && Number(t.charges) !== 0) row("Charges", money(t.charges));
  row("Total excl. VAT", money(t.taxExclusive));
  row("VAT", money(ubl.vatTotal));
  doc.rect(tx, ty - 2, tw, 0.8).fill(RULE);
  ty += 4;
  row("Total incl. VAT", money(t.taxInclusive), true);
  if (t.prepaid && Number(t.prepaid) !== 0) row("Paid in advance", money(t.prepaid));
  if (t.rounding && Number(t.rounding) !== 0) row("Rounding", money(t.rounding));
  doc.roundedRect(tx, ty, tw, 24, 3).fill(ACCENT);
  text(doc, ubl.kind === "CREDIT_NOTE" ? "Credited" : "Amount due", tx + 8, ty + 7, { font: "bold", size: 10, color: "#ffffff", width: tw * 0.5 });
  text(doc, money(t.payable), tx + tw * 0.4, ty + 7, { font: "bold", size: 10, color: "#ffffff", width: tw * 0.6 - 8, align: "right" });
  ty += 36;
  return Math.max(by, ty) + 10;
}

function payment(doc: Doc, ubl: UblDocument, startY: number, money: (v: string | null) => string): number {
  const p = ubl.payment;
  if (!p.meansCode && !p.paymentId && p.accounts.length === 0 && !p.terms) return startY;
  const pairs: [string, string][] = [
    ...(p.meansCode ? ([["Payment means", `${MEANS[p.meansCode] ?? "Code"} (${p.meansCode})`]] as [string, string][]) : []),
    ...p.accounts.flatMap((a): [string, string][] => [["IBAN", iban(a.iban)], ...(a.bic ? ([["BIC", a.bic]] as [string, string][]) : []), ...(a.name ? ([["Account holder", a.name]] as [string, string][]) : [])]),
    ...(p.paymentId ? ([["Payment reference", p.paymentId]] as [string, string][]) : []),
    ...(ubl.dueDate ? ([["Due date", date(ubl.dueDate)]] as [string, string][]) : []),
  ];
  const rowsNeeded = Math.ceil(pairs.length / 3) * 28 + 40 + (p.terms ? 24 : 0);
  let y = startY;
  if (y + rowsNeeded > BOTTOM) {
    doc.addPage();
    y = MARGIN;
  }
  const instruction = ubl.kind === "CREDIT_NOTE" ? "Refund details" : `Pay ${money(ubl.totals.payable)}`;
  text(doc, "PAYMENT", MARGIN + 12, y + 10, { font: "bold", size: 7.5, color: ACCENT, characterSpacing: 0.5 });
  text(doc, instruction, MARGIN + 12, y + 24, { size: 9, width: CONTENT_WIDTH - 24 });
  const colW = (CONTENT_WIDTH - 24) / 3;
  let bottom = doc.y + 6;
  const py = bottom;
  pairs.forEach(([label, value], i) => {
    const rowY = py + Math.floor(i / 3) * 28;
    text(doc, label, MARGIN + 12 + (i % 3) * colW, rowY, { size: 7.5, color: GREY, width: colW - 8 });
    text(doc, value, MARGIN + 12 + (i % 3) * colW, rowY + 11, { font: "bold", size: 10, width: colW - 8 });
    bottom = Math.max(bottom, doc.y);
  });
  if (p.terms) {
    text(doc, `Terms: ${p.terms}`, MARGIN + 12, bottom + 6, { size: 8, color: GREY, width: CONTENT_WIDTH - 24 });
    bottom = doc.y;
  }
  const boxHeight = bottom - y + 10;
  doc.roundedRect(MARGIN, y, CONTENT_WIDTH, boxHeight, 4).lineWidth(0.8).strokeColor(RULE).stroke();
  return y + boxHeight + 14;
}

function notes(doc: Doc, ubl: UblDocument, startY: number): number {
  if (ubl.notes.length === 0) return startY;
  let y = startY;
  doc.font("regular").fontSize(8.5);
  if (y + Math.min(doc.heightOfString(ubl.notes[0]!, { width: CONTENT_WIDTH }), 60) + 20 > BOTTOM) {
    doc.addPage();
    y = MARGIN;
  }
  text(doc, "NOTES", MARGIN, y, { font: "bold", size: 7.5, color: ACCENT, characterSpacing: 0.5 });
  y += 13;
  for (const note of ubl.notes) {
    doc.font("regular").fontSize(8.5);
    const h = doc.heightOfString(note, { width: CONTENT_WIDTH, lineGap: 1.5 });
    if (y + Math.min(h, 60) > BOTTOM) {
      doc.addPage();
      y = MARGIN;
    }
    // A note longer than the page flows onto the next one by itself.
    text(doc, note, MARGIN, y, { size: 8.5, width: CONTENT_WIDTH, lineGap: 1.5 });
    y = doc.y + 4;
  }
  return y + 6;
}

function footer(doc: Doc, line: string) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = A4.height - MARGIN - 12;
    // Writing inside the bottom margin: lift it for the footer, or pdfkit would add a page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.rect(MARGIN, y - 8, CONTENT_WIDTH, 0.6).fill(RULE);
    text(doc, line, MARGIN, y, { size: 7, color: GREY, width: CONTENT_WIDTH * 0.75, lineBreak: false, ellipsis: true });
    text(doc, `Page ${i - range.start + 1} of ${range.count}`, MARGIN + CONTENT_WIDTH * 0.6, y, { size: 7, color: GREY, width: CONTENT_WIDTH * 0.4, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
}

/** A one-page summary for documents that are not an invoice or a credit note (an Invoice Response). */
export function renderIncomingPdf(doc: IncomingEssentials & { senderId: string }, createdAt: Date): Promise<Buffer> {
  const title = doc.kind === "CREDIT_NOTE" ? "Credit note" : doc.kind === "INVOICE_RESPONSE" ? "Invoice response" : doc.kind === "INVOICE" ? "Invoice" : "Document";
  const { pdf, done } = newDocument(`${title} ${doc.number ?? ""}`.trim(), doc.supplierName, createdAt);
  const money = (v: string | null) => (v === null ? "—" : `${doc.currency ?? ""} ${v}`.trim());
  pdf.rect(0, 0, A4.width, 6).fill(ACCENT);
  text(pdf, `${title} ${doc.number ?? ""}`.trim(), MARGIN, MARGIN, { font: "bold", size: 18 });
  text(pdf, "Received over PEPPOL — rendered by Facto from the structured document (UBL); the UBL is the original.", MARGIN, pdf.y + 4, { size: 8.5, color: GREY });
  pdf.moveDown();
  const row = (label: string, value: string | null) => {
    pdf.font("bold").fontSize(10.5).fillColor(TEXT).text(`${label}: `, MARGIN, pdf.y, { continued: true }).font("regular").text(value ?? "—");
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
    row("Total without VAT", money(doc.taxExclusiveAmount));
    row("VAT", money(doc.vatAmount));
    row("Total with VAT", money(doc.taxInclusiveAmount));
    row("Amount due", money(doc.payableAmount));
    if (doc.paymentReference) row("Payment reference", doc.paymentReference);
  }
  footer(pdf, `${title} ${doc.number ?? ""} · received over PEPPOL`);
  pdf.end();
  return done;
}
