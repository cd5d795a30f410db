import { execFileSync } from "node:child_process";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { PAIN_008_XSD, validatePain008 } from "../../../tests/support/official-validation";
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

/**
 * Every pain.008 file the writer produces is valid against the official ISO 20022 pain.008.001.08
 * XSD (../shared/contracts/sepa/, read with xmllint --schema): first and recurring collections, one-off
 * and final ones, CORE and B2B, several mandates and collection dates, with and without BICs and a
 * creditor country, structured and free remittance, names and amounts at their limits.
 */
describe("pain.008.001.08 against the official ISO 20022 XSD", () => {
  const debtors = [
    { debtorName: "Els Vermeulen", debtorIban: "BE71 0961 2345 6769", debtorBic: "GKCCBEBB" },
    { debtorName: "Łukasz Nováček & Zoon — “Gent”", debtorIban: "NL91ABNA0417164300", debtorBic: null },
    { debtorName: "Kaffeehaus Süd GmbH ".repeat(6), debtorIban: "DE89 3704 0044 0532 0130 00", debtorBic: "COBADEFFXXX" },
    { debtorName: "Claire Dubois", debtorIban: "FR14 2004 1010 0505 0001 3M02 606" },
  ];
  const files: [string, Pain008Input][] = [
    ["the three-collection file above", input],
    [
      "FRST and RCUR, CORE and B2B, several mandates and dates",
      {
        ...input,
        messageId: "FACTO-20261129-0042",
        collections: Array.from({ length: 24 }, (_, i) => ({
          endToEndId: `INV-${String(i + 10).padStart(4, "0")}`,
          amount: ["0.01", "12.10", "228.91", "999999999.99", "1500.00", "37.50"][i % 6]!,
          mandateId: `MNDT-${String(i % 9).padStart(4, "0")}`,
          mandateSignedOn: i % 2 ? "2026-11-20" : "2025-01-31",
          sequence: (["FRST", "RCUR", "OOFF", "FNAL"] as const)[i % 4]!,
          scheme: i % 5 === 0 ? ("B2B" as const) : ("CORE" as const),
          requestedCollectionDate: ["2026-12-03", "2026-12-07", "2027-01-04"][i % 3]!,
          ...debtors[i % debtors.length]!,
          remittance: i % 3 === 0 ? `+++000/0000/${String(i + 100).padStart(3, "0")}${String((i + 100) % 97 || 97).padStart(2, "0")}+++` : `Factuur INV-${i + 10} / bestelling #${1040 + i} — “€”`,
        })),
      },
    ],
    ["a creditor without BIC or country", { ...input, creditor: { name: "Atelier Lumière BV", iban: "BE68539007547034", creditorId: creditorIdentifier("BE", "0123456749") }, collections: [input.collections[1]!] }],
    ["one B2B collection", { ...input, collections: [input.collections[2]!] }],
  ];

  it("reads the XSD where CI has it", () => {
    expect(PAIN_008_XSD).toMatch(/shared\/contracts\/sepa\/pain\.008\.001\.08\.xsd$/);
  });

  it.each(files)("%s is valid", (_name, file) => {
    const result = validatePain008(writePain008(file));
    expect(result.errors.join("\n")).toBe("");
    expect(result.valid).toBe(true);
  });

  it("the check bites: a file the XSD rejects is reported with its error", () => {
    const xml = writePain008(input);
    const broken = [
      xml.replace("<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>NONE</ChrgBr>"),
      xml.replace(/<SeqTp>RCUR<\/SeqTp>/, "<SeqTp>ONCE</SeqTp>"),
      xml.replace(/<InstdAmt Ccy="EUR">228.91<\/InstdAmt>/, '<InstdAmt Ccy="EUR">-228.91</InstdAmt>'),
      xml.replace("<PmtMtd>DD</PmtMtd>", ""),
    ];
    for (const b of broken) {
      expect(b).not.toBe(xml);
      const result = validatePain008(b);
      expect(result.valid).toBe(false);
      expect(result.errors.join("\n")).toMatch(/Schemas validity error|fails to validate/);
    }
  });
});
