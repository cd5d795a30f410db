import { describe, expect, it } from "vitest";
import { EmailTemplateInput, PaymentSettingsInput } from "./payment-settings";

const base = { mollieApiKey: "", removeMollieKey: "", payOnlineMaxAmount: "", afterPaymentMessage: "", afterPaymentUrl: "", invoiceSender: "FACTO", thankYouEmail: "on", remindersEnabled: "on", reminderDays: "7, 14, 30" };

describe("payment settings input", () => {
  it("accepts a complete form and normalizes amounts and reminder days", () => {
    const parsed = PaymentSettingsInput.parse({ ...base, mollieApiKey: `live_${"A1".repeat(15)}`, payOnlineMaxAmount: "499,5", reminderDays: "30 7;14,7" });
    expect(parsed).toMatchObject({ payOnlineMaxAmount: "499.50", reminderDays: [7, 14, 30], thankYouEmail: true, remindersEnabled: true, afterPaymentUrl: null });
  });

  it("explains what is wrong with each field", () => {
    const result = PaymentSettingsInput.safeParse({ ...base, mollieApiKey: "sk_live_123", payOnlineMaxAmount: "lots", afterPaymentUrl: "http://insecure.example", reminderDays: "7, 0", invoiceSender: "SHOP" });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(messages.mollieApiKey).toMatch(/test_ or live_/);
    expect(messages.payOnlineMaxAmount).toMatch(/amount like 500/);
    expect(messages.afterPaymentUrl).toMatch(/https:\/\//);
    expect(messages.reminderDays).toMatch(/1 to 365/);
    expect(messages.invoiceSender).toMatch(/who sends/);
  });

  it("refuses templates with placeholders Facto does not know", () => {
    const result = EmailTemplateInput.safeParse({ kind: "REMINDER", language: "nl", subject: "Herinnering {{invoiceNumber}}", body: "Betaal {{amuont}} aub" });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(["body"]);
    expect(result.error!.issues[0]!.message).toContain("{{amuont}}");
    expect(EmailTemplateInput.safeParse({ kind: "REMINDER", language: "nl", subject: "Herinnering {{invoiceNumber}}", body: "Betaal {{amountDue}}" }).success).toBe(true);
  });
});
