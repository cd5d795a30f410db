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
 *   `doctypeId`, `processId`); `documentType: "xml"` takes the XML string as is. A failed PEPPOL
 *   delivery without e-mail fallback answers 422 "Failed to send document over Peppol network. …";
 *   with `email.when = on_peppol_failure` it answers 200 with sentOverPeppol false. Success answers
 *   `{ success, teamId, companyId, id, peppolMessageId, envelopeId, sentOverPeppol, sentOverEmail,
 *   emailRecipients }`. There is no idempotency key: sending twice transmits twice (counted in `sends`).
 * - POST /api/v1/verify (api/recipients/verify.ts): `{ peppolAddress }` → `{ success, isValid,
 *   smpUrl, serviceMetadataReferences, smpHostnames, supportedDocuments[{ name, docTypeId }] }`;
 *   `{ success: true, isValid: false }` when discovery fails.
 * - POST /api/v1/companies (api/companies/create-company.ts) → `{ success, company, verificationUrl,
 *   verificationLogId }`; GET /api/v1/companies/:companyId (api/companies/get-company.ts) → `{ success, company }`.
 * - POST /api/v1/webhooks `{ url, companyId? }` (api/webhooks/create-webhook.ts); webhooks are plain
 *   JSON POSTs `{ eventType, ...data }` without signature (data/webhooks.ts callWebhooks);
 *   `document.received` carries documentId, teamId, companyId (data/receive-document.ts l.110).
 * - GET /api/v1/inbox (unread incoming, without xml/parsed: api/documents/get-inbox.ts),
 *   GET /api/v1/documents (query companyId, direction, search — `ilike` on the search text that holds
 *   the document number: data/transmitted-documents.ts l.144), GET /api/v1/documents/:documentId,
 *   POST /api/v1/documents/:documentId/mark-as-read `{ read }`.
 * - Playground: `0208:1234567894` and `404:404` simulate an unreachable recipient (data/playground/simulate-ap.ts).
 * Guessed: the failure body `{ success: false, errors: { root: [message] } }` (`actionFailure` lives in
 * @recommand/lib, not public). Reachability comes from the fake PEPPOL network when one is given.
 * Test controls (not Recommand's): setOutage, setSlowMs, failNextDelivery, verifyCompany,
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
  verifyCompany: (companyId: string) => void;
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
  let baseUrl = "";

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
    let m: RegExpExecArray | null;

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
      let enterpriseNumber = typeof input.enterpriseNumber === "string" ? input.enterpriseNumber.replace(/[^0-9A-Za-z]/g, "") : null;
      const vatNumber = typeof input.vatNumber === "string" ? input.vatNumber.replace(/[^0-9A-Za-z]/g, "").toUpperCase() : null;
      // create-company.ts: a Belgian company's enterprise number is inferred from its VAT number.
      if (!enterpriseNumber && vatNumber && input.country === "BE") enterpriseNumber = vatNumber.replace(/^BE/, "");
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
      return json(res, 200, { success: true, company, verificationUrl: `${baseUrl}/company-verification/${company.id}/verify`, verificationLogId: `cvl_${company.id}` });
    }

    if (req.method === "GET" && (m = /^\/api\/v1\/companies\/([^/]+)$/.exec(path))) {
      const company = companies.get(decodeURIComponent(m[1]!));
      return company ? json(res, 200, { success: true, company }) : failure(res, 404, "Company not found");
    }

    if (req.method === "POST" && path === "/api/v1/webhooks") {
      if (typeof input.url !== "string" || !/^https?:\/\//.test(input.url)) return failure(res, 400, "Invalid request data");
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
    verifyCompany: (id) => {
      const c = companies.get(id);
      if (c) c.isVerified = true;
    },
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
