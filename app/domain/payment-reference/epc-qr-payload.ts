import { isValidStructuredCommunication } from "./structured-communication";

/**
 * The payload of an EPC069-12 "SEPA Credit Transfer" QR code (the "GiroCode" banking apps read):
 * BCD / version / 1 (UTF-8) / SCT / BIC / name / IBAN / EUR amount / purpose / structured reference /
 * unstructured remittance / information, one per line. A structured and an unstructured remittance
 * are never both present; trailing empty elements are dropped; at most 331 bytes.
 */
export interface EpcQrInput {
  bic?: string | null;
  name: string;
  iban: string;
  /** Decimal string in EUR ("273.91"); null lets the payer fill in the amount. */
  amount: string | null;
  purpose?: string | null;
  structuredReference?: string | null;
  remittanceText?: string | null;
  information?: string | null;
  version?: "001" | "002";
}

export function epcQrPayload(input: EpcQrInput): string {
  const version = input.version ?? "002";
  const bic = (input.bic ?? "").replace(/\s/g, "").toUpperCase();
  if (version === "001" && !bic) throw new RangeError("EPC QR version 001 needs the BIC");
  if (bic && !/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) throw new RangeError(`"${bic}" is not a BIC`);
  for (const [field, value] of [["name", input.name], ["remittance text", input.remittanceText], ["information", input.information]] as const) {
    if (value && /[\r\n]/.test(value)) throw new RangeError(`the ${field} must be a single line (the EPC QR payload is line-based)`);
  }
  const name = input.name.trim();
  if (!name || name.length > 70) throw new RangeError("the beneficiary name must have 1 to 70 characters");
  const iban = input.iban.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) throw new RangeError(`"${input.iban}" is not an IBAN`);
  let amount = "";
  if (input.amount !== null && input.amount !== "") {
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(input.amount)) throw new RangeError(`amount "${input.amount}" must be EUR with at most 2 decimals`);
    const [int = "0", frac = ""] = input.amount.split(".");
    const normalized = `${String(Number.parseInt(int, 10))}.${frac.padEnd(2, "0")}`;
    if (normalized === "0.00") throw new RangeError("the amount must be at least EUR 0.01");
    amount = `EUR${normalized}`;
  }
  const purpose = (input.purpose ?? "").toUpperCase();
  if (purpose && !/^[A-Z]{4}$/.test(purpose)) throw new RangeError("the purpose is a 4-letter code");
  const reference = (input.structuredReference ?? "").replace(/\s/g, "");
  const text = input.remittanceText ?? "";
  if (reference && text) throw new RangeError("an EPC QR code carries a structured reference or a remittance text, not both");
  if (reference.length > 35) throw new RangeError("the structured reference has at most 35 characters");
  if (text.length > 140) throw new RangeError("the remittance text has at most 140 characters");
  const information = input.information ?? "";
  if (information.length > 70) throw new RangeError("the information has at most 70 characters");

  const lines = ["BCD", version, "1", "SCT", bic, name, iban, amount, purpose, reference, text, information];
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const payload = lines.join("\n");
  if (Buffer.byteLength(payload, "utf8") > 331) throw new RangeError("the EPC QR payload exceeds 331 bytes");
  return payload;
}

/** A Belgian structured communication goes on the structured-reference line as its 12 digits. */
export function epcReferenceFromStructuredCommunication(ogm: string): string {
  if (!isValidStructuredCommunication(ogm)) throw new RangeError(`"${ogm}" is not a valid structured communication`);
  return ogm.replace(/\D/g, "");
}
