/**
 * PEPPOL BIS Billing 3.0 identifiers (scheme `busdox-docid-qns` for document types,
 * `cenbii-procid-ubl` for the process), as in the BIS 3 specification §§ "Document type" / "Process".
 */
export const DOCUMENT_ID_SCHEME = "busdox-docid-qns";
export const PROCESS_ID_SCHEME = "cenbii-procid-ubl";
export const BILLING_PROCESS_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
export const INVOICE_DOCUMENT_TYPE_ID =
  "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";
export const CREDIT_NOTE_DOCUMENT_TYPE_ID =
  "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";
/** The AS4 transport profile every PEPPOL AP must support (AS4 profile v2). */
export const AS4_TRANSPORT_PROFILE = "peppol-transport-as4-v2_0";

export type BillingDocument = "INVOICE" | "CREDIT_NOTE";

export function documentTypeIdFor(kind: BillingDocument): string {
  return kind === "CREDIT_NOTE" ? CREDIT_NOTE_DOCUMENT_TYPE_ID : INVOICE_DOCUMENT_TYPE_ID;
}
