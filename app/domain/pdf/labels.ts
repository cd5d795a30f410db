import type { Language } from "../invoice/types";

export interface PdfLabels {
  invoice: string;
  creditNote: string;
  number: string;
  issueDate: string;
  supplyDate: string;
  dueDate: string;
  orderReference: string;
  billTo: string;
  vatNumber: string;
  enterpriseNumber: string;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  vatRate: string;
  lineTotal: string;
  vatBreakdown: string;
  category: string;
  taxableAmount: string;
  vatAmount: string;
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  paid: string;
  amountDue: string;
  credited: string;
  payment: string;
  paymentInstruction: (amount: string, dueDate: string) => string;
  structuredCommunication: string;
  scanToPay: string;
  payOnline: string;
  payOnlineText: string;
  paidOn: (date: string, method: string) => string;
  paidByDirectDebit: (mandate: string) => string;
  whyThisVat: string;
  page: (page: number, pages: number) => string;
  shipping: string;
}

const LABELS: Record<Language, PdfLabels> = {
  nl: {
    invoice: "Factuur",
    creditNote: "Creditnota",
    number: "Nummer",
    issueDate: "Factuurdatum",
    supplyDate: "Leveringsdatum",
    dueDate: "Vervaldatum",
    orderReference: "Bestelling",
    billTo: "Factuur aan",
    vatNumber: "Btw-nummer",
    enterpriseNumber: "Ondernemingsnummer",
    description: "Omschrijving",
    quantity: "Aantal",
    unitPrice: "Eenheidsprijs excl. btw",
    discount: "Korting",
    vatRate: "Btw",
    lineTotal: "Totaal excl. btw",
    vatBreakdown: "Btw-overzicht",
    category: "Categorie",
    taxableAmount: "Maatstaf van heffing",
    vatAmount: "Btw-bedrag",
    totalExclVat: "Totaal excl. btw",
    totalVat: "Btw",
    totalInclVat: "Totaal incl. btw",
    paid: "Reeds betaald",
    amountDue: "Te betalen",
    credited: "Gecrediteerd",
    payment: "Betaling",
    paymentInstruction: (amount, due) => `Gelieve ${amount} te betalen vóór ${due} met de gestructureerde mededeling hieronder.`,
    structuredCommunication: "Gestructureerde mededeling",
    scanToPay: "Scan met je bankapp",
    payOnline: "Online betalen",
    payOnlineText: "Bekijk en betaal deze factuur online:",
    paidOn: (d, m) => `Betaald op ${d} (${m})`,
    paidByDirectDebit: (m) => `Wordt betaald via domiciliëring (mandaat ${m}). U hoeft niets over te schrijven.`,
    whyThisVat: "Btw-regeling",
    page: (p, n) => `Pagina ${p} van ${n}`,
    shipping: "Verzending",
  },
  fr: {
    invoice: "Facture",
    creditNote: "Note de crédit",
    number: "Numéro",
    issueDate: "Date de facture",
    supplyDate: "Date de livraison",
    dueDate: "Échéance",
    orderReference: "Commande",
    billTo: "Facturé à",
    vatNumber: "N° TVA",
    enterpriseNumber: "N° d'entreprise",
    description: "Description",
    quantity: "Quantité",
    unitPrice: "Prix unitaire HTVA",
    discount: "Remise",
    vatRate: "TVA",
    lineTotal: "Total HTVA",
    vatBreakdown: "Récapitulatif TVA",
    category: "Catégorie",
    taxableAmount: "Base imposable",
    vatAmount: "Montant TVA",
    totalExclVat: "Total HTVA",
    totalVat: "TVA",
    totalInclVat: "Total TVAC",
    paid: "Déjà payé",
    amountDue: "À payer",
    credited: "Montant crédité",
    payment: "Paiement",
    paymentInstruction: (amount, due) => `Merci de payer ${amount} avant le ${due} avec la communication structurée ci-dessous.`,
    structuredCommunication: "Communication structurée",
    scanToPay: "Scannez avec votre app bancaire",
    payOnline: "Payer en ligne",
    payOnlineText: "Consultez et payez cette facture en ligne :",
    paidOn: (d, m) => `Payée le ${d} (${m})`,
    paidByDirectDebit: (m) => `Payée par domiciliation (mandat ${m}). Aucun virement n'est nécessaire.`,
    whyThisVat: "Régime TVA",
    page: (p, n) => `Page ${p} sur ${n}`,
    shipping: "Livraison",
  },
  en: {
    invoice: "Invoice",
    creditNote: "Credit note",
    number: "Number",
    issueDate: "Invoice date",
    supplyDate: "Delivery date",
    dueDate: "Due date",
    orderReference: "Order",
    billTo: "Bill to",
    vatNumber: "VAT number",
    enterpriseNumber: "Enterprise number",
    description: "Description",
    quantity: "Qty",
    unitPrice: "Unit price excl. VAT",
    discount: "Discount",
    vatRate: "VAT",
    lineTotal: "Total excl. VAT",
    vatBreakdown: "VAT summary",
    category: "Category",
    taxableAmount: "Taxable amount",
    vatAmount: "VAT amount",
    totalExclVat: "Total excl. VAT",
    totalVat: "VAT",
    totalInclVat: "Total incl. VAT",
    paid: "Already paid",
    amountDue: "Amount due",
    credited: "Credited",
    payment: "Payment",
    paymentInstruction: (amount, due) => `Please pay ${amount} by ${due} using the structured communication below.`,
    structuredCommunication: "Structured communication",
    scanToPay: "Scan with your banking app",
    payOnline: "Pay online",
    payOnlineText: "View and pay this invoice online:",
    paidOn: (d, m) => `Paid on ${d} (${m})`,
    paidByDirectDebit: (m) => `Paid by direct debit (mandate ${m}). No transfer needed.`,
    whyThisVat: "VAT treatment",
    page: (p, n) => `Page ${p} of ${n}`,
    shipping: "Shipping",
  },
  de: {
    invoice: "Rechnung",
    creditNote: "Gutschrift",
    number: "Nummer",
    issueDate: "Rechnungsdatum",
    supplyDate: "Lieferdatum",
    dueDate: "Fällig am",
    orderReference: "Bestellung",
    billTo: "Rechnung an",
    vatNumber: "USt-IdNr.",
    enterpriseNumber: "Unternehmensnummer",
    description: "Beschreibung",
    quantity: "Menge",
    unitPrice: "Einzelpreis netto",
    discount: "Rabatt",
    vatRate: "USt.",
    lineTotal: "Gesamt netto",
    vatBreakdown: "USt.-Übersicht",
    category: "Kategorie",
    taxableAmount: "Bemessungsgrundlage",
    vatAmount: "USt.-Betrag",
    totalExclVat: "Gesamt netto",
    totalVat: "USt.",
    totalInclVat: "Gesamt brutto",
    paid: "Bereits bezahlt",
    amountDue: "Zu zahlen",
    credited: "Gutgeschrieben",
    payment: "Zahlung",
    paymentInstruction: (amount, due) => `Bitte zahlen Sie ${amount} bis ${due} mit der unten stehenden strukturierten Mitteilung.`,
    structuredCommunication: "Strukturierte Mitteilung",
    scanToPay: "Mit Ihrer Banking-App scannen",
    payOnline: "Online bezahlen",
    payOnlineText: "Diese Rechnung online ansehen und bezahlen:",
    paidOn: (d, m) => `Bezahlt am ${d} (${m})`,
    paidByDirectDebit: (m) => `Wird per Lastschrift eingezogen (Mandat ${m}). Keine Überweisung nötig.`,
    whyThisVat: "Umsatzsteuer",
    page: (p, n) => `Seite ${p} von ${n}`,
    shipping: "Versand",
  },
};

export function pdfLabels(language: Language): PdfLabels {
  return LABELS[language] ?? LABELS.en;
}

const LOCALES: Record<Language, string> = { nl: "nl-BE", fr: "fr-BE", en: "en-GB", de: "de-BE" };

/** Formats a decimal string ("1234.5") with the language's separators, without floats. */
export function formatDecimal(value: string, language: Language, minFractionDigits = 2): string {
  // A plain decimal ("-1234.50"), as amounts cross the border: the same result without regular
  // expressions (a table row formats five numbers); anything else the general way below.
  if (PLAIN_DECIMAL.test(value)) {
    const negative = value.charCodeAt(0) === 45;
    const start = negative ? 1 : 0;
    const dot = value.indexOf(".");
    const intEnd = dot < 0 ? value.length : dot;
    let intStart = start;
    while (intStart < intEnd - 1 && value.charCodeAt(intStart) === 48) intStart++;
    let fracEnd = value.length;
    if (dot >= 0) while (fracEnd > dot + 1 && value.charCodeAt(fracEnd - 1) === 48) fracEnd--;
    let frac = dot < 0 ? "" : value.slice(dot + 1, fracEnd);
    if (frac.length < minFractionDigits) frac = frac.padEnd(minFractionDigits, "0");
    const group = language === "en" ? "," : language === "fr" ? "\u202f" : ".";
    let grouped = value.slice(intStart, intEnd);
    for (let i = grouped.length - 3; i > 0; i -= 3) grouped = `${grouped.slice(0, i)}${group}${grouped.slice(i)}`;
    return `${negative ? "-" : ""}${grouped}${frac ? (language === "en" ? "." : ",") + frac : ""}`;
  }
  const negative = value.trim().startsWith("-");
  const [intPart = "0", fracPart = ""] = value.trim().replace(/^[-+]/, "").split(".");
  let frac = fracPart.replace(/0+$/, "");
  if (frac.length < minFractionDigits) frac = frac.padEnd(minFractionDigits, "0");
  const group = language === "en" ? "," : language === "fr" ? "\u202f" : ".";
  const decimal = language === "en" ? "." : ",";
  const grouped = intPart.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? "-" : ""}${grouped}${frac ? decimal + frac : ""}`;
}

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

export function formatMoney(value: string, currency: string, language: Language): string {
  const amount = formatDecimal(value, language, 2);
  return language === "en" ? `${currency} ${amount}` : `${amount} ${currency}`;
}

/** "2026-11-23" → "23/11/2026" (nl, fr), "23.11.2026" (de), "23 Nov 2026" (en). */
const dateFormats = new Map<Language, Intl.DateTimeFormat>();

/**
 * A text function of a value and a language, remembered (at most `max` results, then forgotten at
 * once): Intl's formatting costs more per call than laying out a line, and invoices print the same
 * dates and countries one after the other.
 */
export function remembered(format: (value: string, language: string) => string, max = 4096): (value: string, language: string) => string {
  const results = new Map<string, string>();
  return (value, language) => {
    const key = `${language} ${value}`;
    let result = results.get(key);
    if (result === undefined) {
      if (results.size >= max) results.clear();
      results.set(key, (result = format(value, language)));
    }
    return result;
  };
}

const formatDateRemembered = remembered((isoDate, language) => formatDateUncached(isoDate, language as Language));

export function formatDate(isoDate: string, language: Language): string {
  return formatDateRemembered(isoDate, language);
}

function formatDateUncached(isoDate: string, language: Language): string {
  let format = dateFormats.get(language);
  if (!format) {
    // Building an Intl formatter costs more than rendering a page of text: one per language, reused.
    const options: Intl.DateTimeFormatOptions =
      language === "en" ? { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" } : { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" };
    format = new Intl.DateTimeFormat(LOCALES[language], options);
    dateFormats.set(language, format);
  }
  return format.format(new Date(`${isoDate}T00:00:00Z`));
}
