import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderInvoicePdf } from "../pdf/render-invoice-pdf";
import { writeUbl } from "./write-ubl";
import { sampleDocuments } from "./ubl-samples";

/**
 * Golden files for the eight representative documents: the UBL as reviewable XML, the PDF as its
 * sha256 (deterministic rendering). A change to either shows up here and must be looked at; after
 * an intended change, regenerate with FACTO_UPDATE_GOLDEN=1 and review the diff.
 */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../tests/golden");
const update = process.env.FACTO_UPDATE_GOLDEN === "1";
const createdAt = new Date("2026-11-23T10:00:00Z");
const mandate = { id: "FACTO-MNDT-0001", creditorId: "BE12ZZZ0456810810", debtorIban: "BE71 0961 2345 6769" };

function golden(file: string, actual: string) {
  const target = path.join(dir, file);
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(target, actual);
  }
  expect(existsSync(target), `${file} is missing: FACTO_UPDATE_GOLDEN=1 creates it`).toBe(true);
  expect(actual, `${file} changed: review, then FACTO_UPDATE_GOLDEN=1`).toBe(readFileSync(target, "utf8"));
}

describe("golden documents", () => {
  it.each(Object.entries(sampleDocuments()))("%s", async (name, inv) => {
    const pdf = await renderInvoicePdf(inv, { createdAt });
    golden(`${name}.pdf.sha256`, `${createHash("sha256").update(pdf).digest("hex")}\n`);
    golden(`${name}.ubl.xml`, writeUbl(inv, { ...(name === "directDebit" ? { mandate } : {}) }));
  });
});
