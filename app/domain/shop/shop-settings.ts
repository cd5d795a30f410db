import { z } from "zod";
import { formatBelgianVatNumber, isValidBelgianEnterpriseNumber } from "../banking/belgian-enterprise-number";
import { isValidBic, isValidIban, normalizeIban } from "../banking/iban";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .transform((v) => (v === "" ? null : v));

/**
 * The merchant's company settings as posted by the settings form. Messages are shown next to the
 * fields, so they say what to do.
 */
export const ShopSettingsInput = z
  .object({
    legalName: z.string().trim().min(1, "Enter the legal name of your company").max(200),
    street: z.string().trim().min(1, "Enter the street and number").max(200),
    postalCode: z.string().trim().min(1, "Enter the postal code").max(20),
    city: z.string().trim().min(1, "Enter the city").max(100),
    countryCode: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "Choose a country"),
    vatNumber: z.string().trim().toUpperCase().min(1, "Enter your VAT number").transform((v) => v.replace(/[\s.\-]/g, "")),
    enterpriseNumber: optionalText(20),
    iban: z
      .string()
      .trim()
      .min(1, "Enter the IBAN customers pay to")
      .refine(isValidIban, "This IBAN is not valid (check digits)")
      .transform(normalizeIban),
    bic: optionalText(11).refine((v) => v === null || isValidBic(v), "A BIC has 8 or 11 characters, e.g. GKCCBEBB"),
    email: optionalText(200).refine((v) => v === null || z.email().safeParse(v).success, "Enter a valid e-mail address"),
    phone: optionalText(40),
    defaultLanguage: z.enum(["nl", "fr", "en", "de"], "Choose nl, fr, en or de"),
    paymentTermDays: z.coerce.number("Enter a number of days").int().min(0, "0 days or more").max(365, "At most 365 days"),
    invoiceTrigger: z.enum(["ORDER_CREATED", "ORDER_PAID", "ORDER_FULFILLED"], "Choose when invoices are issued"),
  })
  .superRefine((s, ctx) => {
    if (s.countryCode === "BE") {
      if (!isValidBelgianEnterpriseNumber(s.vatNumber)) {
        ctx.addIssue({ code: "custom", path: ["vatNumber"], message: "A Belgian VAT number is BE + 10 digits with a valid check (e.g. BE0123456749)" });
      }
      if (s.enterpriseNumber && !isValidBelgianEnterpriseNumber(s.enterpriseNumber)) {
        ctx.addIssue({ code: "custom", path: ["enterpriseNumber"], message: "An enterprise number has 10 digits with a valid check" });
      }
    } else if (!/^[A-Z]{2}[A-Z0-9]{2,13}$/.test(s.vatNumber)) {
      ctx.addIssue({ code: "custom", path: ["vatNumber"], message: "Enter the VAT number with its country prefix" });
    }
  })
  .transform((s) => ({
    ...s,
    vatNumber: s.countryCode === "BE" ? formatBelgianVatNumber(s.vatNumber) : s.vatNumber,
    enterpriseNumber: s.enterpriseNumber ? s.enterpriseNumber.replace(/[\s.\-]/g, "").replace(/^BE/i, "") : s.countryCode === "BE" ? formatBelgianVatNumber(s.vatNumber).slice(2) : null,
    bic: s.bic?.toUpperCase() ?? null,
  }));

export type ShopSettingsInput = z.infer<typeof ShopSettingsInput>;

/** Field → first message, for the form. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

/** Numbering and VAT position, posted with the settings form. */
export const InvoicingOptionsInput = z.object({
  ossDestinationTaxation: checkbox,
  creditNoteSeries: checkbox,
  invoicePrefix: z.string().trim().max(20, "At most 20 characters").regex(/^[A-Za-z0-9\-/_.]*$/, "Letters, digits and - / _ . only"),
  invoiceFormat: z.enum(["{prefix}{number}", "{prefix}{year}-{number}", "{year}{prefix}{number}"], "Choose a number format"),
  invoicePadding: z.coerce.number("Enter a number of digits").int().min(0, "0 to 10 digits").max(10, "0 to 10 digits"),
  yearlyReset: checkbox,
  lastInvoiceNumber: z
    .string()
    .trim()
    .regex(/^\d*$/, "Enter the number of your last invoice, digits only")
    .transform((v) => (v === "" ? undefined : Number(v))),
});
export type InvoicingOptionsInput = z.infer<typeof InvoicingOptionsInput>;
