import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake of Recommand's PEPPOL API (github.com/recommand/recommand-peppol, read at commit f26b74e;
 * docs/decisions/018) on 127.0.0.1. What Facto depends on, with its source:
 * - HTTP Basic auth `apiKeyId:secret` (recommand-core lib/session.ts verifyBasicAuth); otherwise 401
 *   `actionFailure("Unauthorized")` (utils/auth-middleware.ts).
 * - POST /api/v1/:companyId/send (api/send-document.ts `_sendDocumentMinimal`): body per
 *   utils/parsing/send-document.ts (`recipient`, `documentType`, `document`, optional `email`,
 *   `doctypeId`, `processId`); `documentType: "xml"` takes the XML string as is (an unparsable one:
 *   400 "Document could not be parsed.", l.580). A failed PEPPOL delivery without e-mail fallback
 *   answers 422 "Failed to send document over Peppol network. <context>" (l.655-668, 688-700); with
 *   `email.when = on_peppol_failure` it answers 200 with sentOverPeppol false. Success answers
 *   `{ success, teamId, companyId, id, peppolMessageId, envelopeId, sentOverPeppol, sentOverEmail,
 *   emailRecipients, additionalPeppolFailureContext? }` (l.835-850). There is no idempotency key:
 *   sending twice transmits twice (counted in `transmissions`).
 * - POST /api/v1/verify (api/recipients/verify.ts l.58-99): `{ peppolAddress }` → `{ success, isValid,
 *   smpUrl, serviceMetadataReferences, smpHostnames, supportedDocuments[{ name, docTypeId }] }`;
 *   `{ success: true, isValid: false }` when discovery fails (l.97-99).
 * - POST /api/v1/companies (api/companies/create-company.ts) → `{ success, company, verificationUrl,
 *   verificationLogId }` (l.96-102; the URL is `${BASE_URL}/company-verification/${log.id}/verify`,
 *   data/company-verification.ts l.229); GET /api/v1/companies/:companyId (api/companies/get-company.ts)
 *   → `{ success, company }`; GET /api/v1/companies?enterpriseNumber=&vatNumber= (get-companies.ts
 *   l.28-37, 62-69) → `{ success, companies }`; PUT /api/v1/companies/:companyId (update-company.ts
 *   l.43-66) → `{ success, company }`; POST /api/v1/companies/:companyId/verify (verify-company.ts
 *   l.40-65) → `{ success, verificationUrl, verificationLogId }` (a new verification log).
 * - Refusals of a company (create-company.ts l.115-120, update-company.ts l.90-93: a UserFacingError
 *   answers 400 with its message): the checks of data/companies.ts l.132-137 (VAT number without a
 *   country prefix, or of another country) and utils/identifier-validation.ts l.9-69, 106-145 (Belgian
 *   enterprise and VAT numbers: 10 digits, starting 0 or 1, mod-97 check digits), with their messages.
 *   Recommand does not refuse a second company with the same numbers (companies.ts l.147-165 inserts
 *   without a uniqueness check): registering twice makes two companies — Facto must not.
 * - The identity check (data/company-verification.ts finalizeCompanyVerification l.85-203): when it
 *   succeeds Recommand registers the company's identifiers in its SMP (a receiving company only,
 *   utils/playground.ts l.21-37); if an identifier is registered with another SMP already, the
 *   registration fails with "Failed to register company identifier …, it might already be registered
 *   with another SMP (<hostnames>). …" (data/phoss-smp/index.ts l.97-111), the company stays unverified
 *   and the verification log gets status "error" with that message (company-verification.ts l.133-151).
 *   GET /api/v1/companies/verification/:logId/status (get-verification-status.ts, no API auth: its own
 *   public status page calls it) → `{ success, status, errorMessage, companyName, companyId }`.
 *   This fake models a team whose SMP registration waits for the identity check (verificationRequirements
 *   "strict"); "another SMP" = the participant is registered in the fake PEPPOL network.
 * - POST /api/v1/webhooks `{ url, companyId? }` (api/webhooks/create-webhook.ts; an internal failure
 *   answers 500 "Could not create webhook", l.63); GET /api/v1/webhooks?companyId= (get-webhooks.ts
 *   l.55-59: the company's and the team-wide ones) → `{ success, webhooks }`; webhooks are plain
 *   JSON POSTs `{ eventType, ...data }` without signature (data/webhooks.ts callWebhooks);
 *   `document.received` carries documentId, teamId, companyId (data/receive-document.ts l.110).
 * - GET /api/v1/inbox (unread incoming, without xml/parsed: api/documents/get-inbox.ts l.28-29, 67-69),
 *   GET /api/v1/documents (api/documents/list-documents.ts l.45-65, 114-150: query companyId,
 *   direction, search — `ilike` on the search text that holds the document number:
 *   data/transmitted-documents.ts l.144; `{ success, documents, pagination }`),
 *   GET /api/v1/documents/:documentId, POST /api/v1/documents/:documentId/mark-as-read `{ read = true }`
 *   (api/documents/mark-as-read.ts l.42, 73).
 * - Playground: `0208:1234567894` and `404:404` simulate an unreachable recipient (data/playground/simulate-ap.ts).
 * Guessed: the failure body `{ success: false, errors: { root: [message] } }` (`actionFailure` lives in
 * @recommand/lib, not public). Reachability comes from the fake PEPPOL network when one is given.
 * Test controls (not Recommand's): setOutage, setSlowMs, failNextDelivery, verifyCompany (the merchant
 * completes the identity check: verified, or "error" when another SMP holds the id), failNextWebhookCreation,
 * receiveDocument (delivers an incoming document and calls the webhooks), rejectByReceiver.
 */
export interface FakeRecommandDocument {
  id: string;
  teamId: string;
  companyId: string;
  direction: "incoming" | "outgoing";
  senderId: string;
  receiverId: string | null;
  docTypeId: string;
  processId: string;
  countryC1: string;
  type: string;
  readAt: string | null;
  createdAt: string;
  updatedAt: string;
  xml: string | null;
  documentNumber: string | null;
  sentOverPeppol: boolean;
  sentOverEmail: boolean;
  emailRecipients: string[];
  peppolMessageId: string | null;
}

export interface FakeRecommandCompany {
  id: string;
  teamId: string;
  name: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  enterpriseNumberScheme: string | null;
  enterpriseNumber: string | null;
  vatNumber: string | null;
  email: string | null;
  phone: string | null;
  isSmpRecipient: boolean;
  isVerified: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FakeRecommand {
  url: string;
  apiKey: string;
  apiSecret: string;
  companies: Map<string, FakeRecommandCompany>;
  documents: FakeRecommandDocument[];
  webhooks: { id: string; url: string; companyId: string | null }[];
  /** Every POST …/send that reached the fake, including refused ones. */
  sendAttempts: { companyId: string; recipient: string | null; documentNumber: string | null; status: number }[];
  /** Documents transmitted over PEPPOL, per document number: more than 1 = sent twice. */
  transmissions: (documentNumber: string) => number;
  setOutage: (on: boolean) => void;
  setSlowMs: (ms: number) => void;
  failNextDelivery: (reason: string) => void;
  /** The merchant completes the identity check of the company's latest verification link. */
  verifyCompany: (companyId: string) => { status: "verified" | "error"; errorMessage: string | null };
  verificationLogs: Map<string, { id: string; companyId: string; status: string; errorMessage: string | null }>;
  failNextWebhookCreation: () => void;
  /** Requests per "METHOD /path" (without query), for tests that count calls. */
  requests: string[];
  addCompany: (c: Partial<FakeRecommandCompany> & { name: string }) => FakeRecommandCompany;
  receiveDocument: (input: { companyId: string; senderId: string; xml: string; docTypeId: string; processId: string }) => Promise<FakeRecommandDocument>;
  rejectByReceiver: (sentDocumentId: string, reason: string) => Promise<FakeRecommandDocument>;
  close: () => Promise<void>;
}

const INVOICE_RESPONSE_DOCTYPE =
  "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2::ApplicationResponse##urn:fdc:peppol.eu:poacc:trns:invoice_response:3::2.1";
const INVOICE_RESPONSE_PROCESS = "urn:fdc:peppol.eu:poacc:bis:invoice_response:3";
const UNREACHABLE = new Set(["0208:1234567894", "404:404"]);

export async function startFakeRecommand(options: {
  apiKey?: string;
  apiSecret?: string;
  /** Who is reachable on PEPPOL (the fake PEPPOL network); without it everyone but the playground's unreachable ids is. */
  network?: { isRegistered: (participant: string, documentTypeId: string) => boolean; smpUrl?: string };
  port?: number;
} = {}): Promise<FakeRecommand> {
  const apiKey = options.apiKey ?? "key_test";
  const apiSecret = options.apiSecret ?? "secret_test";
  const teamId = "team_fake";
  const companies = new Map<string, FakeRecommandCompany>();
  const documents: FakeRecommandDocument[] = [];
  const webhooks: { id: string; url: string; companyId: string | null }[] = [];
  const sendAttempts: FakeRecommand["sendAttempts"] = [];
  let outage = false;
  let slowMs = 0;
  let nextFailure: string | null = null;
  let failWebhookCreation = false;
  let baseUrl = "";
  const verificationLogs: FakeRecommand["verificationLogs"] = new Map();
  const requests: string[] = [];

  function newVerificationLog(companyId: string) {
    // company-verification.ts l.205-231: a log in status "opened" (db/schema.ts l.269-280) and its URL.
    const log = { id: `cvl_${randomUUID().replace(/-/g, "").slice(0, 26)}`, companyId, status: "opened", errorMessage: null as string | null };
    verificationLogs.set(log.id, log);
    return { log, verificationUrl: `${baseUrl}/company-verification/${log.id}/verify` };
  }

  /** The refusals of data/companies.ts l.123-145 and utils/identifier-validation.ts, with their messages; null = accepted. */
  function refuseIdentifiers(country: string, vatNumber: string | null, enterpriseNumber: string | null): string | null {
    if (vatNumber && !/^[A-Z]{2}/.test(vatNumber)) return "VAT number must start with a country code (e.g. BE, NL, DE)";
    if (vatNumber && vatNumber.substring(0, 2) !== country.toUpperCase()) return `VAT number country code (${vatNumber.substring(0, 2)}) does not match the selected country (${country})`;
    if (country !== "BE") return null;
    const belgian = (digits: string, label: string, prefix: string) => {
      if (!/^\d{10}$/.test(digits)) return `${label} must ${prefix ? `have exactly 10 digits after the ${prefix} prefix` : "be exactly 10 digits"} (got ${digits.length})`;
      if (digits[0] !== "0" && digits[0] !== "1") return `${label} must start with ${prefix ? "BE0 or BE1" : "0 or 1"}`;
      if (Number(digits.slice(8)) !== 97 - (Number(digits.slice(0, 8)) % 97)) return `${label} has an invalid check digit`;
      return null;
    };
    if (vatNumber) {
      const problem = belgian(vatNumber.slice(2), "Belgian VAT number", "BE");
      if (problem) return problem;
    }
    if (enterpriseNumber) return belgian(enterpriseNumber, "Belgian enterprise number", "");
    return null;
  }

  /** finalizeCompanyVerification (company-verification.ts l.85-203) for a completed identity check. */
  function verifyCompany(companyId: string) {
    const company = companies.get(companyId);
    if (!company) throw new Error(`fake Recommand: no company ${companyId}`);
    const log = [...verificationLogs.values()].filter((l) => l.companyId === companyId).at(-1) ?? newVerificationLog(companyId).log;
    if (company.isSmpRecipient && !company.isVerified) {
      // upsertCompanyRegistrations → registerCompanyIdentifier for 0208 and 9925 (phoss-smp/index.ts l.16-30, 66-111).
      const ids = [company.enterpriseNumber ? `0208:${company.enterpriseNumber}` : null, company.vatNumber ? `9925:${company.vatNumber}` : null].filter((x): x is string => !!x);
      const INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";
      const taken = ids.find((id) => options.network?.isRegistered(id, INVOICE));
      if (taken) {
        const host = options.network?.smpUrl ? new URL(options.network.smpUrl).hostname : null;
        log.status = "error";
        log.errorMessage = host
          ? `Failed to register company identifier ${taken}, it might already be registered with another SMP (${host}). Please revoke your registration with the other SMP and try again. Feel free to contact support@recommand.eu if you are unsure about how to proceed.`
          : `Failed to register company identifier ${taken}, it might already be registered with another SMP. Please ensure this is not the case. Feel free to contact support@recommand.eu if you are unsure about how to proceed.`;
        return { status: "error" as const, errorMessage: log.errorMessage };
      }
    }
    company.isVerified = true;
    log.status = "verified";
    log.errorMessage = null;
    return { status: "verified" as const, errorMessage: null };
  }

  const now = () => new Date().toISOString();
  const failure = (res: ServerResponse, status: number, message: string) => json(res, status, { success: false, errors: { root: [message] } });
  const reachable = (recipient: string, docTypeId: string) =>
    !UNREACHABLE.has(recipient) && (options.network ? options.network.isRegistered(recipient, docTypeId) : true);

  function addCompany(c: Partial<FakeRecommandCompany> & { name: string }): FakeRecommandCompany {
    const company: FakeRecommandCompany = {
      id: c.id ?? `c_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
      teamId,
      name: c.name,
      address: c.address ?? "",
      postalCode: c.postalCode ?? "",
      city: c.city ?? "",
      country: c.country ?? "BE",
      enterpriseNumberScheme: c.enterpriseNumberScheme ?? (c.enterpriseNumber ? "0208" : null),
      enterpriseNumber: c.enterpriseNumber ?? null,
      vatNumber: c.vatNumber ?? null,
      email: c.email ?? null,
      phone: c.phone ?? null,
      isSmpRecipient: c.isSmpRecipient ?? true,
      isVerified: c.isVerified ?? false,
      createdAt: now(),
      updatedAt: now(),
    };
    companies.set(company.id, company);
    return company;
  }

  async function callWebhooks(companyId: string, eventType: string, data: Record<string, string>) {
    for (const hook of webhooks.filter((w) => w.companyId === null || w.companyId === companyId)) {
      try {
        await fetch(hook.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ eventType, ...data }) });
      } catch {
        /* data/webhooks.ts: failures are logged and ignored, never retried */
      }
    }
  }

  async function receiveDocument(input: { companyId: string; senderId: string; xml: string; docTypeId: string; processId: string }) {
    const company = companies.get(input.companyId);
    if (!company) throw new Error(`fake Recommand: no company ${input.companyId}`);
    const doc: FakeRecommandDocument = {
      id: `doc_${randomUUID().replace(/-/g, "")}`,
      teamId,
      companyId: company.id,
      direction: "incoming",
      senderId: input.senderId,
      receiverId: company.enterpriseNumber ? `0208:${company.enterpriseNumber}` : null,
      docTypeId: input.docTypeId,
      processId: input.processId,
      countryC1: "BE",
      type: input.docTypeId.includes("ApplicationResponse") ? "invoiceResponse" : input.docTypeId.includes("CreditNote") ? "creditNote" : "invoice",
      readAt: null,
      createdAt: now(),
      updatedAt: now(),
      xml: input.xml,
      documentNumber: /<cbc:ID>([^<]+)<\/cbc:ID>/.exec(input.xml)?.[1] ?? null,
      sentOverPeppol: true,
      sentOverEmail: false,
      emailRecipients: [],
      peppolMessageId: randomUUID(),
    };
    documents.push(doc);
    await callWebhooks(company.id, "document.received", { documentId: doc.id, teamId, companyId: company.id });
    return doc;
  }

  const publicDoc = (d: FakeRecommandDocument, withXml: boolean) => {
    const { documentNumber: _n, ...rest } = d;
    return { ...rest, xml: withXml ? d.xml : undefined, parsed: null, validation: null, labels: [], peppolConversationId: null, receivedPeppolSignalMessage: null, envelopeId: null };
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    const body = await readBody(req);
    requests.push(`${req.method} ${url.pathname}`);
    let m: RegExpExecArray | null;
    // get-verification-status.ts l.19-24: no team auth (Recommand's public status page calls it).
    if (req.method === "GET" && (m = /^\/api\/v1\/companies\/verification\/([^/]+)\/status$/.exec(url.pathname))) {
      const log = verificationLogs.get(decodeURIComponent(m[1]!));
      if (!log) return failure(res, 404, "Company verification log not found");
      const company = companies.get(log.companyId);
      if (!company) return failure(res, 404, "Company not found");
      return json(res, 200, { success: true, status: log.status, errorMessage: log.errorMessage, companyName: company.name, companyId: company.id });
    }
    const authHeader = req.headers.authorization?.split(" ");
    const creds = authHeader?.[0] === "Basic" && authHeader[1] ? Buffer.from(authHeader[1], "base64").toString("utf8").split(":") : [];
    if (creds[0] !== apiKey || creds[1] !== apiSecret) return failure(res, 401, "Unauthorized");
    if (outage) return failure(res, 503, "Service Unavailable");
    let input: Record<string, unknown> = {};
    if (body) {
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return failure(res, 400, "Malformed JSON in request body");
      }
    }
    const path = url.pathname;

    if (req.method === "POST" && (m = /^\/api\/v1\/([^/]+)\/send$/.exec(path)) && m[1] !== "documents") {
      const companyId = decodeURIComponent(m[1]!);
      const company = companies.get(companyId);
      const recipient = typeof input.recipient === "string" ? (input.recipient.includes(":") ? input.recipient : `0208:${input.recipient.replace(/[^0-9]/g, "")}`) : null;
      const xml = typeof input.document === "string" ? input.document : null;
      const documentNumber = xml ? (/<cbc:ID>([^<]+)<\/cbc:ID>/.exec(xml)?.[1] ?? null) : null;
      const record = (status: number) => sendAttempts.push({ companyId, recipient, documentNumber, status });
      if (!company) {
        record(404);
        return failure(res, 404, "Company not found");
      }
      if (input.documentType !== "xml" || !xml || !/^\s*(<\?xml[^>]*>\s*)?<(Invoice|CreditNote)\b/.test(xml)) {
        record(400);
        return failure(res, 400, "Document could not be parsed.");
      }
      const docTypeId = typeof input.doctypeId === "string" ? input.doctypeId : "";
      if (slowMs) await new Promise((r) => setTimeout(r, slowMs));
      let sentPeppol = false;
      let context = "";
      if (recipient && nextFailure === null && reachable(recipient, docTypeId)) sentPeppol = true;
      else context = nextFailure ?? `No Peppol endpoint found for ${recipient} and document type ${docTypeId} (SMP lookup failed).`;
      nextFailure = null;
      const email = input.email as { when?: string; to?: string[] } | undefined;
      const emailRecipients = !sentPeppol && email?.to?.length ? email.to : [];
      if (!sentPeppol && emailRecipients.length === 0) {
        record(422);
        return failure(res, 422, `Failed to send document over Peppol network. ${context}`);
      }
      const doc: FakeRecommandDocument = {
        id: `doc_${randomUUID().replace(/-/g, "")}`,
        teamId,
        companyId,
        direction: "outgoing",
        senderId: company.enterpriseNumber ? `0208:${company.enterpriseNumber}` : `9925:${company.vatNumber}`,
        receiverId: recipient,
        docTypeId,
        processId: typeof input.processId === "string" ? input.processId : "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
        countryC1: company.country,
        type: docTypeId.includes("CreditNote") ? "creditNote" : "invoice",
        readAt: null,
        createdAt: now(),
        updatedAt: now(),
        xml,
        documentNumber,
        sentOverPeppol: sentPeppol,
        sentOverEmail: emailRecipients.length > 0,
        emailRecipients,
        peppolMessageId: sentPeppol ? randomUUID() : null,
      };
      documents.push(doc);
      record(200);
      return json(res, 200, {
        success: true,
        teamId,
        companyId,
        id: doc.id,
        peppolMessageId: doc.peppolMessageId,
        envelopeId: sentPeppol ? randomUUID() : null,
        sentOverPeppol: sentPeppol,
        sentOverEmail: doc.sentOverEmail,
        emailRecipients,
        ...(context ? { additionalPeppolFailureContext: context } : {}),
      });
    }

    if (req.method === "POST" && path === "/api/v1/verify") {
      const address = typeof input.peppolAddress === "string" ? input.peppolAddress : "";
      const docs = ["Invoice-2::Invoice", "CreditNote-2::CreditNote"].map(
        (k) => `urn:oasis:names:specification:ubl:schema:xsd:${k}##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1`,
      );
      const supported = docs.filter((d) => reachable(address, d));
      if (supported.length === 0) return json(res, 200, { success: true, isValid: false });
      return json(res, 200, {
        success: true,
        isValid: true,
        smpUrl: options.network?.smpUrl ?? "https://smp.example",
        serviceMetadataReferences: [],
        smpHostnames: [new URL(options.network?.smpUrl ?? "https://smp.example").hostname],
        supportedDocuments: supported.map((docTypeId) => ({ name: docTypeId.includes("CreditNote") ? "Credit Note" : "Invoice", docTypeId })),
      });
    }

    if (req.method === "POST" && path === "/api/v1/companies") {
      for (const field of ["name", "address", "postalCode", "city", "country"]) {
        if (typeof input[field] !== "string") return failure(res, 400, `Invalid request data: ${field} is required`);
      }
      let enterpriseNumber = typeof input.enterpriseNumber === "string" ? input.enterpriseNumber.replace(/[^0-9A-Za-z]/g, "") || null : null;
      const vatNumber = typeof input.vatNumber === "string" ? input.vatNumber.replace(/[^0-9A-Za-z]/g, "").toUpperCase() || null : null;
      // create-company.ts l.73-84: a Belgian company's enterprise number is inferred from its VAT number.
      if (!enterpriseNumber && vatNumber && input.country === "BE") enterpriseNumber = vatNumber.replace(/^BE/, "");
      const refusal = refuseIdentifiers(input.country as string, vatNumber, enterpriseNumber);
      if (refusal) return failure(res, 400, refusal);
      const company = addCompany({
        name: input.name as string,
        address: input.address as string,
        postalCode: input.postalCode as string,
        city: input.city as string,
        country: input.country as string,
        enterpriseNumber,
        vatNumber,
        email: typeof input.email === "string" && input.email ? input.email : null,
        isSmpRecipient: input.isSmpRecipient !== false,
      });
      const { log, verificationUrl } = newVerificationLog(company.id);
      return json(res, 200, { success: true, company, verificationUrl, verificationLogId: log.id });
    }

    if (req.method === "GET" && path === "/api/v1/companies") {
      const en = url.searchParams.get("enterpriseNumber")?.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
      const vat = url.searchParams.get("vatNumber")?.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
      const found = [...companies.values()].filter((c) => (!en || c.enterpriseNumber?.toUpperCase() === en) && (!vat || c.vatNumber === vat));
      return json(res, 200, { success: true, companies: found });
    }

    if (req.method === "PUT" && (m = /^\/api\/v1\/companies\/([^/]+)$/.exec(path))) {
      const company = companies.get(decodeURIComponent(m[1]!));
      if (!company) return failure(res, 404, "Company not found");
      const vatNumber = typeof input.vatNumber === "string" ? input.vatNumber.replace(/[^0-9A-Za-z]/g, "").toUpperCase() || null : company.vatNumber;
      const enterpriseNumber = typeof input.enterpriseNumber === "string" ? input.enterpriseNumber.replace(/[^0-9A-Za-z]/g, "") || null : company.enterpriseNumber;
      const country = typeof input.country === "string" ? input.country : company.country;
      const refusal = refuseIdentifiers(country, vatNumber, enterpriseNumber);
      if (refusal) return failure(res, 400, refusal);
      // companies.ts l.267-277: changed numbers reset the verification.
      if ((vatNumber !== company.vatNumber || enterpriseNumber !== company.enterpriseNumber) && company.isVerified) company.isVerified = false;
      for (const field of ["name", "address", "postalCode", "city", "email"] as const) if (typeof input[field] === "string") company[field] = input[field] as string;
      Object.assign(company, { vatNumber, enterpriseNumber, country, updatedAt: now() });
      if (typeof input.isSmpRecipient === "boolean") company.isSmpRecipient = input.isSmpRecipient;
      return json(res, 200, { success: true, company });
    }

    if (req.method === "POST" && (m = /^\/api\/v1\/companies\/([^/]+)\/verify$/.exec(path))) {
      const company = companies.get(decodeURIComponent(m[1]!));
      // createCompanyVerificationLog throws UserFacingError("Company not found") → 400 (verify-company.ts l.66-69).
      if (!company) return failure(res, 400, "Company not found");
      const { log, verificationUrl } = newVerificationLog(company.id);
      return json(res, 200, { success: true, verificationUrl, verificationLogId: log.id });
    }

    if (req.method === "GET" && path === "/api/v1/webhooks") {
      const companyId = url.searchParams.get("companyId");
      const found = webhooks.filter((w) => !companyId || w.companyId === companyId || w.companyId === null);
      return json(res, 200, { success: true, webhooks: found.map((w) => ({ ...w, teamId, createdAt: now(), updatedAt: now() })) });
    }

    if (req.method === "GET" && (m = /^\/api\/v1\/companies\/([^/]+)$/.exec(path))) {
      const company = companies.get(decodeURIComponent(m[1]!));
      return company ? json(res, 200, { success: true, company }) : failure(res, 404, "Company not found");
    }

    if (req.method === "POST" && path === "/api/v1/webhooks") {
      if (typeof input.url !== "string" || !/^https?:\/\//.test(input.url)) return failure(res, 400, "Invalid request data");
      if (failWebhookCreation) {
        failWebhookCreation = false;
        return failure(res, 500, "Could not create webhook");
      }
      const webhook = { id: `wh_${randomUUID().slice(0, 8)}`, url: input.url, companyId: typeof input.companyId === "string" ? input.companyId : null };
      webhooks.push(webhook);
      return json(res, 200, { success: true, webhook: { ...webhook, teamId, createdAt: now(), updatedAt: now() } });
    }

    if (req.method === "GET" && path === "/api/v1/inbox") {
      const companyId = url.searchParams.get("companyId");
      const docs = documents.filter((d) => d.direction === "incoming" && d.readAt === null && (!companyId || d.companyId === companyId));
      return json(res, 200, { success: true, documents: docs.map((d) => publicDoc(d, false)) });
    }

    if (req.method === "GET" && path === "/api/v1/documents") {
      const companyId = url.searchParams.get("companyId");
      const direction = url.searchParams.get("direction");
      const search = url.searchParams.get("search")?.trim().toLowerCase();
      const docs = documents.filter(
        (d) =>
          (!companyId || d.companyId === companyId) &&
          (!direction || d.direction === direction) &&
          (!search || `${d.documentNumber ?? ""} ${d.senderId} ${d.receiverId ?? ""}`.toLowerCase().includes(search)),
      );
      return json(res, 200, { success: true, documents: docs.map((d) => publicDoc(d, false)), pagination: { total: docs.length, page: 1, limit: 50, totalPages: 1 } });
    }

    if (req.method === "GET" && (m = /^\/api\/v1\/documents\/([^/]+)$/.exec(path))) {
      const doc = documents.find((d) => d.id === decodeURIComponent(m![1]!));
      return doc ? json(res, 200, { success: true, document: publicDoc(doc, true) }) : failure(res, 404, "Document not found");
    }

    if (req.method === "POST" && (m = /^\/api\/v1\/documents\/([^/]+)\/mark-as-read$/.exec(path))) {
      const doc = documents.find((d) => d.id === decodeURIComponent(m![1]!));
      if (!doc) return failure(res, 404, "Document not found");
      doc.readAt = input.read === false ? null : now();
      return json(res, 200, { success: true });
    }

    return failure(res, 404, "Not found");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) failure(res, 500, error instanceof Error ? error.message : "Internal error");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    apiKey,
    apiSecret,
    companies,
    documents,
    webhooks,
    sendAttempts,
    transmissions: (n) => documents.filter((d) => d.direction === "outgoing" && d.sentOverPeppol && d.documentNumber === n).length,
    setOutage: (on) => {
      outage = on;
    },
    setSlowMs: (ms) => {
      slowMs = ms;
    },
    failNextDelivery: (reason) => {
      nextFailure = reason;
    },
    verifyCompany,
    verificationLogs,
    failNextWebhookCreation: () => {
      failWebhookCreation = true;
    },
    requests,
    addCompany,
    receiveDocument,
    async rejectByReceiver(sentDocumentId, reason) {
      const sent = documents.find((d) => d.id === sentDocumentId && d.direction === "outgoing");
      if (!sent || !sent.receiverId) throw new Error(`fake Recommand: no outgoing document ${sentDocumentId}`);
      return receiveDocument({
        companyId: sent.companyId,
        senderId: sent.receiverId,
        docTypeId: INVOICE_RESPONSE_DOCTYPE,
        processId: INVOICE_RESPONSE_PROCESS,
        xml: invoiceResponseXml({ documentNumber: sent.documentNumber ?? "", from: sent.receiverId, to: sent.senderId, status: "RE", reason }),
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A PEPPOL BIS Invoice Response 3.0 (UBL ApplicationResponse) answering one invoice. */
export function invoiceResponseXml(input: { documentNumber: string; from: string; to: string; status: "AB" | "IP" | "UQ" | "CA" | "RE" | "AP" | "PD"; reason?: string }): string {
  const [fromScheme, fromId] = input.from.split(":");
  const [toScheme, toId] = input.to.split(":");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:invoice_response:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:invoice_response:3</cbc:ProfileID>
  <cbc:ID>IR-${input.documentNumber}</cbc:ID>
  <cbc:IssueDate>${new Date().toISOString().slice(0, 10)}</cbc:IssueDate>
  <cac:SenderParty><cbc:EndpointID schemeID="${fromScheme}">${fromId}</cbc:EndpointID><cac:PartyLegalEntity><cbc:RegistrationName>Receiver</cbc:RegistrationName></cac:PartyLegalEntity></cac:SenderParty>
  <cac:ReceiverParty><cbc:EndpointID schemeID="${toScheme}">${toId}</cbc:EndpointID><cac:PartyLegalEntity><cbc:RegistrationName>Sender</cbc:RegistrationName></cac:PartyLegalEntity></cac:ReceiverParty>
  <cac:DocumentResponse>
    <cac:Response>
      <cbc:ResponseCode listID="UNCL4343OpSubset">${input.status}</cbc:ResponseCode>
      <cbc:EffectiveDate>${new Date().toISOString().slice(0, 10)}</cbc:EffectiveDate>
${input.reason ? `      <cac:Status><cbc:StatusReasonCode listID="OPStatusReason">OTH</cbc:StatusReasonCode><cbc:StatusReason>${input.reason.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</cbc:StatusReason></cac:Status>\n` : ""}    </cac:Response>
    <cac:DocumentReference><cbc:ID>${input.documentNumber}</cbc:ID><cbc:DocumentTypeCode>380</cbc:DocumentTypeCode></cac:DocumentReference>
  </cac:DocumentResponse>
</ApplicationResponse>`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
