/**
 * Builds camt.053.001.02 / .08 statements in the element order of the official XSDs (shared/contracts/bank/), so that
 * every file a test parses is first proven schema-valid with xmllint.
 */
export interface CamtTx {
  amount: string; // positive; direction from `credit`
  credit: boolean;
  /** OGM digits / +++ form (Issr BBA) or RF reference (Issr ISO) in RmtInf/Strd/CdtrRefInf */
  scor?: { ref: string; issuer: "BBA" | "ISO" | null };
  /** a second Strd with another creditor reference */
  secondScor?: { ref: string; issuer: "BBA" | "ISO" };
  ustrd?: string[];
  name?: string;
  iban?: string;
  endToEndId?: string;
}

export interface CamtEntry {
  amount: string;
  credit: boolean;
  status?: "BOOK" | "PDNG";
  date: string;
  ref?: string;
  /** one TxDtls per item; several = a batched entry */
  txs: CamtTx[];
}

export interface CamtStatement {
  id: string;
  iban: string;
  currency?: string;
  seq: number;
  opening: string; // signed
  closing: string; // signed
  date: string;
  entries: CamtEntry[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const abs = (s: string) => s.replace(/^-/, "");
const cd = (signed: string) => (signed.startsWith("-") ? "DBIT" : "CRDT");

export function buildCamt053(version: "02" | "08", statements: CamtStatement[]): string {
  const party = (name: string) => (version === "02" ? `<Nm>${esc(name)}</Nm>` : `<Pty><Nm>${esc(name)}</Nm></Pty>`);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`);
  out.push(`<BkToCstmrStmt><GrpHdr><MsgId>MSG-${statements[0]?.id ?? "0"}</MsgId><CreDtTm>2026-11-28T06:00:00</CreDtTm></GrpHdr>`);
  for (const s of statements) {
    const ccy = s.currency ?? "EUR";
    out.push(`<Stmt><Id>${esc(s.id)}</Id><ElctrncSeqNb>${s.seq}</ElctrncSeqNb><LglSeqNb>${s.seq}</LglSeqNb><CreDtTm>${s.date}T06:00:00</CreDtTm>`);
    out.push(`<Acct><Id><IBAN>${s.iban}</IBAN></Id><Ccy>${ccy}</Ccy></Acct>`);
    for (const [code, amt] of [["OPBD", s.opening], ["CLBD", s.closing]] as const) {
      out.push(`<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${ccy}">${abs(amt)}</Amt><CdtDbtInd>${cd(amt)}</CdtDbtInd><Dt><Dt>${s.date}</Dt></Dt></Bal>`);
    }
    for (const e of s.entries) {
      const sts = version === "02" ? `<Sts>${e.status ?? "BOOK"}</Sts>` : `<Sts><Cd>${e.status ?? "BOOK"}</Cd></Sts>`;
      out.push(`<Ntry>${e.ref ? `<NtryRef>${e.ref}</NtryRef>` : ""}<Amt Ccy="${ccy}">${e.amount}</Amt><CdtDbtInd>${e.credit ? "CRDT" : "DBIT"}</CdtDbtInd>${sts}`);
      out.push(`<BookgDt><Dt>${e.date}</Dt></BookgDt><ValDt><Dt>${e.date}</Dt></ValDt>${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ""}`);
      out.push(`<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${e.credit ? "RCDT" : "ICDT"}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>`);
      if (e.txs.length > 0) {
        out.push(`<NtryDtls>`);
        for (const t of e.txs) {
          const amounts =
            version === "02"
              ? `<AmtDtls><TxAmt><Amt Ccy="${ccy}">${t.amount}</Amt></TxAmt></AmtDtls>`
              : `<Amt Ccy="${ccy}">${t.amount}</Amt><CdtDbtInd>${t.credit ? "CRDT" : "DBIT"}</CdtDbtInd>`;
          const who = t.credit ? ["Dbtr", "DbtrAcct"] : ["Cdtr", "CdtrAcct"];
          const parties = t.name || t.iban ? `<RltdPties>${t.name ? `<${who[0]}>${party(t.name)}</${who[0]}>` : ""}${t.iban ? `<${who[1]}><Id><IBAN>${t.iban}</IBAN></Id></${who[1]}>` : ""}</RltdPties>` : "";
          const strd = (x: { ref: string; issuer: "BBA" | "ISO" | null }) =>
            `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>${x.issuer ? `<Issr>${x.issuer}</Issr>` : ""}</Tp><Ref>${esc(x.ref)}</Ref></CdtrRefInf></Strd>`;
          const rmt = t.scor || t.ustrd ? `<RmtInf>${(t.ustrd ?? []).map((u) => `<Ustrd>${esc(u)}</Ustrd>`).join("")}${t.scor ? strd(t.scor) : ""}${t.secondScor ? strd(t.secondScor) : ""}</RmtInf>` : "";
          out.push(`<TxDtls>${t.endToEndId ? `<Refs><EndToEndId>${t.endToEndId}</EndToEndId></Refs>` : ""}${amounts}${parties}${rmt}</TxDtls>`);
        }
        out.push(`</NtryDtls>`);
      }
      out.push(`</Ntry>`);
    }
    out.push(`</Stmt>`);
  }
  out.push(`</BkToCstmrStmt></Document>`);
  return out.join("\n");
}
