import type { Language } from "~/domain/invoice/types";

/**
 * The customers' e-mails: built-in wording per kind and language, which a merchant may replace by
 * their own. Templates use {{placeholders}}; an unknown placeholder is refused when the merchant
 * saves a template, so a customer never receives "{{amuont}}".
 */
export type EmailKind = "INVOICE" | "CREDIT_NOTE" | "REMINDER" | "THANK_YOU" | "COLLECTION_NOTICE";

export const PLACEHOLDERS = [
  "shopName",
  "customerName",
  "invoiceNumber",
  "amount",
  "amountDue",
  "dueDate",
  "paymentLink",
  "structuredCommunication",
  "paidDate",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

export interface EmailTemplateText {
  subject: string;
  body: string;
}

const DEFAULTS: Record<EmailKind, Record<Language, EmailTemplateText>> = {
  INVOICE: {
    nl: {
      subject: "{{shopName}}: factuur {{invoiceNumber}}",
      body: "Beste {{customerName}},\n\nIn bijlage vindt u uw factuur {{invoiceNumber}} van {{amount}}.\nTe betalen vóór {{dueDate}} met de gestructureerde mededeling {{structuredCommunication}}, of online via {{paymentLink}}.\n\nMet vriendelijke groeten,\n{{shopName}}",
    },
    fr: {
      subject: "{{shopName}} : facture {{invoiceNumber}}",
      body: "Bonjour {{customerName}},\n\nVous trouverez en annexe votre facture {{invoiceNumber}} d'un montant de {{amount}}.\nÀ payer avant le {{dueDate}} avec la communication structurée {{structuredCommunication}}, ou en ligne via {{paymentLink}}.\n\nCordialement,\n{{shopName}}",
    },
    en: {
      subject: "{{shopName}}: invoice {{invoiceNumber}}",
      body: "Dear {{customerName}},\n\nPlease find attached your invoice {{invoiceNumber}} for {{amount}}.\nPlease pay by {{dueDate}} with the structured reference {{structuredCommunication}}, or online at {{paymentLink}}.\n\nKind regards,\n{{shopName}}",
    },
    de: {
      subject: "{{shopName}}: Rechnung {{invoiceNumber}}",
      body: "Guten Tag {{customerName}},\n\nanbei erhalten Sie Ihre Rechnung {{invoiceNumber}} über {{amount}}.\nBitte zahlen Sie bis zum {{dueDate}} mit der strukturierten Mitteilung {{structuredCommunication}} oder online unter {{paymentLink}}.\n\nMit freundlichen Grüßen\n{{shopName}}",
    },
  },
  CREDIT_NOTE: {
    nl: {
      subject: "{{shopName}}: creditnota {{invoiceNumber}}",
      body: "Beste {{customerName}},\n\nIn bijlage vindt u creditnota {{invoiceNumber}} van {{amount}}.\n\nMet vriendelijke groeten,\n{{shopName}}",
    },
    fr: {
      subject: "{{shopName}} : note de crédit {{invoiceNumber}}",
      body: "Bonjour {{customerName}},\n\nVous trouverez en annexe la note de crédit {{invoiceNumber}} d'un montant de {{amount}}.\n\nCordialement,\n{{shopName}}",
    },
    en: {
      subject: "{{shopName}}: credit note {{invoiceNumber}}",
      body: "Dear {{customerName}},\n\nPlease find attached credit note {{invoiceNumber}} for {{amount}}.\n\nKind regards,\n{{shopName}}",
    },
    de: {
      subject: "{{shopName}}: Gutschrift {{invoiceNumber}}",
      body: "Guten Tag {{customerName}},\n\nanbei erhalten Sie die Gutschrift {{invoiceNumber}} über {{amount}}.\n\nMit freundlichen Grüßen\n{{shopName}}",
    },
  },
  REMINDER: {
    nl: {
      subject: "Herinnering: factuur {{invoiceNumber}} staat nog open",
      body: "Beste {{customerName}},\n\nVolgens onze gegevens is factuur {{invoiceNumber}} (vervaldag {{dueDate}}) nog niet betaald. Het openstaande bedrag is {{amountDue}}.\nU kunt betalen met de gestructureerde mededeling {{structuredCommunication}} of online via {{paymentLink}}.\nHeeft u intussen betaald? Dan mag u dit bericht als onbestaande beschouwen.\n\nMet vriendelijke groeten,\n{{shopName}}",
    },
    fr: {
      subject: "Rappel : la facture {{invoiceNumber}} est toujours ouverte",
      body: "Bonjour {{customerName}},\n\nSauf erreur de notre part, la facture {{invoiceNumber}} (échéance le {{dueDate}}) n'a pas encore été payée. Le montant restant dû est de {{amountDue}}.\nVous pouvez payer avec la communication structurée {{structuredCommunication}} ou en ligne via {{paymentLink}}.\nSi vous avez payé entre-temps, veuillez ne pas tenir compte de ce message.\n\nCordialement,\n{{shopName}}",
    },
    en: {
      subject: "Reminder: invoice {{invoiceNumber}} is still open",
      body: "Dear {{customerName}},\n\nOur records show that invoice {{invoiceNumber}} (due {{dueDate}}) has not been paid yet. The amount outstanding is {{amountDue}}.\nYou can pay with the structured reference {{structuredCommunication}} or online at {{paymentLink}}.\nIf you have paid in the meantime, please disregard this message.\n\nKind regards,\n{{shopName}}",
    },
    de: {
      subject: "Zahlungserinnerung: Rechnung {{invoiceNumber}} ist noch offen",
      body: "Guten Tag {{customerName}},\n\nnach unseren Unterlagen ist die Rechnung {{invoiceNumber}} (fällig am {{dueDate}}) noch nicht bezahlt. Der offene Betrag beträgt {{amountDue}}.\nSie können mit der strukturierten Mitteilung {{structuredCommunication}} oder online unter {{paymentLink}} zahlen.\nFalls Sie inzwischen bezahlt haben, betrachten Sie diese Nachricht bitte als gegenstandslos.\n\nMit freundlichen Grüßen\n{{shopName}}",
    },
  },
  COLLECTION_NOTICE: {
    nl: {
      subject: "{{shopName}}: factuur {{invoiceNumber}} wordt via domiciliëring geïnd",
      body: "Beste {{customerName}},\n\nWe innen {{amountDue}} voor factuur {{invoiceNumber}} via domiciliëring, met het SEPA-mandaat dat u ondertekende. Het bedrag wordt binnen enkele werkdagen van uw rekening gedebiteerd; u hoeft niets te doen.\n\nMet vriendelijke groeten,\n{{shopName}}",
    },
    fr: {
      subject: "{{shopName}} : la facture {{invoiceNumber}} sera prélevée par domiciliation",
      body: "Bonjour {{customerName}},\n\nNous prélevons {{amountDue}} pour la facture {{invoiceNumber}} par domiciliation, avec le mandat SEPA que vous avez signé. Le montant sera débité de votre compte dans quelques jours ouvrables ; vous n'avez rien à faire.\n\nCordialement,\n{{shopName}}",
    },
    en: {
      subject: "{{shopName}}: invoice {{invoiceNumber}} will be collected by direct debit",
      body: "Dear {{customerName}},\n\nWe are collecting {{amountDue}} for invoice {{invoiceNumber}} by direct debit, with the SEPA mandate you signed. The amount will be debited from your account within a few business days; you do not need to do anything.\n\nKind regards,\n{{shopName}}",
    },
    de: {
      subject: "{{shopName}}: Rechnung {{invoiceNumber}} wird per Lastschrift eingezogen",
      body: "Guten Tag {{customerName}},\n\nwir ziehen {{amountDue}} für die Rechnung {{invoiceNumber}} per Lastschrift ein, mit dem von Ihnen unterzeichneten SEPA-Mandat. Der Betrag wird in wenigen Werktagen von Ihrem Konto abgebucht; Sie müssen nichts tun.\n\nMit freundlichen Grüßen\n{{shopName}}",
    },
  },
  THANK_YOU: {
    nl: {
      subject: "Bedankt voor uw betaling van factuur {{invoiceNumber}}",
      body: "Beste {{customerName}},\n\nWe ontvingen uw betaling van {{amount}} voor factuur {{invoiceNumber}} op {{paidDate}}. Hartelijk dank!\n\nMet vriendelijke groeten,\n{{shopName}}",
    },
    fr: {
      subject: "Merci pour votre paiement de la facture {{invoiceNumber}}",
      body: "Bonjour {{customerName}},\n\nNous avons bien reçu votre paiement de {{amount}} pour la facture {{invoiceNumber}} le {{paidDate}}. Merci beaucoup !\n\nCordialement,\n{{shopName}}",
    },
    en: {
      subject: "Thank you for paying invoice {{invoiceNumber}}",
      body: "Dear {{customerName}},\n\nWe received your payment of {{amount}} for invoice {{invoiceNumber}} on {{paidDate}}. Thank you!\n\nKind regards,\n{{shopName}}",
    },
    de: {
      subject: "Vielen Dank für Ihre Zahlung der Rechnung {{invoiceNumber}}",
      body: "Guten Tag {{customerName}},\n\nwir haben Ihre Zahlung von {{amount}} für die Rechnung {{invoiceNumber}} am {{paidDate}} erhalten. Vielen Dank!\n\nMit freundlichen Grüßen\n{{shopName}}",
    },
  },
};

export function defaultTemplate(kind: EmailKind, language: Language): EmailTemplateText {
  return DEFAULTS[kind][language];
}

/** "Pay online" on the HTML e-mail's button, per language. */
export const PAY_BUTTON: Record<Language, string> = { nl: "Bekijk en betaal", fr: "Voir et payer", en: "View and pay", de: "Ansehen und bezahlen" };

const TOKEN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The placeholders a template uses that Facto does not know. */
export function unknownPlaceholders(text: string): string[] {
  const names = [...text.matchAll(TOKEN)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n)))];
}

function fill(text: string, values: TemplateValues): string {
  return text.replace(TOKEN, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Fills a template. The text part is the template as written; the HTML part escapes everything the
 * merchant or customer wrote, turns the payment link into a link and adds a button in the shop's
 * accent colour.
 */
export function renderEmail(template: EmailTemplateText, values: TemplateValues, options: { language: Language; accentColor: string; showPayButton: boolean }): RenderedEmail {
  const subject = fill(template.subject, values).replace(/[\r\n]+/g, " ").trim();
  const text = fill(template.body, values);
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  const linked = values.paymentLink ? paragraphs.split(escapeHtml(values.paymentLink)).join(`<a href="${escapeHtml(values.paymentLink)}">${escapeHtml(values.paymentLink)}</a>`) : paragraphs;
  const accent = /^#[0-9a-fA-F]{6}$/.test(options.accentColor) ? options.accentColor : "#1f4e79";
  const button =
    options.showPayButton && values.paymentLink
      ? `<p><a href="${escapeHtml(values.paymentLink)}" style="display:inline-block;padding:12px 20px;background:${accent};color:#fff;text-decoration:none;border-radius:6px;font-weight:600">${escapeHtml(PAY_BUTTON[options.language])}</a></p>`
      : "";
  const html = `<!doctype html><html lang="${options.language}"><body style="font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:600px">\n${linked}\n${button}\n</body></html>`;
  return { subject, text, html };
}
