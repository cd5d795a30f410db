import { RATE_CATEGORIES } from "../vat/rate-table";

/** A product's VAT class as the merchant sets it per SKU: a rate category of the country, or exempt. */
export const PRODUCT_VAT_CLASSES = [...RATE_CATEGORIES, "exempt"] as const;
