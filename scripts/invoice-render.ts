import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildInvoiceDraft, InvoiceInputError, type SellerSettings } from "~/domain/invoice/build-invoice-draft";
import type { ChannelOrder, InvoiceDraft, IssuedInvoice, Language } from "~/domain/invoice/types";
import { renderInvoicePdf } from "~/domain/pdf/render-invoice-pdf";
import { sampleSellerSettings } from "~/domain/pdf/sample-invoice";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import { writeUbl } from "~/domain/ubl/write-ubl";
import { OrderInputError, readOrderInput } from "./read-order-input";

/**
 * npm run invoice:render -- order.json [--out dir] [--seller seller.json] [--number 1] [--oss]
 * Renders a Shopify order, a WooCommerce order (either bare, as a webhook sends it, or wrapped as
 * {"order": {…}}, as their REST APIs answer) or a Facto ChannelOrder (JSON) to the PDF and the
 * PEPPOL UBL a merchant would get, without a database — to inspect documents. Input it cannot read
 * gets one line saying what was expected and what was found, and exit code 2.
 */
const USAGE = "usage: npm run invoice:render -- order.json [--out dir] [--seller seller.json] [--number 1] [--oss] [--language nl|fr|en|de]";

/** A problem with what the user gave: printed as one line, exit code 2 (no stack trace). */
function fail(message: string): never {
  process.stderr.write(`invoice:render: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(2);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    return fail(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

let parsedArgs;
try {
  parsedArgs = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string", default: "var/render" }, seller: { type: "string" }, number: { type: "string", default: "1" }, oss: { type: "boolean", default: false }, language: { type: "string" } },
  });
} catch (error) {
  fail(`${(error as Error).message}; ${USAGE}`);
}
const { values, positionals } = parsedArgs;
const file = positionals[0];
if (!file) fail(USAGE);
const number = Number(values.number);
if (!Number.isInteger(number) || number < 1) fail(`--number must be a whole number from 1, not "${values.number}"`);
if (values.language && !["nl", "fr", "en", "de"].includes(values.language)) fail(`--language must be nl, fr, en or de, not "${values.language}"`);

let order: ChannelOrder;
try {
  order = readOrderInput(readText(file, "order file"));
} catch (error) {
  if (error instanceof OrderInputError) fail(`${file}: ${error.message}`);
  throw error;
}
let seller: SellerSettings;
if (values.seller) {
  try {
    seller = JSON.parse(readText(values.seller, "seller file")) as SellerSettings;
  } catch (error) {
    fail(`${values.seller}: not JSON (${(error as Error).message}); expected the seller's settings (name, vatNumber, countryCode, iban, defaultLanguage, paymentTermDays, …)`);
  }
} else {
  seller = sampleSellerSettings((values.language as Language) ?? "nl");
}
let draft: InvoiceDraft;
try {
  draft = buildInvoiceDraft(order, seller, { issueDate: new Date().toISOString().slice(0, 10), vat: { ossDestinationTaxation: values.oss ?? false, buyerVat: null } });
} catch (error) {
  if (error instanceof InvoiceInputError) fail(`${file}: this order cannot be invoiced: ${error.message}`);
  throw error;
}
const invoice: IssuedInvoice = { ...draft, number, formattedNumber: `INV-${String(number).padStart(4, "0")}`, paymentReference: structuredCommunication(number) };
const pdf = await renderInvoicePdf(invoice, { createdAt: new Date() });
const ubl = writeUbl(invoice, { pdf });
mkdirSync(values.out!, { recursive: true });
const base = path.join(values.out!, invoice.formattedNumber);
writeFileSync(`${base}.pdf`, pdf);
writeFileSync(`${base}.xml`, ubl);
process.stdout.write(`${invoice.vatRegime}: ${invoice.currency} ${invoice.totals.taxInclusiveTotal} (VAT ${invoice.totals.vatTotal})\n${base}.pdf\n${base}.xml\n`);
