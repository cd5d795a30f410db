/**
 * SEPA creditor identifier: country + 2 check digits + 3-character business code + national id.
 * Check digits: ISO 7064 MOD 97-10 over national id + country + "00" (letters as numbers, A=10),
 * the business code ignored. Belgium: the enterprise number — 0456810810 → BE12ZZZ0456810810.
 */
const toDigits = (s: string) => [...s.toUpperCase()].map((c) => (c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c)).join("");

function mod97(digits: string): number {
  let r = 0;
  for (const d of digits) r = (r * 10 + Number(d)) % 97;
  return r;
}

export function creditorIdentifier(countryCode: string, nationalId: string, businessCode = "ZZZ"): string {
  const country = countryCode.toUpperCase();
  const id = nationalId.replace(/[\s.\-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !/^[A-Z0-9]{1,28}$/.test(id) || !/^[A-Z0-9]{3}$/.test(businessCode)) {
    throw new RangeError("a creditor identifier needs a country, a 3-character business code and an alphanumeric national id");
  }
  const check = 98 - mod97(toDigits(`${id}${country}00`));
  return `${country}${String(check).padStart(2, "0")}${businessCode}${id}`;
}

export function isValidCreditorIdentifier(text: string): boolean {
  const ci = text.replace(/\s/g, "").toUpperCase();
  const m = /^([A-Z]{2})(\d{2})([A-Z0-9]{3})([A-Z0-9]{1,28})$/.exec(ci);
  if (!m) return false;
  return mod97(toDigits(`${m[4]}${m[1]}${m[2]}`)) === 1;
}
