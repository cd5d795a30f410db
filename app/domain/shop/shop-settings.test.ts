import { describe, expect, it } from "vitest";
import { fieldErrors, InvoicingOptionsInput, ShopSettingsInput } from "./shop-settings";

const valid = {
  legalName: "Atelier Lumière BV",
  street: "Rue de la Loi 16",
  postalCode: "1000",
  city: "Brussel",
  countryCode: "be",
  vatNumber: "BE 0123.456.749",
  enterpriseNumber: "",
  iban: "be68 5390 0754 7034",
  bic: "gkccbebb",
  email: "facturen@atelier.example",
  phone: "",
  defaultLanguage: "nl",
  paymentTermDays: "14",
  invoiceTrigger: "ORDER_CREATED",
};

describe("ShopSettingsInput", () => {
  it("normalizes a valid Belgian company", () => {
    const s = ShopSettingsInput.parse(valid);
    expect(s).toMatchObject({ countryCode: "BE", vatNumber: "BE0123456749", enterpriseNumber: "0123456749", iban: "BE68539007547034", bic: "GKCCBEBB", paymentTermDays: 14, phone: null });
  });

  it("explains every wrong field", () => {
    const result = ShopSettingsInput.safeParse({ ...valid, legalName: " ", iban: "BE68539007547035", vatNumber: "BE0123456748", paymentTermDays: "-1", bic: "XX" });
    expect(result.success).toBe(false);
    const errors = fieldErrors(result.error!);
    expect(errors).toMatchObject({
      legalName: "Enter the legal name of your company",
      iban: "This IBAN is not valid (check digits)",
      paymentTermDays: "0 days or more",
    });
    expect(errors.bic).toContain("8 or 11");
  });

  it("checks the Belgian VAT number when the other fields are valid", () => {
    const result = ShopSettingsInput.safeParse({ ...valid, vatNumber: "BE0123456748" });
    expect(fieldErrors(result.error!).vatNumber).toContain("valid check");
  });
});

describe("InvoicingOptionsInput", () => {
  it("reads checkboxes and the optional last number", () => {
    expect(
      InvoicingOptionsInput.parse({ ossDestinationTaxation: "on", creditNoteSeries: "", invoicePrefix: "F", invoiceFormat: "{prefix}{year}-{number}", invoicePadding: "3", yearlyReset: "on", lastInvoiceNumber: "115" }),
    ).toEqual({ ossDestinationTaxation: true, creditNoteSeries: false, invoicePrefix: "F", invoiceFormat: "{prefix}{year}-{number}", invoicePadding: 3, yearlyReset: true, lastInvoiceNumber: 115 });
    expect(InvoicingOptionsInput.parse({ invoicePrefix: "", invoiceFormat: "{prefix}{number}", invoicePadding: "0", lastInvoiceNumber: "" }).lastInvoiceNumber).toBeUndefined();
  });
  it("explains wrong values", () => {
    const r = InvoicingOptionsInput.safeParse({ invoicePrefix: "F#", invoiceFormat: "{number}", invoicePadding: "12", lastInvoiceNumber: "12a" });
    expect(fieldErrors(r.error!)).toEqual({
      invoicePrefix: "Letters, digits and - / _ . only",
      invoiceFormat: "Choose a number format",
      invoicePadding: "0 to 10 digits",
      lastInvoiceNumber: "Enter the number of your last invoice, digits only",
    });
  });
});
