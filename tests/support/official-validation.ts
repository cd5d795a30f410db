import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * The official validation of what Facto sends out, for unit and integration tests alike:
 * - UBL: the OASIS UBL 2.1 XSD, the CEN EN 16931 UBL Schematron (1.3.16) and the PEPPOL BIS Billing
 *   3.0.21 Schematron, run by the validator kept with the official artefacts
 *   (../shared/contracts/validator/validate-ubl.mjs), like the official PEPPOL validators do;
 * - pain.008: the ISO 20022 pain.008.001.08 XSD with xmllint.
 * The artefacts are read where CI has them — `../shared/contracts` seen from the project's root (a git
 * worktree one level deeper looks one more up) — and never copied into the project.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CONTRACTS =
  [path.resolve(ROOT, "../shared/contracts"), path.resolve(ROOT, "../../shared/contracts")].find((p) => existsSync(path.join(p, "README.md"))) ??
  path.resolve(ROOT, "../shared/contracts");

export interface Finding {
  layer: "XSD" | "CEN" | "PEPPOL";
  id: string;
  flag: "fatal" | "warning";
  location?: string;
  text: string;
}

export interface UblVerdict {
  valid: boolean;
  /** The root element (Invoice or CreditNote). */
  root?: string;
  findings: Finding[];
  /** Set when the text is not a UBL Invoice or CreditNote at all (not well-formed, another root). */
  bad?: string;
}

type ValidateUbl = (text: string) => { valid?: boolean; root?: string; findings?: Finding[]; bad?: string };
let validator: ValidateUbl | null = null;

/**
 * Loads the validator once per process (its compiled Schematron is kept; compiling takes a few
 * seconds a layer). Node's own loader reads it (require of an ES module), not the test runner's,
 * which does not serve files outside the project.
 */
function load(): ValidateUbl {
  validator ??= (createRequire(import.meta.url)(path.join(CONTRACTS, "validator/validate-ubl.mjs")) as { validateUbl: ValidateUbl }).validateUbl;
  return validator;
}

/** Runs XSD + CEN + PEPPOL over one UBL document. Invalid = any fatal finding (warnings are kept, not failed on). */
export async function validateUblOfficially(xml: string): Promise<UblVerdict> {
  const result = load()(xml);
  if (result.bad) return { valid: false, findings: [], bad: result.bad };
  return { valid: result.valid === true, root: result.root, findings: result.findings ?? [] };
}

/** The fatal findings, one per line, as the validator prints them. */
export function describeFatal(verdict: UblVerdict): string {
  if (verdict.bad) return verdict.bad;
  return verdict.findings
    .filter((f) => f.flag === "fatal")
    .map((f) => `${f.layer} ${f.id} ${f.location ?? ""}\n    ${f.text}`)
    .join("\n");
}

/** Throws with every fatal finding when the document is not valid PEPPOL BIS 3 UBL. */
export async function assertValidUbl(xml: string, label: string): Promise<void> {
  const verdict = await validateUblOfficially(xml);
  if (!verdict.valid) throw new Error(`${label} is not valid PEPPOL BIS 3.0.21 / EN 16931 UBL:\n${describeFatal(verdict)}`);
}

export const PAIN_008_XSD = path.join(CONTRACTS, "sepa/pain.008.001.08.xsd");

/** Validates a pain.008.001.08 file against the official ISO 20022 XSD with xmllint; the errors it reports. */
export function validatePain008(xml: string): { valid: boolean; errors: string[] } {
  const run = spawnSync("xmllint", ["--noout", "--nonet", "--schema", PAIN_008_XSD, "-"], { input: xml, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.error) throw new Error("xmllint is missing (apt-get install libxml2-utils)");
  const errors = run.stderr.split("\n").filter((l) => l.trim() && !/ validates$/.test(l));
  return { valid: run.status === 0, errors };
}

/** Validates a camt.053.001.02 or .08 statement against the official ISO 20022 XSD (shared/contracts/bank) with xmllint. */
export function validateCamt053(xml: string, version: "02" | "08"): { valid: boolean; errors: string[] } {
  const xsd = path.join(CONTRACTS, `bank/camt.053.001.${version}.xsd`);
  const run = spawnSync("xmllint", ["--noout", "--nonet", "--schema", xsd, "-"], { input: xml, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.error) throw new Error("xmllint is missing (apt-get install libxml2-utils)");
  const errors = run.stderr.split("\n").filter((l) => l.trim() && !/ validates$/.test(l));
  return { valid: run.status === 0, errors };
}
