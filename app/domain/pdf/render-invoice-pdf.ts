import type { IssuedInvoice, InvoiceLineDraft } from "../invoice/types";
import { mandatoryMentions } from "../invoice/mandatory-mentions";
import { dec } from "../money/money";
import { epcQrPayload, epcReferenceFromStructuredCommunication } from "../payment-reference/epc-qr-payload";
import { drawQrCode } from "./draw-qr-code";
import { shapingInvoiceFonts } from "./fonts";
import { PdfCanvas, type CanvasTextOptions } from "./pdf-canvas";
import { preparedImage, type PreparedImage } from "./prepared-image";
import { formatDate, formatDecimal, formatMoney, pdfLabels, remembered, type PdfLabels } from "./labels";
import { A4, BOTTOM, CONTENT_WIDTH, FOOTER_HEIGHT, GREY, MARGIN, RULE, TEXT } from "./page-geometry";

export interface RenderPdfOptions {
  /** The document's creation time (an input, so the same invoice always renders the same bytes). */
  createdAt: Date;
  /** Accent colour of the merchant's theme. */
  accentColor?: string;
  /** The merchant's logo (PNG or JPEG bytes), printed top left. */
  logo?: Uint8Array | null;
}

/** Line table columns: x offset from the left margin and width. */
const COLS = {
  description: { x: 0, w: 205 },
  quantity: { x: 205, w: 45 },
  unitPrice: { x: 250, w: 80 },
  discount: { x: 330, w: 60 },
  vatRate: { x: 390, w: 40 },
  total: { x: 430, w: CONTENT_WIDTH - 430 },
};

type Doc = PdfCanvas;

/**
 * Renders an issued invoice (or credit note) as an A4 PDF: seller, buyer, lines, VAT breakdown,
 * totals, the VAT regime and its legal mention, and the payment block. Long invoices continue on
 * new pages with the table header repeated; every page says "page x of y".
 */
export async function renderInvoicePdf(invoice: IssuedInvoice, options: RenderPdfOptions): Promise<Buffer> {
  // The logo's PDF objects are made once per distinct logo (prepared-image.ts).
  const logo = options.logo ? await preparedImage(options.logo) : null;
  const L = pdfLabels(invoice.language);
  const accent = options.accentColor ?? "#1f4e79";
  const title = invoice.kind === "CREDIT_NOTE" ? L.creditNote : L.invoice;
  const doc = new PdfCanvas({
    size: A4,
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    // Bold first: pdfkit named the fonts F1 (bold) and F2 (regular) in this order, and so do we.
    fonts: shapingInvoiceFonts(),
    lang: invoice.language,
    contentLevel: CONTENT_LEVEL,
    info: {
      Title: `${title} ${invoice.formattedNumber}`,
      Author: invoice.seller.name,
      Subject: `${title} ${invoice.formattedNumber} — ${invoice.orderName}`,
      Creator: "Facto",
      Producer: "Facto",
      CreationDate: options.createdAt,
      ModDate: options.createdAt,
    },
  });
  doc.addPage();

  const money = (v: string) => formatMoney(v, invoice.currency, invoice.language);
  const number = (v: string) => formatDecimal(v, invoice.language, 0);

  let y = header(doc, invoice, L, title, accent, logo);
  y = lineTable(doc, invoice, L, accent, y, money, number);
  y = summary(doc, invoice, L, accent, y, money);
  footer(doc, invoice, L);
  return doc.end();
}

/** zlib level for page contents (see decision 029 for the measurement). */
const CONTENT_LEVEL = 1;

/** Text in a font, size and colour (the canvas ignores the extra options; lineBreak defaults to true there). */
function text(doc: Doc, value: string, x: number, y: number, opts: CanvasTextOptions & { font?: "regular" | "bold"; size?: number; color?: string } = {}) {
  doc.setFont(opts.font ?? "regular", opts.size ?? 9).fillColor(opts.color ?? TEXT).text(value, x, y, opts);
}

function header(doc: Doc, inv: IssuedInvoice, L: PdfLabels, title: string, accent: string, logo: PreparedImage | null): number {
  const s = inv.seller;
  // Accent band
  doc.rect(0, 0, A4.width, 6).fill(accent);

  // Logo and seller (left)
  let y = MARGIN;
  if (logo) {
    doc.image(logo, MARGIN, y, [150, 48]);
    y += 56;
  }
  text(doc, s.companyName || s.name, MARGIN, y, { font: "bold", size: 14, width: 280 });
  y = doc.y + 4;
  const sellerLines = [
    s.street,
    [s.postalCode, s.city].filter(Boolean).join(" "),
    countryName(s.countryCode, inv.language),
    s.vatNumber ? `${L.vatNumber}: ${s.vatNumber}` : null,
    s.enterpriseNumber ? `${L.enterpriseNumber}: ${s.enterpriseNumber}` : null,
    s.iban ? `IBAN ${formatIbanGroups(s.iban)}${s.bic ? ` · BIC ${s.bic}` : ""}` : null,
    s.email,
  ].filter((l): l is string => !!l);
  text(doc, sellerLines.join("\n"), MARGIN, y, { size: 8.5, color: GREY, width: 280, lineGap: 1.5 });
  const sellerBottom = doc.y;

  // Title and invoice facts (right)
  const rightX = MARGIN + 300;
  const rightW = CONTENT_WIDTH - 300;
  text(doc, title.toUpperCase(), rightX, MARGIN - 2, { font: "bold", size: 20, color: accent, width: rightW, align: "right", characterSpacing: 1 });
  let ry = doc.y + 6;
  const facts: [string, string][] = [
    [L.number, inv.formattedNumber],
    [L.issueDate, formatDate(inv.issueDate, inv.language)],
    ...(inv.supplyDate && inv.supplyDate !== inv.issueDate ? ([[L.supplyDate, formatDate(inv.supplyDate, inv.language)]] as [string, string][]) : []),
    ...(inv.dueDate ? ([[L.dueDate, formatDate(inv.dueDate, inv.language)]] as [string, string][]) : []),
    [L.orderReference, inv.orderName],
  ];
  for (const [label, value] of facts) {
    text(doc, label, rightX, ry, { size: 8.5, color: GREY, width: rightW / 2 });
    text(doc, value, rightX + rightW / 2, ry, { font: "bold", size: 8.5, width: rightW / 2, align: "right" });
    ry += 14;
  }

  // Buyer
  y = Math.max(sellerBottom, ry) + 18;
  const b = inv.buyer;
  doc.roundedRect(MARGIN, y, 260, 0.1, 0).fill(RULE);
  text(doc, L.billTo.toUpperCase(), MARGIN, y + 8, { font: "bold", size: 7.5, color: accent, characterSpacing: 0.5 });
  const buyerLines = [
    b.companyName && b.companyName !== b.name ? b.companyName : null,
    b.street,
    [b.postalCode, b.city].filter(Boolean).join(" "),
    countryName(b.countryCode, inv.language),
    b.vatNumber ? `${L.vatNumber}: ${b.vatNumber}` : null,
    b.email,
  ].filter((l): l is string => !!l);
  text(doc, b.name, MARGIN, y + 21, { font: "bold", size: 10.5, width: 260 });
  text(doc, buyerLines.join("\n"), MARGIN, doc.y + 2, { size: 9, width: 260, lineGap: 1.5 });
  return doc.y + 24;
}

function tableHeader(doc: Doc, L: PdfLabels, accent: string, y: number): number {
  doc.rect(MARGIN, y, CONTENT_WIDTH, 26).fill(accent);
  const cells: [keyof typeof COLS, string, "left" | "right"][] = [
    ["description", L.description, "left"],
    ["quantity", L.quantity, "right"],
    ["unitPrice", L.unitPrice, "right"],
    ["discount", L.discount, "right"],
    ["vatRate", L.vatRate, "right"],
    ["total", L.lineTotal, "right"],
  ];
  for (const [col, label, align] of cells) {
    const c = COLS[col];
    text(doc, label, MARGIN + c.x + 6, y + 5, { font: "bold", size: 7.5, color: "#ffffff", width: c.w - 12, align, height: 20, ellipsis: true });
  }
  return y + 26;
}

function lineTable(
  doc: Doc,
  inv: IssuedInvoice,
  L: PdfLabels,
  accent: string,
  startY: number,
  money: (v: string) => string,
  number: (v: string) => string,
): number {
  let y = tableHeader(doc, L, accent, startY);
  inv.lines.forEach((line, index) => {
    const descriptionHeight = measureDescription(doc, line);
    const rowHeight = Math.max(descriptionHeight, 12) + 10;
    if (y + rowHeight > BOTTOM) {
      doc.addPage();
      y = tableHeader(doc, L, accent, MARGIN);
    }
    if (index % 2 === 1) doc.rect(MARGIN, y, CONTENT_WIDTH, rowHeight).fill("#f6f8fa");
    const top = y + 5;
    const d = COLS.description;
    text(doc, line.description, MARGIN + d.x + 6, top, { size: 9, width: d.w - 12 });
    if (line.sku) text(doc, line.sku, MARGIN + d.x + 6, doc.y + 1, { size: 7, color: GREY, width: d.w - 12 });
    rightCell(doc, "quantity", top, number(line.quantity));
    rightCell(doc, "unitPrice", top, unitPrice(line.unitPriceNet, inv.language));
    rightCell(doc, "discount", top, isZero(line.discountAmount) ? "–" : money(line.discountAmount).replace(` ${inv.currency}`, "").replace(`${inv.currency} `, ""));
    rightCell(doc, "vatRate", top, line.vatCategory === "S" || line.vatCategory === "Z" ? `${number(line.vatRate)} %` : line.vatCategory);
    rightCell(doc, "total", top, formatDecimal(line.lineNet, inv.language, 2), true);
    y += rowHeight;
  });
  doc.rect(MARGIN, y, CONTENT_WIDTH, 0.8).fill(RULE);
  return y + 14;
}

/** The options of a right-aligned cell per column, regular and bold (made once, not per row). */
const RIGHT_CELL = Object.fromEntries(
  (Object.keys(COLS) as (keyof typeof COLS)[]).map((col) => [
    col,
    (["regular", "bold"] as const).map((font) => ({ size: 9, font, width: COLS[col].w - 10, align: "right" as const })),
  ]),
) as Record<keyof typeof COLS, { size: number; font: "regular" | "bold"; width: number; align: "right" }[]>;

/** A right-aligned cell of a line row. */
function rightCell(doc: Doc, col: keyof typeof COLS, top: number, value: string, bold = false) {
  text(doc, value, MARGIN + COLS[col].x + 4, top, RIGHT_CELL[col][bold ? 1 : 0]);
}

/**
 * The unit price to four decimals, formatted: decimal.js rounding per line was a tenth of a page's
 * table; the result depends on the value and the language only, and a shop's prices repeat.
 */
const unitPriceRemembered = remembered((value, language) => formatDecimal(dec(value).toDecimalPlaces(4).toString(), language as IssuedInvoice["language"], 2));
function unitPrice(value: string, language: IssuedInvoice["language"]): string {
  return unitPriceRemembered(value, language);
}

/** Whether an amount is zero: a plain decimal string is read as it is; anything else through decimal.js. */
function isZero(value: string): boolean {
  if (/^[-+]?\d+(?:\.\d*)?$/.test(value)) return /^[-+]?0+(?:\.0*)?$/.test(value);
  return dec(value).isZero();
}

function measureDescription(doc: Doc, line: InvoiceLineDraft): number {
  const w = COLS.description.w - 12;
  doc.setFont("regular", 9);
  let h = doc.heightOfString(line.description, { width: w });
  if (line.sku) {
    doc.setFont("regular", 7);
    h += doc.heightOfString(line.sku, { width: w }) + 1;
  }
  return h;
}

function summary(doc: Doc, inv: IssuedInvoice, L: PdfLabels, accent: string, startY: number, money: (v: string) => string): number {
  const exemptions = mandatoryMentions(inv);
  const due = dec(inv.totals.amountDue);
  const needed = 28 + inv.vatSubtotals.length * 14 + 90 + exemptions.length * 24 + (inv.kind === "INVOICE" && due.greaterThan(0) && inv.paymentReference ? 130 + (inv.paymentPageUrl && !inv.settlement ? 40 : 0) : 0);
  let y = startY;
  if (y + needed > BOTTOM) {
    doc.addPage();
    y = MARGIN;
  }

  // VAT breakdown (left)
  const leftW = 270;
  text(doc, L.vatBreakdown.toUpperCase(), MARGIN, y, { font: "bold", size: 7.5, color: accent, characterSpacing: 0.5 });
  let by = y + 14;
  const bcols = [
    { label: L.category, w: 60, align: "left" as const },
    { label: L.taxableAmount, w: 110, align: "right" as const },
    { label: L.vatAmount, w: 100, align: "right" as const },
  ];
  let bx = MARGIN;
  for (const c of bcols) {
    text(doc, c.label, bx, by, { size: 7.5, color: GREY, width: c.w, align: c.align });
    bx += c.w;
  }
  by += 13;
  for (const s of inv.vatSubtotals) {
    const label = s.vatCategory === "S" || s.vatCategory === "Z" ? `${formatDecimal(s.vatRate, inv.language, 0)} %` : `${s.vatCategory} 0 %`;
    text(doc, label, MARGIN, by, { size: 9, width: 60 });
    text(doc, money(s.taxableAmount), MARGIN + 60, by, { size: 9, width: 110, align: "right" });
    text(doc, money(s.taxAmount), MARGIN + 170, by, { size: 9, width: 100, align: "right" });
    by += 14;
  }
  for (const reason of exemptions) {
    text(doc, reason, MARGIN, by + 2, { size: 7.5, color: TEXT, width: leftW });
    by = doc.y + 4;
  }
  text(doc, `${L.whyThisVat}: ${inv.vatReason}`, MARGIN, by + 4, { size: 7, color: GREY, width: leftW });
  by = doc.y;

  // Totals (right)
  const tx = MARGIN + 300;
  const tw = CONTENT_WIDTH - 300;
  let ty = y;
  const row = (label: string, value: string, strong = false) => {
    text(doc, label, tx, ty, { size: strong ? 10 : 9, font: strong ? "bold" : "regular", width: tw * 0.55 });
    text(doc, value, tx + tw * 0.45, ty, { size: strong ? 10 : 9, font: strong ? "bold" : "regular", width: tw * 0.55, align: "right" });
    ty += strong ? 18 : 15;
  };
  row(L.totalExclVat, money(inv.totals.taxExclusiveTotal));
  row(L.totalVat, money(inv.totals.vatTotal));
  doc.rect(tx, ty - 2, tw, 0.8).fill(RULE);
  ty += 4;
  row(L.totalInclVat, money(inv.totals.taxInclusiveTotal), true);
  if (!dec(inv.totals.paidAmount).isZero()) row(L.paid, money(inv.totals.paidAmount));
  if (inv.currency !== "EUR" && inv.vatTotalEur) {
    // Art. 230 Directive 2006/112/EC: the VAT amount in the member state's currency.
    row(`${L.totalVat} (EUR, ${formatDecimal(inv.exchangeRateToEur ?? "", inv.language, 0)})`, formatMoney(inv.vatTotalEur, "EUR", inv.language));
  }
  doc.roundedRect(tx, ty, tw, 24, 3).fill(accent);
  const credit = inv.kind === "CREDIT_NOTE";
  text(doc, credit ? L.credited : L.amountDue, tx + 8, ty + 7, { font: "bold", size: 10, color: "#ffffff", width: tw * 0.5 });
  text(doc, money(credit ? inv.totals.taxInclusiveTotal : inv.totals.amountDue), tx + tw * 0.4, ty + 7, { font: "bold", size: 10, color: "#ffffff", width: tw * 0.6 - 8, align: "right" });
  ty += 36;

  y = Math.max(by, ty) + 10;

  // Settled invoices say how, instead of asking for a transfer.
  if (inv.kind === "INVOICE" && inv.settlement) {
    const message = inv.settlement.kind === "paid" ? L.paidOn(formatDate(inv.settlement.paidOn, inv.language), inv.settlement.method) : L.paidByDirectDebit(inv.settlement.mandateId);
    doc.roundedRect(MARGIN, y, CONTENT_WIDTH, 34, 4).lineWidth(1.2).strokeColor("#1a7f37").stroke();
    text(doc, message, MARGIN + 12, y + 11, { font: "bold", size: 10, color: "#1a7f37", width: CONTENT_WIDTH - 24 });
    y += 44;
  }

  // Payment block: transfer details and, for EUR invoices, the EPC QR code banking apps scan; with a
  // payment page, its link and a second QR code that opens it.
  else if (inv.kind === "INVOICE" && due.greaterThan(0) && inv.paymentReference) {
    const epc = inv.currency === "EUR" && inv.seller.iban ? epcPayloadFor(inv) : null;
    const codes = [
      ...(inv.paymentPageUrl ? [{ payload: inv.paymentPageUrl, caption: L.payOnline }] : []),
      ...(epc ? [{ payload: epc, caption: L.scanToPay }] : []),
    ];
    const size = 96;
    const textWidth = CONTENT_WIDTH - 24 - codes.length * (size + 14);
    text(doc, L.payment.toUpperCase(), MARGIN + 12, y + 10, { font: "bold", size: 7.5, color: accent, characterSpacing: 0.5 });
    text(doc, L.paymentInstruction(money(inv.totals.amountDue), inv.dueDate ? formatDate(inv.dueDate, inv.language) : "—"), MARGIN + 12, y + 24, {
      size: 9,
      width: textWidth,
    });
    const py = doc.y + 6;
    const pairs: [string, string][] = [
      ["IBAN", inv.seller.iban ? formatIbanGroups(inv.seller.iban) : "—"],
      ["BIC", inv.seller.bic ?? "—"],
      [L.structuredCommunication, inv.paymentReference],
    ];
    // Three columns without codes, two beside one code, stacked beside two (an IBAN needs ~125 pt).
    const columns = codes.length === 0 ? 3 : codes.length === 1 ? 2 : 1;
    const colW = textWidth / columns;
    let bottom = py;
    pairs.forEach(([label, value], i) => {
      const col = i % columns;
      const rowY = py + Math.floor(i / columns) * (columns === 1 ? 25 : 28);
      text(doc, label, MARGIN + 12 + col * colW, rowY, { size: 7.5, color: GREY, width: colW - 8 });
      text(doc, value, MARGIN + 12 + col * colW, rowY + 11, { font: "bold", size: 10, width: colW - 8 });
      bottom = Math.max(bottom, doc.y);
    });
    if (inv.paymentPageUrl) {
      text(doc, L.payOnlineText, MARGIN + 12, bottom + 6, { size: 8, color: GREY, width: textWidth });
      const urlY = doc.y + 1;
      text(doc, inv.paymentPageUrl, MARGIN + 12, urlY, { size: 7.5, color: accent, width: textWidth });
      doc.link(MARGIN + 12, urlY, textWidth, doc.y - urlY, inv.paymentPageUrl);
      bottom = doc.y;
    }
    codes.forEach((code, i) => {
      const qx = MARGIN + CONTENT_WIDTH - 10 - size - (codes.length - 1 - i) * (size + 14);
      drawQrCode(doc, code.payload, qx, y + 8, size);
      text(doc, code.caption, qx - 7, y + 8 + size, { size: 6.5, color: GREY, width: size + 14, align: "center" });
    });
    const boxHeight = Math.max(bottom - y + 10, codes.length ? 118 : 0);
    doc.roundedRect(MARGIN, y, CONTENT_WIDTH, boxHeight, 4).lineWidth(0.8).strokeColor(RULE).stroke();
    y += boxHeight + 10;
  }
  return y;
}

function footer(doc: Doc, inv: IssuedInvoice, L: PdfLabels) {
  const range = doc.bufferedPageRange();
  const s = inv.seller;
  const line = [s.companyName || s.name, s.vatNumber, s.iban ? `IBAN ${formatIbanGroups(s.iban)}` : null].filter(Boolean).join("  ·  ");
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = A4.height - MARGIN - 12;
    // Writing inside the bottom margin: lift it for the footer, or pdfkit would add a page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.rect(MARGIN, y - 8, CONTENT_WIDTH, 0.6).fill(RULE);
    text(doc, line, MARGIN, y, { size: 7, color: GREY, width: CONTENT_WIDTH * 0.75, lineBreak: false, ellipsis: true });
    text(doc, `${inv.formattedNumber} — ${L.page(i - range.start + 1, range.count)}`, MARGIN + CONTENT_WIDTH * 0.6, y, {
      size: 7,
      color: GREY,
      width: CONTENT_WIDTH * 0.4,
      align: "right",
      lineBreak: false,
    });
    doc.page.margins.bottom = bottomMargin;
  }
}

function epcPayloadFor(inv: IssuedInvoice): string | null {
  try {
    return epcQrPayload({
      bic: inv.seller.bic ?? null,
      name: (inv.seller.companyName || inv.seller.name).slice(0, 70),
      iban: inv.seller.iban!,
      amount: inv.totals.amountDue,
      structuredReference: inv.paymentReference ? epcReferenceFromStructuredCommunication(inv.paymentReference) : null,
    });
  } catch {
    return null; // an invalid IBAN or amount: print the transfer details without a code
  }
}

function formatIbanGroups(iban: string): string {
  return iban.replace(/\s/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}

const regionNames = new Map<string, Intl.DisplayNames>();
const countryNameRemembered = remembered((code, language) => countryNameUncached(code, language));

/** A country's name in a language. */
function countryName(code: string | null | undefined, language: string): string | null {
  return code ? countryNameRemembered(code, language) : null;
}

function countryNameUncached(code: string, language: string): string {
  try {
    let names = regionNames.get(language);
    if (!names) regionNames.set(language, (names = new Intl.DisplayNames([language], { type: "region" })));
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
