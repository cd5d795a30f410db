import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ParticipantId } from "~/domain/peppol/participant-id";
import { AppError } from "~/errors/app-error";
import type {
  AccessPointProvider,
  CompanyRegistration,
  CompanyRegistrationInput,
  ProviderLookup,
  ReceivedDocument,
  SendDocumentInput,
  SentDocument,
  WebhookHint,
} from "../access-point-provider";

/**
 * Recommand's PEPPOL API (open source: github.com/recommand/recommand-peppol; docs/decisions/018).
 * Auth: HTTP Basic with an API key id and secret (recommand-core lib/session.ts verifyBasicAuth).
 * Facto sends its own stored UBL with `documentType: "xml"` (utils/parsing/send-document.ts), so the
 * bytes on the network are the bytes kept with the invoice. Sending is synchronous: a success
 * answer means the AS4 exchange with the receiver's AP succeeded (api/send-document.ts).
 */
export interface RecommandOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const SendResponse = z.object({
  success: z.literal(true),
  id: z.string(),
  peppolMessageId: z.string().nullish(),
  sentOverPeppol: z.boolean(),
  sentOverEmail: z.boolean().optional(),
});
const VerifyResponse = z.object({
  success: z.literal(true),
  isValid: z.boolean(),
  smpHostnames: z.array(z.string()).optional(),
  supportedDocuments: z.array(z.object({ docTypeId: z.string() }).loose()).optional(),
});
/** api/companies/shared.ts companyResponse (the fields Facto reads). */
const Company = z
  .object({
    id: z.string(),
    name: z.string().nullish(),
    enterpriseNumber: z.string().nullish(),
    vatNumber: z.string().nullish(),
    isSmpRecipient: z.boolean(),
    isVerified: z.boolean().optional(),
  })
  .loose();
const CreateCompanyResponse = z.object({ success: z.literal(true), company: Company, verificationUrl: z.string().nullish() });
const GetCompanyResponse = z.object({ success: z.literal(true), company: Company });
const GetCompaniesResponse = z.object({ success: z.literal(true), companies: z.array(Company) });
const VerifyCompanyResponse = z.object({ success: z.literal(true), verificationUrl: z.string().nullish() }).loose();
/** api/companies/verification/get-verification-status.ts; statuses of db/schema.ts verificationStatusEnum. */
const VerificationStatusResponse = z
  .object({ success: z.literal(true), status: z.enum(["opened", "idVerificationRequested", "inReview", "verified", "rejected", "error"]), errorMessage: z.string().nullish() })
  .loose();
const WebhooksResponse = z.object({ success: z.literal(true), webhooks: z.array(z.object({ url: z.string(), companyId: z.string().nullish() }).loose()) });
const TransmittedDocument = z
  .object({
    id: z.string(),
    companyId: z.string(),
    direction: z.enum(["incoming", "outgoing"]),
    senderId: z.string(),
    receiverId: z.string().nullable(),
    docTypeId: z.string(),
    processId: z.string(),
    createdAt: z.string(),
    xml: z.string().nullish(),
    sentOverPeppol: z.boolean().optional(),
    peppolMessageId: z.string().nullish(),
  })
  .loose();
const DocumentsResponse = z.object({ success: z.literal(true), documents: z.array(TransmittedDocument) });
const DocumentResponse = z.object({ success: z.literal(true), document: TransmittedDocument });
/** callWebhooks in data/webhooks.ts posts `{ eventType, ...data }`; document.received carries documentId, teamId, companyId (data/receive-document.ts l.110). */
const WebhookBody = z.object({ eventType: z.string(), documentId: z.string().optional(), companyId: z.string().optional() }).loose();

export function createRecommandProvider(options: RecommandOptions): AccessPointProvider {
  const fetchImpl = options.fetchImpl ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  const auth = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString("base64")}`;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: auth, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `Recommand could not be reached (${method} ${path})`, { cause, details: { provider: "recommand" } });
    }
    const raw = await response.text();
    if (response.status >= 500 || response.status === 429) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `Recommand answered ${response.status} (${method} ${path})`, { details: { provider: "recommand", status: response.status } });
    }
    if (!response.ok) {
      throw new AppError("UPSTREAM_REJECTED", failureReason(raw, response.status), { details: { provider: "recommand", status: response.status } });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (cause) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `Recommand answered ${response.status} with a body that is not JSON`, { cause, details: { provider: "recommand" } });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `Recommand's answer to ${method} ${path} has an unexpected shape`, { details: { provider: "recommand", issues: parsed.error.issues.slice(0, 5) } });
    }
    return parsed.data;
  }

  const toSent = (d: { id: string; peppolMessageId?: string | null | undefined }): SentDocument => ({
    providerDocumentId: d.id,
    peppolMessageId: d.peppolMessageId ?? null,
    deliveredToAccessPoint: true,
  });

  return {
    name: "recommand",

    async send(input: SendDocumentInput): Promise<SentDocument> {
      // No `email` block: the e-mail fallback is Facto's own (the customer gets Facto's e-mail with PDF).
      const answer = await call("POST", `/api/v1/${encodeURIComponent(input.companyId)}/send`, SendResponse, {
        recipient: input.recipient.full,
        documentType: "xml",
        document: input.ubl,
        doctypeId: input.documentTypeId,
        processId: input.processId,
      });
      if (!answer.sentOverPeppol) {
        throw new AppError("UPSTREAM_REJECTED", "Recommand accepted the document but did not send it over PEPPOL", { details: { provider: "recommand", id: answer.id } });
      }
      return toSent(answer);
    },

    async findSent({ companyId, documentNumber, recipient }) {
      const query = new URLSearchParams({ companyId, direction: "outgoing", search: documentNumber, limit: "50" });
      const answer = await call("GET", `/api/v1/documents?${query}`, DocumentsResponse);
      const match = answer.documents.find(
        (d) => d.direction === "outgoing" && d.sentOverPeppol !== false && d.receiverId?.toLowerCase() === recipient.full.toLowerCase(),
      );
      return match ? toSent(match) : null;
    },

    async lookup(participant: ParticipantId): Promise<ProviderLookup> {
      const answer = await call("POST", "/api/v1/verify", VerifyResponse, { peppolAddress: participant.full });
      return {
        registered: answer.isValid,
        documentTypeIds: (answer.supportedDocuments ?? []).map((d) => d.docTypeId),
        smpHostnames: answer.smpHostnames ?? [],
      };
    },

    async registerCompany(input: CompanyRegistrationInput): Promise<CompanyRegistration> {
      // create-company.ts l.34-47 (body), l.115-120: a UserFacingError (identifier-validation.ts: a
      // Belgian VAT or enterprise number with a wrong check digit; companies.ts l.132-137: a VAT number
      // of another country) answers 400 with its message → UPSTREAM_REJECTED with that reason.
      const answer = await call("POST", "/api/v1/companies", CreateCompanyResponse, companyBody(input));
      return toRegistration(answer.company, answer.verificationUrl ?? null);
    },

    async findCompanies({ enterpriseNumber, vatNumber }) {
      // get-companies.ts l.28-37, l.62-69: GET /companies filtered by enterpriseNumber and/or vatNumber.
      const query = new URLSearchParams();
      if (enterpriseNumber) query.set("enterpriseNumber", enterpriseNumber);
      else if (vatNumber) query.set("vatNumber", vatNumber);
      else return [];
      const answer = await call("GET", `/api/v1/companies?${query}`, GetCompaniesResponse);
      return answer.companies.map((company) => toRegistration(company, null));
    },

    async updateCompany(companyId, input) {
      // update-company.ts l.43-55, l.59-66: PUT /companies/:companyId, same validation (400 + reason).
      const answer = await call("PUT", `/api/v1/companies/${encodeURIComponent(companyId)}`, GetCompanyResponse, companyBody(input));
      return toRegistration(answer.company, null);
    },

    async restartVerification(companyId) {
      // verify-company.ts l.40-65: a new verification log and its URL.
      const answer = await call("POST", `/api/v1/companies/${encodeURIComponent(companyId)}/verify`, VerifyCompanyResponse);
      return { verificationUrl: answer.verificationUrl ?? null };
    },

    async getCompany(companyId, options = {}): Promise<CompanyRegistration> {
      const answer = await call("GET", `/api/v1/companies/${encodeURIComponent(companyId)}`, GetCompanyResponse);
      const registration = toRegistration(answer.company, options.lastVerificationUrl ?? null);
      if (registration.state === "ACTIVE") return registration;
      // Not verified: the identity check may have ended in a refusal. Recommand keeps the outcome on the
      // verification log (company-verification.ts l.133-151: SMP registration failed → status "error"
      // with the UserFacingError's message, e.g. "…might already be registered with another SMP",
      // phoss-smp/index.ts l.107-111); its own status page reads it from
      // GET /api/v1/companies/verification/:logId/status (get-verification-status.ts; the log id is in
      // the verification URL, company-verification.ts l.229).
      const logId = /\/company-verification\/([^/?#]+)\//.exec(options.lastVerificationUrl ?? "")?.[1];
      if (!logId) return registration;
      const status = await call("GET", `/api/v1/companies/verification/${encodeURIComponent(logId)}/status`, VerificationStatusResponse);
      if (status.status === "error" || status.status === "rejected") {
        return {
          ...registration,
          state: "FAILED",
          verificationUrl: null,
          failureReason: status.errorMessage || (status.status === "rejected" ? "The provider rejected the identity check" : "The provider could not activate the company"),
        };
      }
      return registration;
    },

    async registerWebhook({ companyId, url }) {
      // get-webhooks.ts l.55-59: the team's webhooks for this company (and the team-wide ones).
      const existing = await call("GET", `/api/v1/webhooks?${new URLSearchParams({ companyId })}`, WebhooksResponse);
      if (existing.webhooks.some((w) => w.url === url && w.companyId === companyId)) return;
      // api/webhooks/create-webhook.ts l.27-30: `{ url, companyId? }` → `{ success, webhook }`.
      await call("POST", "/api/v1/webhooks", z.object({ success: z.literal(true) }).loose(), { url, companyId });
    },

    async listInbox(companyId: string) {
      const answer = await call("GET", `/api/v1/inbox?${new URLSearchParams({ companyId })}`, DocumentsResponse);
      return answer.documents.filter((d) => d.direction === "incoming").map((d) => ({ id: d.id }));
    },

    async fetchDocument(documentId: string): Promise<ReceivedDocument> {
      const { document: d } = await call("GET", `/api/v1/documents/${encodeURIComponent(documentId)}`, DocumentResponse);
      if (d.direction !== "incoming" || !d.xml) {
        throw new AppError("UPSTREAM_REJECTED", `Recommand document ${documentId} is not an incoming document with XML`, { details: { provider: "recommand" } });
      }
      return {
        providerDocumentId: d.id,
        companyId: d.companyId,
        senderId: d.senderId,
        receiverId: d.receiverId,
        documentTypeId: d.docTypeId,
        processId: d.processId,
        xml: d.xml,
        receivedAt: d.createdAt,
      };
    },

    async markRead(documentId: string) {
      // api/documents/mark-as-read.ts: JSON body `{ read: boolean = true }`.
      await call("POST", `/api/v1/documents/${encodeURIComponent(documentId)}/mark-as-read`, z.object({ success: z.literal(true) }).loose(), { read: true });
    },

    readWebhook({ rawBody, urlToken, expectedToken }): WebhookHint | null {
      // Recommand signs nothing (data/webhooks.ts callWebhooks posts plain JSON): the secret token in
      // the URL Facto registered is the only proof, and the document is fetched with our credentials.
      if (!urlToken || !tokensEqual(urlToken, expectedToken)) {
        throw new AppError("UNAUTHORIZED", "Webhook token does not match");
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new AppError("INVALID_PAYLOAD", "Webhook body is not JSON");
      }
      const body = WebhookBody.safeParse(json);
      if (!body.success) throw new AppError("INVALID_PAYLOAD", "Webhook body has no eventType");
      if (body.data.eventType !== "document.received" || !body.data.documentId) return null;
      return { event: body.data.eventType, providerDocumentId: body.data.documentId, companyId: body.data.companyId ?? null };
    },
  };
}

function companyBody(input: CompanyRegistrationInput) {
  return {
    name: input.name,
    address: input.street,
    postalCode: input.postalCode,
    city: input.city,
    country: input.countryCode,
    enterpriseNumber: input.enterpriseNumber,
    vatNumber: input.vatNumber,
    email: input.email ?? "",
    // create-company.ts l.45: isSmpRecipient (default true) — false registers a sender only.
    isSmpRecipient: input.receiving,
  };
}

function toRegistration(company: z.infer<typeof Company>, verificationUrl: string | null): CompanyRegistration {
  return {
    companyId: company.id,
    state: company.isVerified ? "ACTIVE" : "PENDING",
    verificationUrl: company.isVerified ? null : verificationUrl,
    receiving: company.isSmpRecipient,
    failureReason: null,
    enterpriseNumber: company.enterpriseNumber ?? null,
    vatNumber: company.vatNumber ?? null,
    name: company.name ?? null,
  };
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Recommand's failure bodies (`actionFailure`): `{ success: false, errors: { root: [...], field: [...] } }`; any text is kept. */
function failureReason(raw: string, status: number): string {
  try {
    const json = JSON.parse(raw) as { errors?: Record<string, unknown>; message?: unknown; error?: unknown };
    if (json.errors && typeof json.errors === "object") {
      const messages = Object.values(json.errors).flatMap((v) => (Array.isArray(v) ? v.map(String) : [String(v)]));
      if (messages.length) return messages.join(" ").slice(0, 1000);
    }
    if (typeof json.message === "string") return json.message.slice(0, 1000);
    if (typeof json.error === "string") return json.error.slice(0, 1000);
  } catch {
    /* not JSON */
  }
  return raw.trim().slice(0, 1000) || `Recommand answered ${status}`;
}
