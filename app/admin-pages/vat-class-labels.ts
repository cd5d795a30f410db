import type { PRODUCT_VAT_CLASSES } from "~/domain/shop/product-vat-classes";

export const VAT_CLASS_LABELS: Record<(typeof PRODUCT_VAT_CLASSES)[number], string> = {
  standard: "Standard rate (BE 21 %)",
  reduced1: "Reduced rate 1 (BE 6 %: books, food, …)",
  reduced2: "Reduced rate 2 (BE 12 %)",
  superReduced: "Super-reduced rate (where it exists)",
  zero: "Zero rate (BE 0 %: newspapers, …)",
  exempt: "Exempt (art. 44 services, …)",
};

