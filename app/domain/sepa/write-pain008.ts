import { isValidIban, normalizeIban } from "../banking/iban";
import { dec, sum } from "../money/money";
import { isValidStructuredCommunication } from "../payment-reference/structured-communication";
import { el, serialize, type XmlNode } from "../ubl/xml";
import { isValidCreditorIdentifier } from "./creditor-identifier";

/**
 * A SEPA Direct Debit initiation file (ISO 20022 pain.008.001.08, as EPC schemes use since 2024)
 * for merchants who collect through their own bank: one payment information block per (scheme,
 * sequence type, collection date), each collection with its mandate, debtor account and the
 * invoice's structured communication as structured remittance (SCOR, issuer BBA).
 */
export type SequenceType = "FRST" | "RCUR" | "OOFF" | "FNAL";
export type DirectDebitScheme = "CORE" | "B2B";

export interface Collection {
  endToEndId: string;
  /** EUR, decimal string. */
  amount: string;
  mandateId: string;
  /** YYYY-MM-DD */
  mandateSignedOn: string;
  sequence: SequenceType;
  scheme: DirectDebitScheme;
  /** YYYY-MM-DD */
  requestedCollectionDate: string;
  debtorName: string;
  debtorIban: string;
  debtorBic?: string | null;
  /** A Belgian structured communication, or free text. */
  remittance: string;
}

export interface Pain008Input {
  messageId: string;
  /** ISO date-time, an input so the file is deterministic. */
  createdAt: string;
  creditor: { name: string; iban: string; bic?: string | null; creditorId: string; countryCode?: string | null };
  collections: Collection[];
}

const SEPA_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const MAX35 = /^[A-Za-z0-9/\-?:().,'+]{1,35}$/;

export class Pain008Error extends Error {
  override name = "Pain008Error";
}

/** Latin text reduced to the SEPA character set (accents dropped, others replaced by a space). */
export function sepaText(text: string, max: number): string {
  const ascii = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ß/g, "ss").replace(/[łŁ]/g, (c) => (c === "ł" ? "l" : "L"));
  return [...ascii].map((c) => (SEPA_TEXT.test(c) ? c : " ")).join("").replace(/\s+/g, " ").trim().slice(0, max);
}

export function writePain008(input: Pain008Input): string {
  const problems = validate(input);
  if (problems.length > 0) throw new Pain008Error(problems.join("; "));
  const total = (cs: Collection[]) => sum(cs.map((c) => c.amount)).toFixed(2);
  const groups = new Map<string, Collection[]>();
  for (const c of input.collections) {
    const key = `${c.scheme}|${c.sequence}|${c.requestedCollectionDate}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const agent = (bic: string | null | undefined): XmlNode =>
    el("FinInstnId", bic ? [el("BICFI", bic.replace(/\s/g, "").toUpperCase())] : [el("Othr", [el("Id", "NOTPROVIDED")])]);

  const root = el(
    "Document",
    [
      el("CstmrDrctDbtInitn", [
        el("GrpHdr", [
          el("MsgId", input.messageId),
          el("CreDtTm", input.createdAt.replace(/\.\d+Z$|Z$/, "")),
          el("NbOfTxs", String(input.collections.length)),
          el("CtrlSum", total(input.collections)),
          el("InitgPty", [el("Nm", sepaText(input.creditor.name, 70))]),
        ]),
        ...[...groups.entries()].map(([key, cs], index) => {
          const [scheme, sequence, date] = key.split("|") as [DirectDebitScheme, SequenceType, string];
          return el("PmtInf", [
            el("PmtInfId", `${input.messageId.slice(0, 30)}-${index + 1}`),
            el("PmtMtd", "DD"),
            el("BtchBookg", "true"),
            el("NbOfTxs", String(cs.length)),
            el("CtrlSum", total(cs)),
            el("PmtTpInf", [el("SvcLvl", [el("Cd", "SEPA")]), el("LclInstrm", [el("Cd", scheme)]), el("SeqTp", sequence)]),
            el("ReqdColltnDt", date),
            el("Cdtr", [el("Nm", sepaText(input.creditor.name, 70)), input.creditor.countryCode && el("PstlAdr", [el("Ctry", input.creditor.countryCode.toUpperCase())])]),
            el("CdtrAcct", [el("Id", [el("IBAN", normalizeIban(input.creditor.iban))])]),
            el("CdtrAgt", [agent(input.creditor.bic)]),
            el("ChrgBr", "SLEV"),
            el("CdtrSchmeId", [el("Id", [el("PrvtId", [el("Othr", [el("Id", input.creditor.creditorId.replace(/\s/g, "").toUpperCase()), el("SchmeNm", [el("Prtry", "SEPA")])])])])]),
            ...cs.map((c) =>
              el("DrctDbtTxInf", [
                el("PmtId", [el("EndToEndId", c.endToEndId)]),
                el("InstdAmt", dec(c.amount).toFixed(2), { Ccy: "EUR" }),
                el("DrctDbtTx", [el("MndtRltdInf", [el("MndtId", c.mandateId), el("DtOfSgntr", c.mandateSignedOn)])]),
                el("DbtrAgt", [agent(c.debtorBic)]),
                el("Dbtr", [el("Nm", sepaText(c.debtorName, 70))]),
                el("DbtrAcct", [el("Id", [el("IBAN", normalizeIban(c.debtorIban))])]),
                el(
                  "RmtInf",
                  isValidStructuredCommunication(c.remittance)
                    ? [el("Strd", [el("CdtrRefInf", [el("Tp", [el("CdOrPrtry", [el("Cd", "SCOR")]), el("Issr", "BBA")]), el("Ref", c.remittance.replace(/\D/g, ""))])])]
                    : [el("Ustrd", sepaText(c.remittance, 140))],
                ),
              ]),
            ),
          ]);
        }),
      ]),
    ],
    { xmlns: "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}`;
}

function validate(input: Pain008Input): string[] {
  const p: string[] = [];
  if (!MAX35.test(input.messageId)) p.push("the message id must be 1–35 SEPA characters without spaces");
  if (!isValidCreditorIdentifier(input.creditor.creditorId)) p.push(`creditor identifier ${input.creditor.creditorId} has wrong check digits`);
  if (!isValidIban(input.creditor.iban)) p.push(`creditor IBAN ${input.creditor.iban} is not valid`);
  if (input.collections.length === 0) p.push("a collection file needs at least one collection");
  const ids = new Set<string>();
  for (const c of input.collections) {
    const who = `collection ${c.endToEndId}`;
    if (!MAX35.test(c.endToEndId)) p.push(`${who}: end-to-end id must be 1–35 SEPA characters`);
    if (ids.has(c.endToEndId)) p.push(`${who}: end-to-end id used twice`);
    ids.add(c.endToEndId);
    if (!MAX35.test(c.mandateId)) p.push(`${who}: mandate id must be 1–35 SEPA characters`);
    if (!/^\d{1,9}\.\d{2}$/.test(c.amount) || !dec(c.amount).greaterThan(0) || dec(c.amount).greaterThan("999999999.99")) p.push(`${who}: amount ${c.amount} must be 0.01–999999999.99 with 2 decimals`);
    if (!isValidIban(c.debtorIban)) p.push(`${who}: debtor IBAN ${c.debtorIban} is not valid`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c.requestedCollectionDate) || !/^\d{4}-\d{2}-\d{2}$/.test(c.mandateSignedOn)) p.push(`${who}: dates must be YYYY-MM-DD`);
  }
  return p;
}
