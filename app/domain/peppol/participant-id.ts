import { isValidBelgianEnterpriseNumber, normalizeBelgianNumber } from "../banking/belgian-enterprise-number";
import { validateVatNumberFormat } from "../vat/vat-number";

/**
 * PEPPOL participant identifiers (scheme `iso6523-actorid-upis`): `<EAS code>:<value>`, e.g.
 * `0208:0123456749` for a Belgian enterprise number, `9925:BE0123456749` for a Belgian VAT number.
 * EAS codes from the CEF Electronic Address Scheme code list (PEPPOL BIS 3 `EAS` code list).
 */
export interface ParticipantId {
  scheme: string;
  value: string;
  /** `scheme:value`, the form PEPPOL directories, SMPs and providers take. */
  full: string;
}

export type ParticipantIdResult = { ok: true; id: ParticipantId } | { ok: false; reason: string };

/**
 * VAT-number schemes of the EAS code list, by the VAT number's country prefix (the value keeps the
 * prefix, as the UBL writer writes it in cbc:EndpointID). Countries whose PEPPOL identifier is a
 * national register number rather than the VAT number (DK CVR 0184, SE 0007, FI 0216/0213 …) are
 * absent on purpose: their id cannot be derived from the VAT number and must be entered.
 */
export const VAT_EAS: Readonly<Record<string, string>> = {
  AT: "9914",
  BE: "9925",
  BG: "9926",
  CY: "9928",
  CZ: "9929",
  DE: "9930",
  EE: "9931",
  EL: "9933",
  ES: "9920",
  FR: "9957",
  HR: "9934",
  HU: "9910",
  IE: "9935",
  IT: "9906",
  LT: "9937",
  LU: "9938",
  LV: "9939",
  MT: "9943",
  NL: "9944",
  PL: "9945",
  PT: "9946",
  RO: "9947",
  SI: "9949",
  SK: "9950",
};

/** EAS codes Facto accepts when a merchant types a participant id by hand. */
const KNOWN_SCHEMES = new Set<string>([
  "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0106", "0130", "0135", "0142", "0151", "0183", "0184",
  "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198", "0199", "0200", "0201", "0202", "0204", "0208",
  "0209", "0210", "0211", "0212", "0213", "0215", "0216", "0218", "0221", "0230", "9910", "9913", "9914", "9915",
  "9918", "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927", "9928", "9929", "9930", "9931", "9932",
  "9933", "9934", "9935", "9936", "9937", "9938", "9939", "9940", "9941", "9942", "9943", "9944", "9945", "9946",
  "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9957", "9959", "9906", "9907",
]);

const make = (scheme: string, value: string): ParticipantIdResult => ({ ok: true, id: { scheme, value, full: `${scheme}:${value}` } });

/**
 * The participant id of a business customer, the way Facto's UBL names it as buyer endpoint:
 * a Belgian company by its enterprise number (0208, check digits verified), another EU company by
 * its VAT number under its country's VAT scheme. Consumers have none.
 */
export function deriveParticipantId(party: {
  country: string | null;
  vatNumber?: string | null;
  enterpriseNumber?: string | null;
}): ParticipantIdResult {
  const country = party.country?.toUpperCase() === "GR" ? "EL" : party.country?.toUpperCase() ?? null;
  const vat = party.vatNumber?.trim() || null;
  const enterprise = party.enterpriseNumber?.trim() || null;

  const belgianSource = enterprise ?? (vat && /^BE/i.test(vat.replace(/\s/g, "")) ? vat : null);
  if (belgianSource && (country === "BE" || country === null || /^BE/i.test(vat ?? belgianSource))) {
    const digits = normalizeBelgianNumber(belgianSource);
    if (!/^[01]\d{9}$/.test(digits)) {
      return { ok: false, reason: `“${belgianSource}” is not a Belgian enterprise number: it has 10 digits and starts with 0 or 1 (e.g. 0123.456.749)` };
    }
    if (!isValidBelgianEnterpriseNumber(digits)) {
      return { ok: false, reason: `The check digits of enterprise number ${digits} do not match (the last two digits are 97 − the first eight mod 97): a typo?` };
    }
    return make("0208", digits);
  }

  if (!vat) {
    return { ok: false, reason: "No VAT or enterprise number: a PEPPOL id is derived from the customer's enterprise number (Belgium) or VAT number" };
  }
  const check = validateVatNumberFormat(vat);
  if (!check.valid) return { ok: false, reason: check.reason };
  const scheme = VAT_EAS[check.countryCode];
  if (!scheme) {
    return {
      ok: false,
      reason: `${check.countryCode} companies are reached on PEPPOL by a national register number, not their VAT number: enter the PEPPOL id your customer gives you`,
    };
  }
  return make(scheme, check.full);
}

/** A participant id typed or received as `scheme:value` (an `iso6523-actorid-upis::` prefix is accepted). */
export function parseParticipantId(input: string): ParticipantIdResult {
  const trimmed = input.trim().replace(/^iso6523-actorid-upis::/i, "");
  const match = /^(\d{4}):(.+)$/.exec(trimmed);
  if (!match) return { ok: false, reason: "A PEPPOL id is a 4-digit scheme, a colon and the number, e.g. 0208:0123456749" };
  const scheme = match[1]!;
  const value = match[2]!.replace(/\s/g, "");
  if (!KNOWN_SCHEMES.has(scheme)) return { ok: false, reason: `${scheme} is not a PEPPOL identifier scheme (EAS code list)` };
  if (value.length === 0 || value.length > 50) return { ok: false, reason: "The number part of a PEPPOL id has 1 to 50 characters" };
  if (scheme === "0208") {
    const digits = normalizeBelgianNumber(value);
    if (!isValidBelgianEnterpriseNumber(digits)) {
      return { ok: false, reason: `0208 ids are Belgian enterprise numbers with valid check digits; ${value} is not one` };
    }
    return make(scheme, digits);
  }
  const vatCountry = Object.entries(VAT_EAS).find(([, s]) => s === scheme)?.[0];
  if (vatCountry) {
    const check = validateVatNumberFormat(/^[A-Z]{2}/i.test(value) ? value : `${vatCountry}${value}`);
    if (!check.valid) return { ok: false, reason: `${scheme} ids are ${vatCountry} VAT numbers: ${check.reason}` };
    return make(scheme, check.full);
  }
  return make(scheme, value);
}
