import { z } from "zod";
import { PRODUCT_VAT_CLASSES } from "./product-vat-classes";

export { PRODUCT_VAT_CLASSES };

export const ProductVatClassInput = z.object({
  sku: z.string().trim().min(1, "Enter the SKU").max(100, "At most 100 characters"),
  vatClass: z.enum(PRODUCT_VAT_CLASSES, `Choose one of ${PRODUCT_VAT_CLASSES.join(", ")}`),
});
