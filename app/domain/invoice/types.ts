/**
 * Facto's own invoice vocabulary. Platform mappers (app/integrations/<vendor>) produce a
 * ChannelOrder; the domain turns it into an InvoiceDraft; the service numbers it into an
 * IssuedInvoice, which is what every document (PDF, UBL) is rendered from.
 * All amounts are decimal strings ("12.30"); rates are percentages ("21").
 */

export type Channel = "SHOPIFY" | "WOOCOMMERCE";
export type DocumentKind = "INVOICE" | "CREDIT_NOTE";
export type LineKind = "GOODS" | "SHIPPING" | "FEE";
/** UNCL5305 VAT category codes used by EN 16931. */
export type VatCategory = "S" | "Z" | "E" | "AE" | "K" | "G" | "O";
export type Language = "nl" | "fr" | "en" | "de";

export interface Address {
  street?: string | null;
  postalCode?: string | null;
  city?: string | null;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string | null;
}

export interface Party extends Address {
  name: string;
  companyName?: string | null;
  vatNumber?: string | null;
  enterpriseNumber?: string | null;
  email?: string | null;
  phone?: string | null;
  iban?: string | null;
  bic?: string | null;
}

export interface ChannelOrderLine {
  kind: LineKind;
  description: string;
  sku?: string | null;
  /** Decimal string; may have decimals. */
  quantity: string;
  /** Unit price as the shop shows it: incl. VAT when the order's prices include VAT. */
  unitPrice: string;
  /** Total discount on the line (same VAT basis as unitPrice). */
  discount: string;
  /** The VAT rate the shop applied (percent), if any. */
  channelVatRate?: string | null;
  /** Goods (default) or services: decides reverse charge and export treatment. */
  supply?: "goods" | "services";
}

export interface ChannelCustomer extends Address {
  /** The channel's customer id, or null for a guest checkout. */
  externalId: string | null;
  email?: string | null;
  name: string;
  companyName?: string | null;
  vatNumber?: string | null;
  language?: string | null;
}

/** A shop order in platform-neutral form. */
export interface ChannelOrder {
  channel: Channel;
  orderId: string;
  orderName: string;
  /** ISO 8601 timestamp of the order. */
  createdAt: string;
  currency: string;
  pricesIncludeVat: boolean;
  taxExempt: boolean;
  customer: ChannelCustomer;
  shippingAddress?: Address | null;
  lines: ChannelOrderLine[];
  /** The shop's own totals, kept to compare with ours. */
  channelTotals: { total: string; tax: string };
  /** Discounts on the whole order (same VAT basis as the prices), spread over the lines pro rata. */
  orderDiscounts?: { description: string; amount: string }[];
  /** Units of EUR per unit of the order currency, when the order is not in EUR and the channel knows it. */
  exchangeRateToEur?: string | null;
}

export interface InvoiceLineDraft {
  position: number;
  kind: LineKind;
  description: string;
  sku: string | null;
  quantity: string;
  /** Net unit price (excl. VAT), up to 6 decimals. */
  unitPriceNet: string;
  /** Net discount on the line, 2 decimals. */
  discountAmount: string;
  /** BT-131: quantity × net unit price − discount, rounded to 2 decimals. */
  lineNet: string;
  vatCategory: VatCategory;
  vatRate: string;
}

export interface VatSubtotal {
  vatCategory: VatCategory;
  vatRate: string;
  /** BT-116 */
  taxableAmount: string;
  /** BT-117 = BT-116 × rate, rounded once per rate. */
  taxAmount: string;
  exemptionReason: string | null;
}

export interface InvoiceTotals {
  /** BT-106 Σ line net */
  lineNetTotal: string;
  /** BT-107 */
  allowanceTotal: string;
  /** BT-108 */
  chargeTotal: string;
  /** BT-109 */
  taxExclusiveTotal: string;
  /** BT-110 */
  vatTotal: string;
  /** BT-112 */
  taxInclusiveTotal: string;
  /** BT-113 */
  paidAmount: string;
  /** BT-115 */
  amountDue: string;
}

export interface InvoiceDraft {
  kind: DocumentKind;
  channel: Channel;
  sourceId: string;
  orderId: string;
  orderName: string;
  currency: string;
  language: Language;
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD: when the goods were supplied (the order date); printed when it differs from the issue date. */
  supplyDate: string | null;
  /** YYYY-MM-DD */
  dueDate: string | null;
  vatRegime: string;
  /** Why this VAT: a sentence a merchant and an accountant understand. */
  vatReason: string;
  seller: Party;
  buyer: Party;
  lines: InvoiceLineDraft[];
  vatSubtotals: VatSubtotal[];
  totals: InvoiceTotals;
  /** For invoices not in EUR: the rate used and the VAT total in EUR (art. 230 Directive 2006/112/EC). */
  exchangeRateToEur: string | null;
  vatTotalEur: string | null;
  /** A credit note's original invoice (BT-25/BT-26). */
  billingReference?: { formattedNumber: string; issueDate: string } | null;
  /** How the invoice is settled, when known: paid (date, method) or collected by direct debit. */
  settlement?: { kind: "paid"; paidOn: string; method: string } | { kind: "direct-debit"; mandateId: string } | null;
  /** The public payment page of the invoice (/pay/:token): printed as a link with its own QR code. */
  paymentPageUrl?: string | null;
}

export interface IssuedInvoice extends InvoiceDraft {
  number: number;
  formattedNumber: string;
  /** Belgian structured communication, e.g. "+++090/9337/55493+++". */
  paymentReference: string | null;
}

/** A refund (or a cancellation) of an invoiced order, as the channel reports it. */
export interface ChannelRefund {
  /** The channel's refund id ("cancel:<order id>" for a cancellation). */
  refundId: string;
  orderId: string;
  /** ISO timestamp. */
  createdAt: string;
  /** Refunded order lines, matched to the invoice's lines by SKU, else by description. */
  lines: { sku?: string | null; description: string; quantity: string; /** total refunded for the line, same VAT basis as the order */ amount: string }[];
  /** Refunded shipping, same VAT basis as the order. */
  shipping: string;
  /** A refund of an amount without lines (goodwill): spread over the invoice's VAT rates. */
  otherAmount?: string;
  reason?: string | null;
  /** True when the whole order is refunded or cancelled: the credit note mirrors the invoice. */
  full: boolean;
}
