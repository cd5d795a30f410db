/**
 * Belgian structured communication (OGM/VCS): 10 digits + 2 check digits (the 10 digits mod 97,
 * 97 when that is 0), written +++ddd/dddd/ddddd+++.
 */
export function structuredCommunication(base: bigint | number): string {
  const n = BigInt(base);
  if (n < 0n || n > 9_999_999_999n) throw new RangeError(`structured communication base out of range: ${base}`);
  const digits = n.toString().padStart(10, "0");
  const check = Number(n % 97n) || 97;
  const all = digits + String(check).padStart(2, "0");
  return `+++${all.slice(0, 3)}/${all.slice(3, 7)}/${all.slice(7, 12)}+++`;
}

/** True when the text is a well-formed structured communication with a correct check. */
export function isValidStructuredCommunication(text: string): boolean {
  const digits = text.replace(/[+/\s*]/g, "");
  if (!/^\d{12}$/.test(digits)) return false;
  const check = Number(BigInt(digits.slice(0, 10)) % 97n) || 97;
  return check === Number(digits.slice(10));
}
