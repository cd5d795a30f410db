import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { PLACEHOLDERS, type EmailKind } from "~/domain/email/email-templates";
import type { Language } from "~/domain/invoice/types";
import { EMAIL_KINDS, EMAIL_LANGUAGES } from "./payment-options";
import type { paymentsAction, paymentsLoader } from "./payments.server";

export function PaymentsPage() {
  const { settings, templates, base } = useLoaderData<typeof paymentsLoader>();
  const result = useActionData<typeof paymentsAction>();
  const busy = useNavigation().state !== "idle";
  const errors: Record<string, string> = result?.errors ?? {};
  const [s, setS] = useState({ ...settings, mollieApiKey: "", removeMollieKey: false });
  // A saved key is never shown back: the field empties and the page says a key is stored.
  useEffect(() => {
    if (result?.ok && result.section === "settings") setS((prev) => ({ ...prev, hasMollieKey: settings.hasMollieKey, mollieApiKey: "", removeMollieKey: false }));
  }, [result, settings.hasMollieKey]);
  const [kind, setKind] = useState<EmailKind>("INVOICE");
  const [language, setLanguage] = useState<Language>("nl");
  const current = templates[`${kind}:${language}`]!;
  const [draft, setDraft] = useState({ subject: current.subject, body: current.body });
  const pick = (k: EmailKind, l: Language) => {
    setKind(k);
    setLanguage(l);
    const t = templates[`${k}:${l}`]!;
    setDraft({ subject: t.subject, body: t.body });
  };
  return (
    <Page title="Payments & e-mails" backAction={{ url: base }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title={result.section === "template" ? "E-mail text saved" : "Settings saved"} /> : null}
            {result && !result.ok ? <Banner tone="critical" title="Some fields need your attention" /> : null}
            <Form method="post">
              <input type="hidden" name="intent" value="settings" />
              <BlockStack gap="400">
                <Card>
                  <FormLayout>
                    <Text as="h2" variant="headingMd">Online payment (Mollie)</Text>
                    <Text as="p" tone="subdued">
                      {s.hasMollieKey ? "A Mollie API key is stored (encrypted). Enter a new one to replace it." : "No Mollie key yet: the payment page offers bank transfer only."}
                    </Text>
                    <TextField label="Mollie API key" name="mollieApiKey" type="password" value={s.mollieApiKey} onChange={(v) => setS({ ...s, mollieApiKey: v })} error={errors.mollieApiKey} autoComplete="off" helpText="From your Mollie dashboard: Developers → API keys (test_… or live_…)." />
                    {s.hasMollieKey ? (
                      <>
                        <Checkbox label="Remove the stored key (stop offering online payment)" checked={s.removeMollieKey} onChange={(v) => setS({ ...s, removeMollieKey: v })} />
                        <input type="hidden" name="removeMollieKey" value={s.removeMollieKey ? "on" : ""} />
                      </>
                    ) : null}
                    <TextField label="Maximum amount payable online" name="payOnlineMaxAmount" value={s.payOnlineMaxAmount} onChange={(v) => setS({ ...s, payOnlineMaxAmount: v })} error={errors.payOnlineMaxAmount} autoComplete="off" helpText="Above it the Pay online button is hidden (e.g. to limit fees). Empty: no maximum." />
                    <TextField label="Message after payment" name="afterPaymentMessage" value={s.afterPaymentMessage} onChange={(v) => setS({ ...s, afterPaymentMessage: v })} error={errors.afterPaymentMessage} multiline={2} autoComplete="off" />
                    <TextField label="Continue link after payment" name="afterPaymentUrl" value={s.afterPaymentUrl} onChange={(v) => setS({ ...s, afterPaymentUrl: v })} error={errors.afterPaymentUrl} autoComplete="off" helpText="e.g. your shop's account page (https://…)" />
                  </FormLayout>
                </Card>
                <Card>
                  <FormLayout>
                    <Text as="h2" variant="headingMd">E-mails to your customers</Text>
                    <Select
                      label="Who e-mails the invoices"
                      name="invoiceSender"
                      value={s.invoiceSender}
                      onChange={(v) => setS({ ...s, invoiceSender: v as typeof s.invoiceSender })}
                      error={errors.invoiceSender}
                      options={[
                        { value: "FACTO", label: "Facto (invoice with PDF, UBL for businesses, pay button; reminders)" },
                        { value: "PLATFORM", label: "My shop platform (Facto sends no invoices or reminders)" },
                        { value: "NONE", label: "Nobody (I send invoices myself)" },
                      ]}
                      helpText="One system sends them, so a customer never gets an invoice twice."
                    />
                    <Checkbox label="Thank the customer by e-mail after an online payment" checked={s.thankYouEmail} onChange={(v) => setS({ ...s, thankYouEmail: v })} />
                    <input type="hidden" name="thankYouEmail" value={s.thankYouEmail ? "on" : ""} />
                    <Checkbox label="Send payment reminders" checked={s.remindersEnabled} onChange={(v) => setS({ ...s, remindersEnabled: v })} helpText="Never for invoices collected by direct debit; they stop as soon as the invoice is paid." />
                    <input type="hidden" name="remindersEnabled" value={s.remindersEnabled ? "on" : ""} />
                    <TextField label="Reminder days after the due date" name="reminderDays" value={s.reminderDays} onChange={(v) => setS({ ...s, reminderDays: v })} error={errors.reminderDays} autoComplete="off" helpText="e.g. 7, 14, 30" />
                  </FormLayout>
                </Card>
                <Button submit variant="primary" loading={busy}>Save</Button>
              </BlockStack>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="template" />
              <input type="hidden" name="kind" value={kind} />
              <input type="hidden" name="language" value={language} />
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">E-mail texts</Text>
                  <FormLayout.Group>
                    <Select label="E-mail" options={EMAIL_KINDS} value={kind} onChange={(v) => pick(v as EmailKind, language)} />
                    <Select label="Language" options={EMAIL_LANGUAGES} value={language} onChange={(v) => pick(kind, v as Language)} />
                  </FormLayout.Group>
                  <Text as="p" tone="subdued">{current.custom ? "Your own text." : "Facto's standard text."} Placeholders: {PLACEHOLDERS.map((p) => `{{${p}}}`).join(" ")}</Text>
                  <TextField label="Subject" name="subject" value={draft.subject} onChange={(v) => setDraft({ ...draft, subject: v })} error={errors.subject} autoComplete="off" />
                  <TextField label="Text" name="body" value={draft.body} onChange={(v) => setDraft({ ...draft, body: v })} error={errors.body} multiline={10} autoComplete="off" />
                  <Button submit loading={busy}>Save this text</Button>
                </FormLayout>
              </Card>
            </Form>
            {current.custom ? (
              <Form method="post">
                <input type="hidden" name="intent" value="reset-template" />
                <input type="hidden" name="kind" value={kind} />
                <input type="hidden" name="language" value={language} />
                <Button submit variant="plain" tone="critical" loading={busy}>Back to Facto's standard text for this e-mail</Button>
              </Form>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
