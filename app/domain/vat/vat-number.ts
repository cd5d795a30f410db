/**
 * EU VAT numbers: normalization, format per member state (and XI, Northern Ireland), and the check
 * digits where the national algorithm is public and settled (BE, NL, DE, FR numeric keys, IT, LU,
 * AT, PL, DK, FI, SE, PT). Other countries are checked for their format only; VIES decides whether
 * a number is actually registered. Greece is "EL" in VAT numbers ("GR" is accepted and mapped).
 */
export interface VatNumberParts {
  countryCode: string;
  number: string;
  full: string;
}

const FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

const digits = (s: string) => [...s].map(Number);
const weighted = (s: string, weights: number[]) => weights.reduce((acc, w, i) => acc + w * Number(s[i]), 0);

function luhn(s: string): boolean {
  let total = 0;
  digits(s)
    .reverse()
    .forEach((d, i) => {
      let v = d;
      if (i % 2 === 1) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      total += v;
    });
  return total % 10 === 0;
}

function mod97(numeric: string): number {
  let r = 0;
  for (const c of numeric) r = (r * 10 + Number(c)) % 97;
  return r;
}

const CHECKS: Record<string, (n: string) => boolean> = {
  BE: (n) => 97 - (Number(n.slice(0, 8)) % 97) === Number(n.slice(8)),
  NL: (n) => {
    const classic = weighted(n, [9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    if (classic !== 10 && classic === Number(n[8])) return true;
    // Sole proprietors' numbers since 2020: "NL" + number, letters as numbers (A=10 …), mod 97 = 1.
    const numeric = [..."NL" + n].map((c) => (c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c)).join("");
    return mod97(numeric) === 1;
  },
  DE: (n) => {
    let product = 10;
    for (const d of digits(n.slice(0, 8))) {
      let s = (d + product) % 10;
      if (s === 0) s = 10;
      product = (2 * s) % 11;
    }
    return (11 - product) % 10 === Number(n[8]);
  },
  FR: (n) => (/^\d{2}/.test(n) ? Number(n.slice(0, 2)) === (12 + 3 * (Number(n.slice(2)) % 97)) % 97 : true),
  IT: (n) => luhn(n),
  LU: (n) => Number(n.slice(0, 6)) % 89 === Number(n.slice(6)),
  AT: (n) => {
    const d = n.slice(1);
    let s = 0;
    digits(d.slice(0, 7)).forEach((v, i) => {
      if (i % 2 === 1) {
        const x = v * 2;
        s += Math.floor(x / 10) + (x % 10);
      } else s += v;
    });
    return (10 - ((s + 4) % 10)) % 10 === Number(d[7]);
  },
  PL: (n) => {
    const r = weighted(n, [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    return r !== 10 && r === Number(n[9]);
  },
  DK: (n) => weighted(n, [2, 7, 6, 5, 4, 3, 2, 1]) % 11 === 0,
  FI: (n) => {
    const r = weighted(n, [7, 9, 10, 5, 8, 4, 2]) % 11;
    if (r === 1) return false;
    return (r === 0 ? 0 : 11 - r) === Number(n[7]);
  },
  SE: (n) => luhn(n.slice(0, 10)),
  PT: (n) => {
    const c = 11 - (weighted(n, [9, 8, 7, 6, 5, 4, 3, 2]) % 11);
    return (c >= 10 ? 0 : c) === Number(n[8]);
  },
};

const LENGTH_HINT: Record<string, string> = {
  BE: "BE VAT numbers have 10 digits starting with 0 or 1",
  NL: "NL VAT numbers look like NL123456789B01",
  DE: "DE VAT numbers have 9 digits",
  FR: "FR VAT numbers have a 2-character key and 9 digits",
  AT: "AT VAT numbers look like ATU12345678",
};

export function normalizeVatNumber(input: string): VatNumberParts | null {
  const cleaned = input.toUpperCase().replace(/[\s.\-/]/g, "");
  const match = /^([A-Z]{2})([A-Z0-9+*]{2,13})$/.exec(cleaned);
  if (!match) return null;
  const countryCode = match[1] === "GR" ? "EL" : match[1]!;
  const number = match[2]!;
  return { countryCode, number, full: `${countryCode}${number}` };
}

export type VatNumberCheck = ({ valid: true } & VatNumberParts) | { valid: false; reason: string };

export function validateVatNumberFormat(input: string): VatNumberCheck {
  const parts = normalizeVatNumber(input);
  if (!parts) return { valid: false, reason: "A VAT number starts with the two-letter country code, e.g. BE0123456749" };
  const format = FORMATS[parts.countryCode];
  if (!format) return { valid: false, reason: `${parts.countryCode} is not an EU VAT country code` };
  if (!format.test(parts.number)) return { valid: false, reason: LENGTH_HINT[parts.countryCode] ?? `This is not the format of a ${parts.countryCode} VAT number` };
  const check = CHECKS[parts.countryCode];
  if (check && !check(parts.number)) return { valid: false, reason: `The check digits of ${parts.full} do not match` };
  return { valid: true, ...parts };
}
