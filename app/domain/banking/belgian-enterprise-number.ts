/**
 * Belgian enterprise number (KBO/BCE) and VAT number: 10 digits starting with 0 or 1; the last two
 * are 97 − (first 8 digits mod 97).
 */
export function normalizeBelgianNumber(input: string): string {
  let digits = input.toUpperCase().replace(/^BE/, "").replace(/[\s.\-]/g, "");
  if (/^\d{9}$/.test(digits)) digits = `0${digits}`; // old 9-digit form
  return digits;
}

export function isValidBelgianEnterpriseNumber(input: string): boolean {
  const digits = normalizeBelgianNumber(input);
  if (!/^[01]\d{9}$/.test(digits)) return false;
  return 97 - (Number(digits.slice(0, 8)) % 97) === Number(digits.slice(8));
}

/** "BE 0123.456.749" → "BE0123456749". */
export function formatBelgianVatNumber(input: string): string {
  return `BE${normalizeBelgianNumber(input)}`;
}
