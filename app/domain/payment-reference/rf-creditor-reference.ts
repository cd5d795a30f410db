/**
 * ISO 11649 structured creditor reference: "RF" + 2 check digits + up to 21 alphanumerics.
 * Check digits: append "RF00" to the reference, letters to numbers (A=10 … Z=35),
 * 98 − (that number mod 97). Valid when the moved-around number mod 97 is 1.
 */
function mod97(digits: string): number {
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return remainder;
}

function toDigits(text: string): string {
  return [...text].map((c) => (c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c)).join("");
}

export function rfCreditorReference(reference: string): string {
  const ref = reference.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z0-9]{1,21}$/.test(ref)) throw new RangeError("an RF reference holds 1 to 21 letters or digits");
  const check = 98 - mod97(toDigits(`${ref}RF00`));
  return `RF${String(check).padStart(2, "0")}${ref}`;
}

export function isValidRfCreditorReference(text: string): boolean {
  const rf = text.replace(/\s/g, "").toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(rf)) return false;
  return mod97(toDigits(rf.slice(4) + rf.slice(0, 4))) === 1;
}

/** "RF18539007547034" → "RF18 5390 0754 7034". */
export function formatRfReference(rf: string): string {
  return rf.replace(/\s/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
