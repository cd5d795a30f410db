import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildInvoiceDraft, type SellerSettings } from "~/domain/invoice/build-invoice-draft";
import type { ChannelOrder, IssuedInvoice, Language } from "~/domain/invoice/types";
import { renderInvoicePdf } from "~/domain/pdf/render-invoice-pdf";
import { sampleSellerSettings } from "~/domain/pdf/sample-invoice";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import { writeUbl } from "~/domain/ubl/write-ubl";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { mapWooOrder } from "~/integrations/woocommerce/map-woo-order";
import { WooOrderPayload } from "~/integrations/woocommerce/order-payload";
import { parseJsonExact } from "~/utils/parse-json-exact";

/**
 * npm run invoice:render -- order.json [--out dir] [--seller seller.json] [--number 1] [--oss]
 * Renders a Shopify order, a WooCommerce order or a Facto ChannelOrder (JSON) to the PDF and the
 * PEPPOL UBL a merchant would get, without a database — to inspect documents.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: "string", default: "var/render" }, seller: { type: "string" }, number: { type: "string", default: "1" }, oss: { type: "boolean", default: false }, language: { type: "string" } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write("usage: npm run invoice:render -- order.json [--out dir] [--seller seller.json] [--number 1] [--oss]\n");
  process.exit(2);
}
const raw = parseJsonExact(readFileSync(file, "utf8")) as Record<string, unknown>;
const order: ChannelOrder =
  "prices_include_tax" in raw ? mapWooOrder(WooOrderPayload.parse(raw)) : "line_items" in raw ? mapShopifyOrder(ShopifyOrderPayload.parse(raw)) : (raw as unknown as ChannelOrder);
const seller: SellerSettings = values.seller
  ? (JSON.parse(readFileSync(values.seller, "utf8")) as SellerSettings)
  : sampleSellerSettings((values.language as Language) ?? "nl");
const number = Number(values.number);
const draft = buildInvoiceDraft(order, seller, { issueDate: new Date().toISOString().slice(0, 10), vat: { ossDestinationTaxation: values.oss ?? false, buyerVat: null } });
const invoice: IssuedInvoice = { ...draft, number, formattedNumber: `INV-${String(number).padStart(4, "0")}`, paymentReference: structuredCommunication(number) };
const pdf = await renderInvoicePdf(invoice, { createdAt: new Date() });
const ubl = writeUbl(invoice, { pdf });
mkdirSync(values.out!, { recursive: true });
const base = path.join(values.out!, invoice.formattedNumber);
writeFileSync(`${base}.pdf`, pdf);
writeFileSync(`${base}.xml`, ubl);
process.stdout.write(`${invoice.vatRegime}: ${invoice.currency} ${invoice.totals.taxInclusiveTotal} (VAT ${invoice.totals.vatTotal})\n${base}.pdf\n${base}.xml\n`);
