import type { Language, VatCategory } from "../invoice/types";

/**
 * The legal mention an exempt or reverse-charged invoice must carry (Directive 2006/112/EC
 * art. 226(11)/(11a); Belgian Royal Decree no. 1 art. 5), per language. A Belgian seller cites the
 * Belgian VAT Code too.
 */
const MENTIONS: Record<"K" | "AE" | "G" | "E" | "O", Record<Language, { be: string; eu: string }>> = {
  K: {
    nl: { be: "Vrijgestelde intracommunautaire levering – art. 39bis, 1°, W.BTW (art. 138 Richtlijn 2006/112/EG)", eu: "Vrijgestelde intracommunautaire levering – art. 138 Richtlijn 2006/112/EG" },
    fr: { be: "Livraison intracommunautaire exonérée – art. 39bis, 1°, CTVA (art. 138 Directive 2006/112/CE)", eu: "Livraison intracommunautaire exonérée – art. 138 Directive 2006/112/CE" },
    en: { be: "Exempt intra-Community supply – art. 39bis, 1°, Belgian VAT Code (art. 138 Directive 2006/112/EC)", eu: "Exempt intra-Community supply – art. 138 Directive 2006/112/EC" },
    de: { be: "Steuerfreie innergemeinschaftliche Lieferung – Art. 39bis, 1°, belg. MwStGB (Art. 138 Richtlinie 2006/112/EG)", eu: "Steuerfreie innergemeinschaftliche Lieferung – Art. 138 Richtlinie 2006/112/EG" },
  },
  AE: {
    nl: { be: "Btw verlegd: verlegging van heffing – art. 21, §2, W.BTW (art. 196 Richtlijn 2006/112/EG)", eu: "Btw verlegd: verlegging van heffing – art. 196 Richtlijn 2006/112/EG" },
    fr: { be: "Autoliquidation – art. 21, §2, CTVA (art. 196 Directive 2006/112/CE)", eu: "Autoliquidation – art. 196 Directive 2006/112/CE" },
    en: { be: "Reverse charge – art. 21, §2, Belgian VAT Code (art. 196 Directive 2006/112/EC)", eu: "Reverse charge – art. 196 Directive 2006/112/EC" },
    de: { be: "Steuerschuldnerschaft des Leistungsempfängers – Art. 21, §2, belg. MwStGB (Art. 196 Richtlinie 2006/112/EG)", eu: "Steuerschuldnerschaft des Leistungsempfängers – Art. 196 Richtlinie 2006/112/EG" },
  },
  G: {
    nl: { be: "Vrijgestelde uitvoer – art. 39, §1, W.BTW (art. 146 Richtlijn 2006/112/EG)", eu: "Vrijgestelde uitvoer – art. 146 Richtlijn 2006/112/EG" },
    fr: { be: "Exportation exonérée – art. 39, §1er, CTVA (art. 146 Directive 2006/112/CE)", eu: "Exportation exonérée – art. 146 Directive 2006/112/CE" },
    en: { be: "Exempt export outside the EU – art. 39, §1, Belgian VAT Code (art. 146 Directive 2006/112/EC)", eu: "Exempt export outside the EU – art. 146 Directive 2006/112/EC" },
    de: { be: "Steuerfreie Ausfuhr – Art. 39, §1, belg. MwStGB (Art. 146 Richtlinie 2006/112/EG)", eu: "Steuerfreie Ausfuhr – Art. 146 Richtlinie 2006/112/EG" },
  },
  E: {
    nl: { be: "Vrijgesteld van btw – art. 44 W.BTW", eu: "Vrijgesteld van btw – art. 132 Richtlijn 2006/112/EG" },
    fr: { be: "Exonéré de TVA – art. 44 CTVA", eu: "Exonéré de TVA – art. 132 Directive 2006/112/CE" },
    en: { be: "Exempt from VAT – art. 44 Belgian VAT Code", eu: "Exempt from VAT – art. 132 Directive 2006/112/EC" },
    de: { be: "Von der Mehrwertsteuer befreit – Art. 44 belg. MwStGB", eu: "Von der Mehrwertsteuer befreit – Art. 132 Richtlinie 2006/112/EG" },
  },
  O: {
    nl: { be: "Niet onderworpen aan btw in de EU (plaats van dienst buiten de EU)", eu: "Niet onderworpen aan btw in de EU (plaats van dienst buiten de EU)" },
    fr: { be: "Hors champ de la TVA dans l'UE (lieu de prestation hors UE)", eu: "Hors champ de la TVA dans l'UE (lieu de prestation hors UE)" },
    en: { be: "Outside the scope of EU VAT (place of supply outside the EU)", eu: "Outside the scope of EU VAT (place of supply outside the EU)" },
    de: { be: "Nicht im Anwendungsbereich der EU-Mehrwertsteuer (Leistungsort außerhalb der EU)", eu: "Nicht im Anwendungsbereich der EU-Mehrwertsteuer (Leistungsort außerhalb der EU)" },
  },
};

/** EN 16931 BT-121 exemption reason codes (VATEX). */
export const EXEMPTION_CODES: Partial<Record<VatCategory, string>> = {
  K: "VATEX-EU-IC",
  AE: "VATEX-EU-AE",
  G: "VATEX-EU-G",
  O: "VATEX-EU-O",
  E: "VATEX-EU-132",
};

export function legalMention(category: VatCategory, language: Language, sellerCountry: string): string | null {
  if (category === "S" || category === "Z") return null;
  const m = MENTIONS[category][language];
  return sellerCountry.toUpperCase() === "BE" ? m.be : m.eu;
}

/** The Belgian credit-note mention (VAT to be repaid to the State as far as it was deducted). */
export function creditNoteMention(language: Language): string {
  switch (language) {
    case "nl":
      return "Btw terug te storten aan de Staat in de mate waarin ze oorspronkelijk in aftrek werd gebracht.";
    case "fr":
      return "TVA à reverser à l'État dans la mesure où elle a été initialement déduite.";
    case "de":
      return "Die Mehrwertsteuer ist an den Staat zurückzuzahlen, soweit sie ursprünglich abgezogen wurde.";
    default:
      return "VAT to be repaid to the State to the extent that it was originally deducted.";
  }
}
