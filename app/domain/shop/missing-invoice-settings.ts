/** The seller data Belgian invoice law requires on every invoice (Royal Decree no. 1, art. 5). */
export interface SellerFields {
  legalName?: string | null;
  street?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
  vatNumber?: string | null;
  iban?: string | null;
}

const REQUIRED: { key: keyof SellerFields; label: string }[] = [
  { key: "legalName", label: "company name" },
  { key: "street", label: "street and number" },
  { key: "postalCode", label: "postal code" },
  { key: "city", label: "city" },
  { key: "countryCode", label: "country" },
  { key: "vatNumber", label: "VAT number" },
  { key: "iban", label: "IBAN" },
];

/** The labels of the mandatory fields still empty; an empty list means invoices may be issued. */
export function missingInvoiceSettings(shop: SellerFields): string[] {
  return REQUIRED.filter(({ key }) => !shop[key]?.toString().trim()).map(({ label }) => label);
}
