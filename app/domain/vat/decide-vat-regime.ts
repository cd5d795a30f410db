import type { ChannelOrder, Language, VatCategory } from "../invoice/types";
import { isEuCountry } from "./eu-countries";

/**
 * Which VAT regime an order falls under, decided once per order from where the goods go, who buys
 * (a business with a VIES-valid VAT number, or a consumer) and the seller's OSS position.
 *
 * - DOMESTIC: delivered in the seller's country — the seller country's rates.
 * - EU_DISTANCE_SELLER_RATE: a consumer elsewhere in the EU while the seller's EU-wide distance
 *   sales stay under €10,000 (this and last year) and it did not opt in to OSS — seller's rates.
 * - EU_OSS: a consumer elsewhere in the EU above the threshold or opted in — the destination
 *   country's rate for each product's category (art. 33(a) Directive 2006/112/EC; declared via OSS).
 * - INTRA_COMMUNITY: a business elsewhere in the EU with a VIES-valid VAT number — goods are an
 *   exempt intra-Community supply (K, art. 138), services are reverse-charged (AE, art. 44/196).
 * - EXPORT: delivered outside the EU — goods exempt (G, art. 146); services to a business there are
 *   outside the scope (O), services to a consumer are taxed at the seller's rates.
 */
export type VatRegime = "DOMESTIC" | "EU_DISTANCE_SELLER_RATE" | "EU_OSS" | "INTRA_COMMUNITY" | "EXPORT";

export interface VatContext {
  sellerCountry: string;
  /** The seller's EU B2C distance sales exceed €10,000 (this or last calendar year) or it opted in to OSS. */
  ossDestinationTaxation: boolean;
  /** The buyer's VAT number as checked in VIES; null when the buyer gave none. */
  buyerVat: { number: string; valid: boolean; consultationNumber?: string | null } | null;
}

export interface VatDecision {
  regime: VatRegime;
  /** The country whose rates apply to taxable lines. */
  rateCountry: string;
  destination: string;
  /** Categories forced by the regime for goods and for services (null: per product). */
  goodsCategory: VatCategory | null;
  servicesCategory: VatCategory | null;
  reason: Record<Language, string>;
}

export function destinationCountry(order: ChannelOrder, sellerCountry: string): string {
  return (order.shippingAddress?.countryCode ?? order.customer.countryCode ?? sellerCountry).toUpperCase();
}

export function decideVatRegime(order: ChannelOrder, ctx: VatContext): VatDecision {
  const seller = ctx.sellerCountry.toUpperCase();
  const destination = destinationCountry(order, seller);
  const business = ctx.buyerVat?.valid === true;
  const vat = ctx.buyerVat?.number ?? "";
  const invalidNote = ctx.buyerVat && !ctx.buyerVat.valid ? invalidVatNote(vat) : null;

  if (!isEuCountry(destination)) {
    return {
      regime: "EXPORT",
      rateCountry: seller,
      destination,
      goodsCategory: "G",
      servicesCategory: business ? "O" : null,
      reason: {
        nl: `Goederen verzonden naar ${destination}, buiten de EU: vrijgestelde uitvoer (categorie G).`,
        fr: `Biens expédiés vers ${destination}, hors de l'UE : exportation exonérée (catégorie G).`,
        en: `Goods shipped to ${destination}, outside the EU: exempt export (category G).`,
        de: `Waren nach ${destination} außerhalb der EU versandt: steuerfreie Ausfuhr (Kategorie G).`,
      },
    };
  }
  if (destination === seller) {
    return {
      regime: "DOMESTIC",
      rateCountry: seller,
      destination,
      goodsCategory: null,
      servicesCategory: null,
      reason: withNote(
        {
          nl: `Levering in ${seller}: binnenlandse btw aan het tarief van elk product.`,
          fr: `Livraison en ${seller} : TVA nationale au taux de chaque produit.`,
          en: `Delivered in ${seller}: domestic VAT at each product's rate.`,
          de: `Lieferung in ${seller}: inländische Mehrwertsteuer zum Satz jedes Produkts.`,
        },
        invalidNote,
      ),
    };
  }
  if (business) {
    return {
      regime: "INTRA_COMMUNITY",
      rateCountry: seller,
      destination,
      goodsCategory: "K",
      servicesCategory: "AE",
      reason: {
        nl: `Zakelijke klant in ${destination} met btw-nummer ${vat}, geldig in VIES: intracommunautaire levering zonder btw (K); diensten: btw verlegd (AE).`,
        fr: `Client professionnel en ${destination} avec le n° TVA ${vat}, valide dans VIES : livraison intracommunautaire sans TVA (K) ; services : autoliquidation (AE).`,
        en: `Business customer in ${destination} with VAT number ${vat}, valid in VIES: intra-Community supply without VAT (K); services: reverse charge (AE).`,
        de: `Geschäftskunde in ${destination} mit USt-IdNr. ${vat}, gültig in VIES: innergemeinschaftliche Lieferung ohne USt. (K); Dienstleistungen: Reverse Charge (AE).`,
      },
    };
  }
  if (ctx.ossDestinationTaxation) {
    return {
      regime: "EU_OSS",
      rateCountry: destination,
      destination,
      goodsCategory: null,
      servicesCategory: null,
      reason: withNote(
        {
          nl: `Consument in ${destination}: afstandsverkoop boven de EU-drempel van € 10.000 (of OSS gekozen), btw van ${destination} aangegeven via OSS.`,
          fr: `Consommateur en ${destination} : vente à distance au-delà du seuil UE de 10 000 € (ou option OSS), TVA de ${destination} déclarée via l'OSS.`,
          en: `Consumer in ${destination}: distance sale above the EU €10,000 threshold (or OSS opted in), ${destination} VAT declared through OSS.`,
          de: `Verbraucher in ${destination}: Fernverkauf über der EU-Schwelle von 10.000 € (oder OSS gewählt), USt. von ${destination} über OSS erklärt.`,
        },
        invalidNote,
      ),
    };
  }
  return {
    regime: "EU_DISTANCE_SELLER_RATE",
    rateCountry: seller,
    destination,
    goodsCategory: null,
    servicesCategory: null,
    reason: withNote(
      {
        nl: `Consument in ${destination}: afstandsverkopen onder de EU-drempel van € 10.000, dus btw van ${seller}.`,
        fr: `Consommateur en ${destination} : ventes à distance sous le seuil UE de 10 000 €, donc TVA de ${seller}.`,
        en: `Consumer in ${destination}: distance sales below the EU €10,000 threshold, so ${seller} VAT applies.`,
        de: `Verbraucher in ${destination}: Fernverkäufe unter der EU-Schwelle von 10.000 €, daher USt. von ${seller}.`,
      },
      invalidNote,
    ),
  };
}

function invalidVatNote(vat: string): Record<Language, string> {
  return {
    nl: `Btw-nummer ${vat} is niet geldig in VIES: verkoop aan een consument.`,
    fr: `Le n° TVA ${vat} n'est pas valide dans VIES : vente à un consommateur.`,
    en: `VAT number ${vat} is not valid in VIES: treated as a sale to a consumer.`,
    de: `USt-IdNr. ${vat} ist in VIES nicht gültig: Verkauf an einen Verbraucher.`,
  };
}

function withNote(reason: Record<Language, string>, note: Record<Language, string> | null): Record<Language, string> {
  if (!note) return reason;
  return { nl: `${reason.nl} ${note.nl}`, fr: `${reason.fr} ${note.fr}`, en: `${reason.en} ${note.en}`, de: `${reason.de} ${note.de}` };
}
