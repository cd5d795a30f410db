import type { Language } from "~/domain/invoice/types";

/** The shopper's payment page, in the customer's language. */
export interface PayPageLabels {
  title: (number: string) => string;
  creditNoteTitle: (number: string) => string;
  from: string;
  issued: string;
  due: string;
  total: string;
  paidSoFar: string;
  outstanding: string;
  status: { paid: string; partiallyPaid: string; open: string; overdue: string; credited: string; cancelled: string };
  paidOn: (date: string, method: string) => string;
  downloadPdf: string;
  downloadUbl: string;
  payOnline: string;
  payOnlineAboveMaximum: string;
  bankTransfer: string;
  beneficiary: string;
  iban: string;
  bic: string;
  reference: string;
  amount: string;
  scanWithBankingApp: string;
  attempt: { paid: string; pending: string; failed: string; canceled: string; expired: string; open: string };
  payments: string;
  paymentLine: { paid: string; open: string; pending: string; failed: string; canceled: string; expired: string; authorized: string; reversed: string };
  continue: string;
  payByDirectDebit: string;
  directDebitText: string;
  collecting: (mandate: string) => string;
  notFoundTitle: string;
  notFoundText: string;
  language: string;
}

const nl: PayPageLabels = {
  title: (n) => `Factuur ${n}`,
  creditNoteTitle: (n) => `Creditnota ${n}`,
  from: "Van",
  issued: "Factuurdatum",
  due: "Vervaldatum",
  total: "Totaal",
  paidSoFar: "Reeds betaald",
  outstanding: "Te betalen",
  status: { paid: "Betaald", partiallyPaid: "Gedeeltelijk betaald", open: "Te betalen", overdue: "Vervallen", credited: "Gecrediteerd", cancelled: "Geannuleerd" },
  paidOn: (d, m) => `Betaald op ${d} (${m})`,
  downloadPdf: "Download PDF",
  downloadUbl: "Download e-factuur (UBL)",
  payOnline: "Online betalen",
  payOnlineAboveMaximum: "Dit bedrag kan niet online betaald worden; gebruik een overschrijving.",
  bankTransfer: "Betalen met overschrijving",
  beneficiary: "Begunstigde",
  iban: "IBAN",
  bic: "BIC",
  reference: "Gestructureerde mededeling",
  amount: "Bedrag",
  scanWithBankingApp: "Scan met uw bankapp",
  attempt: {
    paid: "Bedankt! Uw betaling is ontvangen.",
    pending: "Uw betaling wordt verwerkt. Deze pagina toont de status zodra ze bevestigd is.",
    failed: "Uw betaling is mislukt. U kunt het opnieuw proberen of met een overschrijving betalen.",
    canceled: "U heeft de betaling geannuleerd. Er is niets betaald.",
    expired: "De betaling is verlopen. Er is niets betaald; u kunt het opnieuw proberen.",
    open: "De betaling is nog niet afgerond.",
  },
  payments: "Betalingen",
  paymentLine: { paid: "betaald", open: "open", pending: "in verwerking", failed: "mislukt", canceled: "geannuleerd", expired: "verlopen", authorized: "geautoriseerd", reversed: "teruggeboekt" },
  continue: "Verder",
  payByDirectDebit: "Betalen via domiciliëring — mandaat ondertekenen",
  directDebitText: "Onderteken eenmalig een SEPA-mandaat: deze en volgende facturen worden automatisch van uw rekening geïnd.",
  collecting: (m) => `Deze factuur wordt via domiciliëring geïnd (mandaat ${m}). U hoeft niets over te schrijven.`,
  notFoundTitle: "Betaallink niet gevonden",
  notFoundText: "Deze link is niet (meer) geldig. Neem contact op met de winkel.",
  language: "Taal",
};

const fr: PayPageLabels = {
  title: (n) => `Facture ${n}`,
  creditNoteTitle: (n) => `Note de crédit ${n}`,
  from: "De",
  issued: "Date de facture",
  due: "Échéance",
  total: "Total",
  paidSoFar: "Déjà payé",
  outstanding: "À payer",
  status: { paid: "Payée", partiallyPaid: "Partiellement payée", open: "À payer", overdue: "Échue", credited: "Créditée", cancelled: "Annulée" },
  paidOn: (d, m) => `Payée le ${d} (${m})`,
  downloadPdf: "Télécharger le PDF",
  downloadUbl: "Télécharger la facture électronique (UBL)",
  payOnline: "Payer en ligne",
  payOnlineAboveMaximum: "Ce montant ne peut pas être payé en ligne ; veuillez payer par virement.",
  bankTransfer: "Payer par virement",
  beneficiary: "Bénéficiaire",
  iban: "IBAN",
  bic: "BIC",
  reference: "Communication structurée",
  amount: "Montant",
  scanWithBankingApp: "Scannez avec votre app bancaire",
  attempt: {
    paid: "Merci ! Votre paiement a été reçu.",
    pending: "Votre paiement est en cours de traitement. Cette page affichera le statut dès sa confirmation.",
    failed: "Votre paiement a échoué. Vous pouvez réessayer ou payer par virement.",
    canceled: "Vous avez annulé le paiement. Rien n'a été payé.",
    expired: "Le paiement a expiré. Rien n'a été payé ; vous pouvez réessayer.",
    open: "Le paiement n'est pas encore terminé.",
  },
  payments: "Paiements",
  paymentLine: { paid: "payé", open: "ouvert", pending: "en cours", failed: "échoué", canceled: "annulé", expired: "expiré", authorized: "autorisé", reversed: "remboursé ou contesté" },
  continue: "Continuer",
  payByDirectDebit: "Payer par domiciliation — signer un mandat",
  directDebitText: "Signez une fois un mandat SEPA : cette facture et les suivantes seront prélevées automatiquement sur votre compte.",
  collecting: (m) => `Cette facture est prélevée par domiciliation (mandat ${m}). Aucun virement n'est nécessaire.`,
  notFoundTitle: "Lien de paiement introuvable",
  notFoundText: "Ce lien n'est pas (ou plus) valable. Veuillez contacter la boutique.",
  language: "Langue",
};

const en: PayPageLabels = {
  title: (n) => `Invoice ${n}`,
  creditNoteTitle: (n) => `Credit note ${n}`,
  from: "From",
  issued: "Invoice date",
  due: "Due date",
  total: "Total",
  paidSoFar: "Paid so far",
  outstanding: "Amount due",
  status: { paid: "Paid", partiallyPaid: "Partially paid", open: "Due", overdue: "Overdue", credited: "Credited", cancelled: "Cancelled" },
  paidOn: (d, m) => `Paid on ${d} (${m})`,
  downloadPdf: "Download PDF",
  downloadUbl: "Download e-invoice (UBL)",
  payOnline: "Pay online",
  payOnlineAboveMaximum: "This amount cannot be paid online; please pay by bank transfer.",
  bankTransfer: "Pay by bank transfer",
  beneficiary: "Beneficiary",
  iban: "IBAN",
  bic: "BIC",
  reference: "Structured reference",
  amount: "Amount",
  scanWithBankingApp: "Scan with your banking app",
  attempt: {
    paid: "Thank you! Your payment has been received.",
    pending: "Your payment is being processed. This page shows the status as soon as it is confirmed.",
    failed: "Your payment failed. You can try again or pay by bank transfer.",
    canceled: "You cancelled the payment. Nothing was paid.",
    expired: "The payment expired. Nothing was paid; you can try again.",
    open: "The payment has not been completed yet.",
  },
  payments: "Payments",
  paymentLine: { paid: "paid", open: "open", pending: "processing", failed: "failed", canceled: "cancelled", expired: "expired", authorized: "authorized", reversed: "refunded or charged back" },
  continue: "Continue",
  payByDirectDebit: "Pay by direct debit — sign a mandate",
  directDebitText: "Sign a SEPA mandate once: this invoice and the next ones are collected from your account automatically.",
  collecting: (m) => `This invoice is collected by direct debit (mandate ${m}). You do not need to transfer anything.`,
  notFoundTitle: "Payment link not found",
  notFoundText: "This link is not valid (any more). Please contact the shop.",
  language: "Language",
};

const de: PayPageLabels = {
  title: (n) => `Rechnung ${n}`,
  creditNoteTitle: (n) => `Gutschrift ${n}`,
  from: "Von",
  issued: "Rechnungsdatum",
  due: "Fällig am",
  total: "Gesamt",
  paidSoFar: "Bereits bezahlt",
  outstanding: "Offener Betrag",
  status: { paid: "Bezahlt", partiallyPaid: "Teilweise bezahlt", open: "Offen", overdue: "Überfällig", credited: "Gutgeschrieben", cancelled: "Storniert" },
  paidOn: (d, m) => `Bezahlt am ${d} (${m})`,
  downloadPdf: "PDF herunterladen",
  downloadUbl: "E-Rechnung (UBL) herunterladen",
  payOnline: "Online bezahlen",
  payOnlineAboveMaximum: "Dieser Betrag kann nicht online bezahlt werden; bitte überweisen Sie ihn.",
  bankTransfer: "Per Überweisung bezahlen",
  beneficiary: "Empfänger",
  iban: "IBAN",
  bic: "BIC",
  reference: "Strukturierte Mitteilung",
  amount: "Betrag",
  scanWithBankingApp: "Mit Ihrer Banking-App scannen",
  attempt: {
    paid: "Vielen Dank! Ihre Zahlung ist eingegangen.",
    pending: "Ihre Zahlung wird bearbeitet. Diese Seite zeigt den Status, sobald sie bestätigt ist.",
    failed: "Ihre Zahlung ist fehlgeschlagen. Sie können es erneut versuchen oder überweisen.",
    canceled: "Sie haben die Zahlung abgebrochen. Es wurde nichts bezahlt.",
    expired: "Die Zahlung ist abgelaufen. Es wurde nichts bezahlt; Sie können es erneut versuchen.",
    open: "Die Zahlung ist noch nicht abgeschlossen.",
  },
  payments: "Zahlungen",
  paymentLine: { paid: "bezahlt", open: "offen", pending: "in Bearbeitung", failed: "fehlgeschlagen", canceled: "abgebrochen", expired: "abgelaufen", authorized: "autorisiert", reversed: "zurückgebucht" },
  continue: "Weiter",
  payByDirectDebit: "Per Lastschrift zahlen — Mandat unterzeichnen",
  directDebitText: "Unterzeichnen Sie einmalig ein SEPA-Mandat: diese und die nächsten Rechnungen werden automatisch von Ihrem Konto eingezogen.",
  collecting: (m) => `Diese Rechnung wird per Lastschrift eingezogen (Mandat ${m}). Sie müssen nichts überweisen.`,
  notFoundTitle: "Zahlungslink nicht gefunden",
  notFoundText: "Dieser Link ist nicht (mehr) gültig. Bitte wenden Sie sich an den Shop.",
  language: "Sprache",
};

const LABELS: Record<Language, PayPageLabels> = { nl, fr, en, de };

export function payPageLabels(language: Language): PayPageLabels {
  return LABELS[language];
}
