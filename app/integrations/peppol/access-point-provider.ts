import type { ParticipantId } from "~/domain/peppol/participant-id";

/**
 * What Facto needs from a PEPPOL Access Point provider. One implementation per provider
 * (app/integrations/peppol/<provider>/); nothing outside this folder knows a provider's shapes.
 * Errors: AppError UPSTREAM_UNAVAILABLE (retryable: outage, timeout — the document may or may not
 * have gone) or UPSTREAM_REJECTED (permanent: invalid document, unreachable recipient, bad credentials).
 */
export interface AccessPointProvider {
  readonly name: string;
  /** Send a UBL document (exact bytes) from the merchant's registered company to `recipient`. */
  send(input: SendDocumentInput): Promise<SentDocument>;
  /**
   * The document this company already sent with this number to this recipient, if any: how a
   * job that crashed between "sent" and "recorded" learns that it must not send again. Providers
   * with a real idempotency key answer from the key instead.
   */
  findSent(input: { companyId: string; documentNumber: string; recipient: ParticipantId }): Promise<SentDocument | null>;
  /** The provider's own directory lookup of a participant. */
  lookup(participant: ParticipantId): Promise<ProviderLookup>;
  /**
   * Register the merchant's company as a participant (receiving in the provider's SMP). A refusal
   * (invalid identifiers, …) is UPSTREAM_REJECTED with the provider's reason.
   */
  registerCompany(input: CompanyRegistrationInput): Promise<CompanyRegistration>;
  /**
   * The companies already at the provider with these identifiers: how a registration whose answer
   * was lost (timeout, crash before Facto recorded the id) is found again instead of creating a
   * second company.
   */
  findCompanies(input: { enterpriseNumber: string | null; vatNumber: string | null }): Promise<CompanyRegistration[]>;
  /** Correct a registered company's details (the merchant fixed their numbers, or changed receiving mode). */
  updateCompany(companyId: string, input: CompanyRegistrationInput): Promise<CompanyRegistration>;
  /** Start the identity check again (after a refusal): a new verification link. */
  restartVerification(companyId: string): Promise<{ verificationUrl: string | null }>;
  /**
   * The company's registration as the provider sees it now. `lastVerificationUrl` is the link Facto
   * recorded, for providers whose verification outcome (and refusal reason) is read through it.
   */
  getCompany(companyId: string, options?: { lastVerificationUrl?: string | null }): Promise<CompanyRegistration>;
  /**
   * Have the provider call `url` when something happens for this company (a document arrives).
   * Idempotent: a URL already registered for the company is not registered twice.
   */
  registerWebhook(input: { companyId: string; url: string }): Promise<void>;
  /** Incoming documents not yet acknowledged (polling). */
  listInbox(companyId: string): Promise<{ id: string }[]>;
  fetchDocument(documentId: string): Promise<ReceivedDocument>;
  markRead(documentId: string): Promise<void>;
  /**
   * Read a webhook call: the provider document id it points to, or null when it is not a call about
   * a received document. Throws UNAUTHORIZED when the call is not authentic (signature, or for
   * providers that sign nothing, the secret token in the URL — see docs/decisions/018).
   */
  readWebhook(input: { headers: Headers; rawBody: string; urlToken: string | null; expectedToken: string }): WebhookHint | null;
}

export interface SendDocumentInput {
  companyId: string;
  recipient: ParticipantId;
  ubl: string;
  documentTypeId: string;
  processId: string;
  /** Facto's document id: the idempotency key for providers that take one. */
  idempotencyKey: string;
  documentNumber: string;
}

export interface SentDocument {
  providerDocumentId: string;
  peppolMessageId: string | null;
  /** True when the provider's answer already means "accepted by the receiver's Access Point". */
  deliveredToAccessPoint: boolean;
}

export interface ProviderLookup {
  registered: boolean;
  documentTypeIds: string[];
  smpHostnames: string[];
}

export interface CompanyRegistrationInput {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  countryCode: string;
  vatNumber: string | null;
  enterpriseNumber: string | null;
  email: string | null;
  /** Receive over this provider (its SMP registers the company) or only send through it. */
  receiving: boolean;
}

export interface CompanyRegistration {
  companyId: string;
  /** FAILED: the provider refused to activate it (e.g. the id is registered at another Access Point's SMP). */
  state: "PENDING" | "ACTIVE" | "FAILED";
  /** Where the merchant proves their identity, while pending. */
  verificationUrl: string | null;
  receiving: boolean;
  /** The provider's reason, when FAILED. */
  failureReason?: string | null;
  /** The identifiers the provider holds (to see whether the merchant corrected them). */
  enterpriseNumber?: string | null;
  vatNumber?: string | null;
  name?: string | null;
}

export interface ReceivedDocument {
  providerDocumentId: string;
  companyId: string;
  senderId: string;
  receiverId: string | null;
  documentTypeId: string;
  processId: string;
  xml: string;
  receivedAt: string;
}

export interface WebhookHint {
  event: string;
  providerDocumentId: string;
  companyId: string | null;
}
