import { describe, expect, it } from "vitest";
import type { Language } from "../invoice/types";
import { defaultTemplate, PLACEHOLDERS, renderEmail, unknownPlaceholders, type EmailKind, type TemplateValues } from "./email-templates";

const values: TemplateValues = {
  shopName: "Atelier Lumière BV",
  customerName: "Els <Vermeulen>",
  invoiceNumber: "INV-0042",
  amount: "228,91 EUR",
  amountDue: "128,91 EUR",
  dueDate: "07/12/2026",
  paymentLink: "https://facto.example/pay/abcDEF123_-abcDEF123_-abcDEF12",
  structuredCommunication: "+++090/9337/55493+++",
  paidDate: "24/11/2026",
};
const KINDS: EmailKind[] = ["INVOICE", "CREDIT_NOTE", "REMINDER", "THANK_YOU", "COLLECTION_NOTICE"];
const LANGUAGES: Language[] = ["nl", "fr", "en", "de"];

describe("customer e-mail templates", () => {
  it("ships a text for every kind and language that uses only known placeholders", () => {
    for (const kind of KINDS) {
      for (const language of LANGUAGES) {
        const t = defaultTemplate(kind, language);
        expect(unknownPlaceholders(t.subject + t.body), `${kind} ${language}`).toEqual([]);
        const rendered = renderEmail(t, values, { language, accentColor: "#1f4e79", showPayButton: true });
        expect(rendered.subject + rendered.text, `${kind} ${language}`).not.toMatch(/\{\{/);
        expect(rendered.text).toContain("INV-0042");
      }
    }
  });

  it("puts the transfer reference and the payment link in invoices and reminders", () => {
    for (const language of LANGUAGES) {
      for (const kind of ["INVOICE", "REMINDER"] as const) {
        const { text } = renderEmail(defaultTemplate(kind, language), values, { language, accentColor: "#1f4e79", showPayButton: true });
        expect(text).toContain("+++090/9337/55493+++");
        expect(text).toContain(values.paymentLink);
      }
      expect(renderEmail(defaultTemplate("REMINDER", language), values, { language, accentColor: "#000000", showPayButton: true }).text).toContain("128,91 EUR");
    }
  });

  it("escapes what merchants and customers wrote in the HTML part and links the payment page", () => {
    const { html, text } = renderEmail({ subject: "Hi {{customerName}}", body: "Dear {{customerName}},\n\nPay at {{paymentLink}} <b>now</b>" }, values, { language: "en", accentColor: "#aa0000", showPayButton: true });
    expect(text).toContain("Dear Els <Vermeulen>");
    expect(html).toContain("Dear Els &lt;Vermeulen&gt;");
    expect(html).toContain("&lt;b&gt;now&lt;/b&gt;");
    expect(html).toContain(`<a href="${values.paymentLink}">${values.paymentLink}</a>`);
    expect(html).toMatch(/background:#aa0000[^>]*>View and pay<\/a>/);
  });

  it("leaves the button out when asked and never lets a bad colour into the style", () => {
    const { html } = renderEmail(defaultTemplate("THANK_YOU", "fr"), values, { language: "fr", accentColor: "red;background:url(x)", showPayButton: false });
    expect(html).not.toContain("Voir et payer");
    const withButton = renderEmail(defaultTemplate("INVOICE", "fr"), values, { language: "fr", accentColor: "red;background:url(x)", showPayButton: true }).html;
    expect(withButton).toContain("background:#1f4e79");
    expect(withButton).not.toContain("url(x)");
  });

  it("names the placeholders it does not know, once each, and keeps the subject on one line", () => {
    expect(unknownPlaceholders("{{amuont}} {{ invoiceNumber }} {{amuont}} {{shopname}}")).toEqual(["amuont", "shopname"]);
    expect(PLACEHOLDERS).toContain("structuredCommunication");
    const { subject } = renderEmail({ subject: "A\r\nBcc: x@evil.example {{invoiceNumber}}", body: "x" }, values, { language: "en", accentColor: "#000000", showPayButton: false });
    expect(subject).toBe("A Bcc: x@evil.example INV-0042");
  });
});
