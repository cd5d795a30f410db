import { createHash } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { dec, formatAmount, type Dec } from "~/domain/money/money";
import { isValidRfCreditorReference } from "~/domain/payment-reference/rf-creditor-reference";
import { isValidStructuredCommunication } from "~/domain/payment-reference/structured-communication";
import { collapseSpaces, type BankStatementTransaction, type ParsedBankStatement, type StructuredReference } from "./bank-transaction";
import { normalizeIban } from "./iban";

/**
 * ISO 20022 camt.053 (BankToCustomerStatement) reader for versions 001.02 and 001.08, the two Belgian banks deliver.
 * Shapes follow the official XSDs (shared/contracts/bank/camt.053.001.0X.xsd):
 * - 001.02 `Ntry/Sts` is an EntryStatus2Code string; 001.08 `Ntry/Sts` is EntryStatus1Choice (`Sts/Cd`).
 * - 001.02 party = PartyIdentification32 (`Dbtr/Nm`); 001.08 party = Party40Choice (`Dbtr/Pty/Nm`).
 * - 001.02 per-transaction amount in `TxDtls/AmtDtls/TxAmt/Amt`; 001.08 also has `TxDtls/Amt` and `TxDtls/CdtDbtInd`.
 * - `NtryDtls/TxDtls` repeats (a batched entry), `RmtInf/Strd` repeats, `RmtInf/Ustrd` repeats.
 * - `Strd/CdtrRefInf/Tp/CdOrPrtry/Cd` = SCOR, `Tp/Issr` = BBA for a Belgian OGM, ISO for an RF reference.
 */
export class CamtFormatError extends Error {
  override name = "CamtFormatError";
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`camt.053 ${line ? `line ${line}, ` : ""}${path}: ${reason}`);
  }
}

const NAMESPACES: Record<string, "02" | "08"> = {
  "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02": "02",
  "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08": "08",
};

const REPEATING = new Set(["Stmt", "Bal", "Ntry", "NtryDtls", "TxDtls", "Strd", "Ustrd"]);

type Node = Record<string, unknown>;

function obj(v: unknown): Node | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Node) : undefined;
}
function list(v: unknown): Node[] {
  return Array.isArray(v) ? v.map((x) => obj(x) ?? { "#text": x }) : v === undefined ? [] : [obj(v) ?? { "#text": v }];
}
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number") return String(v);
  const o = obj(v);
  if (o && typeof o["#text"] === "string") return o["#text"].trim();
  return undefined;
}
function at(node: Node | undefined, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const key of path) cur = obj(cur)?.[key];
  return cur;
}
function str(node: Node | undefined, ...path: string[]): string | undefined {
  return text(at(node, ...path));
}

function amountOf(node: unknown, path: string): { value: Dec; currency: string } {
  const raw = text(node);
  const currency = obj(node)?.["@_Ccy"];
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw)) throw new CamtFormatError(path, `an amount must be a non-negative decimal, found "${raw ?? ""}"`);
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) throw new CamtFormatError(path, "the Ccy attribute (ISO 4217) is missing");
  return { value: dec(raw), currency };
}

function direction(v: string | undefined, path: string): 1 | -1 {
  if (v === "CRDT") return 1;
  if (v === "DBIT") return -1;
  throw new CamtFormatError(path, `CdtDbtInd must be CRDT or DBIT, found "${v ?? ""}"`);
}

function dateOf(node: unknown, path: string): string | null {
  const d = str(obj(node), "Dt") ?? str(obj(node), "DtTm")?.slice(0, 10);
  if (d === undefined) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new CamtFormatError(path, `not an ISO date: "${d}"`);
  return d;
}

function structured(ref: string, issuer: string | undefined): StructuredReference {
  const compact = ref.replace(/\s/g, "");
  const digits = compact.replace(/[+/*]/g, "");
  const asOgm = issuer === "BBA" || (issuer === undefined && /^\d{12}$/.test(digits));
  if (asOgm) {
    const ok = /^\d{12}$/.test(digits);
    return { kind: "OGM", value: ok ? `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7, 12)}+++` : compact, valid: ok && isValidStructuredCommunication(digits) };
  }
  return { kind: "RF", value: compact.toUpperCase(), valid: isValidRfCreditorReference(compact) };
}

function partyName(party: unknown, version: "02" | "08"): string | undefined {
  return version === "02" ? str(obj(party), "Nm") : (str(obj(party), "Pty", "Nm") ?? str(obj(party), "Agt", "FinInstnId", "Nm"));
}

function accountId(acct: unknown): string | undefined {
  const iban = str(obj(acct), "Id", "IBAN");
  if (iban) return normalizeIban(iban);
  return str(obj(acct), "Id", "Othr", "Id");
}

export function parseCamt053(xml: string): ParsedBankStatement[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new CamtFormatError("(document)", `not well-formed XML: ${valid.err.msg}`, valid.err.line);
  const doc = new XMLParser({
    ignoreAttributes: false,
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => REPEATING.has(name),
  }).parse(xml) as Node;
  const document = obj(doc["Document"]);
  if (!document) throw new CamtFormatError("/", "the root element must be Document");
  // removeNSPrefix drops xmlns attributes: the namespace is read from the root start tag itself
  const ns = /<(?:[\w.-]+:)?Document\b[^>]*?\sxmlns(?::[\w.-]+)?="(urn:iso:std:iso:20022:tech:xsd:camt\.[^"]+)"/.exec(xml)?.[1];
  const version = typeof ns === "string" ? NAMESPACES[ns] : undefined;
  if (!version) throw new CamtFormatError("/Document", `namespace must be camt.053.001.02 or camt.053.001.08, found "${String(ns ?? "")}"`);
  const root = obj(document["BkToCstmrStmt"]);
  if (!root) throw new CamtFormatError("/Document", "BkToCstmrStmt is missing (is this a camt.053 statement?)");
  const statements = list(root["Stmt"]);
  if (statements.length === 0) throw new CamtFormatError("/Document/BkToCstmrStmt", "no Stmt");
  return statements.map((stmt, si) => readStatement(stmt, `/Document/BkToCstmrStmt/Stmt[${si + 1}]`, version));
}

function readStatement(stmt: Node, path: string, version: "02" | "08"): ParsedBankStatement {
  const id = str(stmt, "Id");
  if (!id) throw new CamtFormatError(`${path}/Id`, "the statement identification is missing");
  const accountNumber = accountId(stmt["Acct"]);
  if (!accountNumber) throw new CamtFormatError(`${path}/Acct/Id`, "the account has neither IBAN nor Othr/Id");
  const statementNumber = str(stmt, "LglSeqNb") ?? str(stmt, "ElctrncSeqNb") ?? id;
  let currency = str(stmt, "Acct", "Ccy");
  let opening: string | null = null;
  let closing: string | null = null;
  list(stmt["Bal"]).forEach((bal, bi) => {
    const bp = `${path}/Bal[${bi + 1}]`;
    const code = str(bal, "Tp", "CdOrPrtry", "Cd");
    const { value, currency: c } = amountOf(bal["Amt"], `${bp}/Amt`);
    currency ??= c;
    const signed = formatAmount(value.times(direction(str(bal, "CdtDbtInd"), `${bp}/CdtDbtInd`)));
    if (code === "OPBD" || code === "PRCD") opening ??= signed;
    if (code === "CLBD") closing = signed;
  });
  const transactions: BankStatementTransaction[] = [];
  list(stmt["Ntry"]).forEach((ntry, ni) => {
    const np = `${path}/Ntry[${ni + 1}]`;
    const status = version === "02" ? str(ntry, "Sts") : (str(ntry, "Sts", "Cd") ?? str(ntry, "Sts", "Prtry"));
    if (!status) throw new CamtFormatError(`${np}/Sts`, "the entry status is missing");
    if (status !== "BOOK") return; // pending / information entries are not money on the account yet
    const entryAmount = amountOf(ntry["Amt"], `${np}/Amt`);
    currency ??= entryAmount.currency;
    const entrySign = direction(str(ntry, "CdtDbtInd"), `${np}/CdtDbtInd`);
    const bookingDate = dateOf(ntry["BookgDt"], `${np}/BookgDt`) ?? dateOf(ntry["ValDt"], `${np}/ValDt`);
    if (!bookingDate) throw new CamtFormatError(`${np}/BookgDt`, "a booked entry needs a booking or value date");
    const valueDate = dateOf(ntry["ValDt"], `${np}/ValDt`);
    const entryRef = str(ntry, "AcctSvcrRef") ?? str(ntry, "NtryRef");
    const details = list(ntry["NtryDtls"]).flatMap((d) => list(d["TxDtls"]));
    const items: Array<{ tx: Node | undefined; tp: string }> = details.length === 0 ? [{ tx: undefined, tp: np }] : details.map((tx, ti) => ({ tx, tp: `${np}/NtryDtls/TxDtls[${ti + 1}]` }));
    items.forEach(({ tx, tp }, ti) => {
      let amount = entryAmount;
      let sign = entrySign;
      if (tx && items.length > 1) {
        const own = version === "08" && tx["Amt"] !== undefined ? tx["Amt"] : at(tx, "AmtDtls", "TxAmt", "Amt");
        if (own === undefined) throw new CamtFormatError(tp, "a batched entry (several TxDtls) needs an amount per transaction (Amt or AmtDtls/TxAmt/Amt)");
        amount = amountOf(own, `${tp}/Amt`);
      }
      if (tx && version === "08" && tx["CdtDbtInd"] !== undefined) sign = direction(str(tx, "CdtDbtInd"), `${tp}/CdtDbtInd`);
      const rmt = obj(tx?.["RmtInf"]);
      const texts = list(rmt?.["Ustrd"]).map((u) => text(u) ?? "");
      let reference: StructuredReference | null = null;
      for (const [k, s] of list(rmt?.["Strd"]).entries()) {
        const ref = str(s, "CdtrRefInf", "Ref");
        const type = str(s, "CdtrRefInf", "Tp", "CdOrPrtry", "Cd");
        if (!ref) {
          const more = list(s["AddtlRmtInf"]).map((a) => text(a) ?? "");
          texts.push(...more);
          continue;
        }
        if (type !== undefined && type !== "SCOR") {
          texts.push(ref);
          continue;
        }
        const found = structured(ref, str(s, "CdtrRefInf", "Tp", "Issr"));
        if (reference === null) reference = found;
        else texts.push(found.value); // a second creditor reference: kept visible for the merchant
        void k;
      }
      if (!tx) texts.push(str(ntry, "AddtlNtryInf") ?? "");
      const counterpart = sign > 0 ? { party: "Dbtr", acct: "DbtrAcct" } : { party: "Cdtr", acct: "CdtrAcct" };
      const parties = obj(tx?.["RltdPties"]);
      const txRef = str(tx, "Refs", "AcctSvcrRef") ?? str(tx, "Refs", "EndToEndId");
      const signed = formatAmount(amount.value.times(sign));
      const communication = collapseSpaces(texts.join(" "));
      const bankReference =
        entryRef !== undefined
          ? `camt:${entryRef}:${ti + 1}${txRef && txRef !== "NOTPROVIDED" ? `:${txRef}` : ""}`
          : `camt-hash:${createHash("sha256").update([id, bookingDate, signed, reference?.value ?? "", communication, txRef ?? "", String(ni), String(ti)].join("|")).digest("hex").slice(0, 40)}`;
      transactions.push({
        bankReference,
        accountNumber,
        currency: amount.currency,
        amount: signed,
        direction: sign > 0 ? "CREDIT" : "DEBIT",
        bookingDate,
        valueDate,
        structuredReference: reference,
        communication,
        counterpartyName: partyName(parties?.[counterpart.party], version) ?? null,
        counterpartyAccount: accountId(parties?.[counterpart.acct]) ?? null,
        statementNumber,
      });
    });
  });
  if (!currency) throw new CamtFormatError(`${path}/Acct/Ccy`, "the account currency is unknown");
  return { accountNumber, currency, statementNumber, openingBalance: opening, closingBalance: closing, transactions };
}
