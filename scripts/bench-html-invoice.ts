import type { IssuedInvoice } from "~/domain/invoice/types";

/**
 * The same invoice as an HTML page, the way HTML-template invoice apps render theirs before printing
 * to PDF with a headless browser. Only for the benchmark's comparison with Facto's pdfkit renderer.
 */
const esc = (s: string | null | undefined) => (s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function invoiceHtml(inv: IssuedInvoice): string {
  const party = (p: IssuedInvoice["seller"]) => [p.companyName || p.name, p.street, [p.postalCode, p.city].filter(Boolean).join(" "), p.countryCode, p.vatNumber].filter(Boolean).map(esc).join("<br>");
  const rows = inv.lines
    .map((l) => `<tr><td>${esc(l.description)}<br><small>${esc(l.sku)}</small></td><td class="n">${l.quantity}</td><td class="n">${l.unitPriceNet}</td><td class="n">${l.discountAmount}</td><td class="n">${l.vatRate} %</td><td class="n">${l.lineNet}</td></tr>`)
    .join("");
  const vat = inv.vatSubtotals.map((s) => `<tr><td>${s.vatCategory} ${s.vatRate} %</td><td class="n">${s.taxableAmount}</td><td class="n">${s.taxAmount}</td></tr>`).join("");
  return `<!doctype html><html lang="${inv.language}"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 18mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #1a1a1a; }
h1 { color: #1f4e79; text-align: right; } table { width: 100%; border-collapse: collapse; } th { background: #1f4e79; color: #fff; text-align: left; padding: 4px; }
td { padding: 4px; border-bottom: 1px solid #ddd; } .n { text-align: right; } thead { display: table-header-group; } .totals { width: 45%; margin-left: auto; }
</style></head><body>
<h1>INVOICE ${esc(inv.formattedNumber)}</h1>
<table><tr><td>${party(inv.seller)}</td><td>${party(inv.buyer)}</td><td>Date ${inv.issueDate}<br>Due ${inv.dueDate ?? ""}<br>Order ${esc(inv.orderName)}</td></tr></table>
<table><thead><tr><th>Description</th><th>Qty</th><th>Unit price</th><th>Discount</th><th>VAT</th><th>Total</th></tr></thead><tbody>${rows}</tbody></table>
<table class="totals">${vat}<tr><td>Total excl. VAT</td><td></td><td class="n">${inv.totals.taxExclusiveTotal}</td></tr><tr><td>VAT</td><td></td><td class="n">${inv.totals.vatTotal}</td></tr><tr><th>Amount due</th><th></th><th class="n">${inv.currency} ${inv.totals.amountDue}</th></tr></table>
<p>Please pay with the structured communication ${esc(inv.paymentReference)} to ${esc(inv.seller.iban)}.</p>
</body></html>`;
}
