import { execFileSync } from "node:child_process";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { creditorIdentifier, isValidCreditorIdentifier } from "./creditor-identifier";
import { Pain008Error, sepaText, writePain008, type Pain008Input } from "./write-pain008";

const input: Pain008Input = {
  messageId: "FACTO-20261123-0001",
  createdAt: "2026-11-23T10:15:00.000Z",
  creditor: { name: "Atelier Lumière BV", iban: "BE68 5390 0754 7034", bic: "GKCCBEBB", creditorId: "BE12ZZZ0456810810", countryCode: "BE" },
  collections: [
    { endToEndId: "INV-0001", amount: "228.91", mandateId: "MNDT-0001", mandateSignedOn: "2026-01-05", sequence: "RCUR", scheme: "CORE", requestedCollectionDate: "2026-12-07", debtorName: "Els Vermeulen", debtorIban: "BE71 0961 2345 6769", debtorBic: "GKCCBEBB", remittance: "+++000/0000/00101+++" },
    { endToEndId: "INV-0002", amount: "12.10", mandateId: "MNDT-0002", mandateSignedOn: "2026-11-20", sequence: "FRST", scheme: "CORE", requestedCollectionDate: "2026-12-07", debtorName: "Łukasz Nováček", debtorIban: "NL91ABNA0417164300", remittance: "Order #1043" },
    { endToEndId: "INV-0003", amount: "1500.00", mandateId: "MNDT-B2B-7", mandateSignedOn: "2025-06-01", sequence: "RCUR", scheme: "B2B", requestedCollectionDate: "2026-12-03", debtorName: "Koffiebranderij Noord B.V.", debtorIban: "NL91ABNA0417164300", debtorBic: "ABNANL2A", remittance: "+++000/0000/00303+++" },
  ],
};
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, isArray: (n) => ["PmtInf", "DrctDbtTxInf"].includes(n) });

describe("SEPA creditor identifier", () => {
  it("computes and checks ISO 7064 MOD 97-10 check digits", () => {
    // 0456810810 + BE (11 14) + 00 → 0456810810111400 mod 97 = 86 → 98 − 86 = 12
    expect(creditorIdentifier("BE", "0456.810.810")).toBe("BE12ZZZ0456810810");
    expect(isValidCreditorIdentifier("BE12ZZZ0456810810")).toBe(true);
    expect(isValidCreditorIdentifier("BE12ABC0456810810")).toBe(true); // the business code is not part of the check
    expect(isValidCreditorIdentifier("BE13ZZZ0456810810")).toBe(false);
    expect(isValidCreditorIdentifier(creditorIdentifier("DE", "00000123456"))).toBe(true);
  });
});

describe("pain.008.001.08", () => {
  const xml = writePain008(input);
  const doc = parser.parse(xml).Document;

  it("is well-formed XML in the pain.008.001.08 namespace", () => {
    execFileSync("xmllint", ["--noout", "-"], { input: xml });
    expect(doc["@xmlns"]).toBe("urn:iso:std:iso:20022:tech:xsd:pain.008.001.08");
  });

  it("totals the group header and groups payment blocks by scheme, sequence and date", () => {
    const g = doc.CstmrDrctDbtInitn.GrpHdr;
    expect([g.MsgId, g.CreDtTm, g.NbOfTxs, g.CtrlSum]).toEqual(["FACTO-20261123-0001", "2026-11-23T10:15:00", "3", "1741.01"]); // 228.91 + 12.10 + 1500.00
    const blocks = doc.CstmrDrctDbtInitn.PmtInf.map((p: any) => [p.PmtTpInf.LclInstrm.Cd, p.PmtTpInf.SeqTp, p.ReqdColltnDt, p.NbOfTxs, p.CtrlSum]);
    expect(blocks).toEqual([
      ["CORE", "RCUR", "2026-12-07", "1", "228.91"],
      ["CORE", "FRST", "2026-12-07", "1", "12.10"],
      ["B2B", "RCUR", "2026-12-03", "1", "1500.00"],
    ]);
  });

  it("carries the creditor scheme id, the mandate, BICFI or NOTPROVIDED, and the structured communication", () => {
    const first = doc.CstmrDrctDbtInitn.PmtInf[0];
    expect(first.CdtrSchmeId.Id.PrvtId.Othr).toEqual({ Id: "BE12ZZZ0456810810", SchmeNm: { Prtry: "SEPA" } });
    expect(first.CdtrAcct.Id.IBAN).toBe("BE68539007547034");
    expect(first.ChrgBr).toBe("SLEV");
    const tx = first.DrctDbtTxInf[0];
    expect(tx.InstdAmt).toEqual({ "#text": "228.91", "@Ccy": "EUR" });
    expect(tx.DrctDbtTx.MndtRltdInf).toEqual({ MndtId: "MNDT-0001", DtOfSgntr: "2026-01-05" });
    expect(tx.RmtInf.Strd.CdtrRefInf).toEqual({ Tp: { CdOrPrtry: { Cd: "SCOR" }, Issr: "BBA" }, Ref: "000000000101" });
    const frst = doc.CstmrDrctDbtInitn.PmtInf[1].DrctDbtTxInf[0];
    expect(frst.DbtrAgt.FinInstnId).toEqual({ Othr: { Id: "NOTPROVIDED" } });
    expect(frst.Dbtr.Nm).toBe("Lukasz Novacek"); // SEPA character set
    expect(frst.RmtInf.Ustrd).toBe("Order 1043");
  });

  it("refuses a file a bank would reject, naming every problem", () => {
    const bad = { ...input, creditor: { ...input.creditor, creditorId: "BE13ZZZ0456810810" }, collections: [{ ...input.collections[0]!, amount: "0.00", debtorIban: "BE00 0000" }, { ...input.collections[0]! }] };
    expect(() => writePain008(bad)).toThrow(Pain008Error);
    expect(() => writePain008(bad)).toThrow(/check digits.*amount 0.00.*debtor IBAN.*used twice/);
  });

  it("reduces names to the SEPA character set", () => {
    expect(sepaText("Straße Ćelić & Zoon — Gent", 70)).toBe("Strasse Celic Zoon Gent");
  });
});
