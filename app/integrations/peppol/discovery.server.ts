import { Resolver } from "node:dns/promises";
import { AS4_TRANSPORT_PROFILE, BILLING_PROCESS_ID, CREDIT_NOTE_DOCUMENT_TYPE_ID, INVOICE_DOCUMENT_TYPE_ID } from "~/domain/peppol/document-types";
import type { ParticipantId } from "~/domain/peppol/participant-id";
import { smlNaptrName, smpUrlFromNaptr } from "~/domain/peppol/sml";
import { as4EndpointFor, parseServiceGroup, serviceGroupUrl, parseServiceMetadata, serviceMetadataUrl, SmpParseError } from "~/domain/peppol/smp";
import { AppError } from "~/errors/app-error";

/**
 * PEPPOL's own discovery: SML (BDXL NAPTR under the configured zone, via a dns Resolver whose
 * servers are configurable so tests talk to a local DNS stub) then the participant's SMP over
 * http(s): the service group, then the service metadata of the BIS 3 invoice and credit note.
 * "Not registered" (NXDOMAIN, no Meta:SMP record, SMP 404) is an answer; DNS/SMP trouble is an
 * UPSTREAM_UNAVAILABLE error, never taken for "not registered".
 */
export interface DiscoveryOptions {
  smlZone: string;
  /** "host:port" entries; empty = the system's resolvers. */
  dnsServers?: string[];
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  now?: () => Date;
}

export interface DocumentCapability {
  supported: boolean;
  /** The receiving Access Point, from the SMP endpoint's ServiceDescription (or its host). */
  accessPoint: string | null;
  endpointUrl: string | null;
}

export type DiscoveryResult =
  | { registered: false; reason: string }
  | { registered: true; smpUrl: string; invoice: DocumentCapability; creditNote: DocumentCapability; documentTypeIds: string[] };

const NONE: DocumentCapability = { supported: false, accessPoint: null, endpointUrl: null };
const NOT_FOUND_CODES = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN"]);

export function createPeppolDiscovery(options: DiscoveryOptions) {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());

  async function findSmp(participant: ParticipantId): Promise<string | null> {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
    if (options.dnsServers?.length) resolver.setServers(options.dnsServers);
    const name = smlNaptrName(participant, options.smlZone);
    try {
      const records = await resolver.resolveNaptr(name);
      return smpUrlFromNaptr(records, name);
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? "";
      if (NOT_FOUND_CODES.has(code)) return null;
      throw new AppError("UPSTREAM_UNAVAILABLE", `PEPPOL SML lookup failed (${code || "DNS error"})`, { cause, details: { name } });
    }
  }

  async function get(url: string): Promise<{ status: number; body: string }> {
    try {
      const response = await fetchImpl(url, { headers: { accept: "application/xml, text/xml" }, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
      return { status: response.status, body: await response.text() };
    } catch (cause) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `PEPPOL SMP could not be reached (${new URL(url).host})`, { cause });
    }
  }

  async function capability(smpUrl: string, participant: ParticipantId, documentTypeId: string, listed: string[]): Promise<DocumentCapability> {
    if (!listed.includes(documentTypeId)) return NONE;
    let url = serviceMetadataUrl(smpUrl, participant, documentTypeId);
    for (let hop = 0; hop < 2; hop++) {
      const answer = await get(url);
      if (answer.status === 404) return NONE;
      if (answer.status !== 200) throw new AppError("UPSTREAM_UNAVAILABLE", `PEPPOL SMP answered ${answer.status} for the service metadata`);
      let metadata;
      try {
        metadata = parseServiceMetadata(answer.body);
      } catch (cause) {
        if (cause instanceof SmpParseError) throw new AppError("UPSTREAM_UNAVAILABLE", `PEPPOL SMP answered something else than service metadata: ${cause.message}`, { cause });
        throw cause;
      }
      if (metadata.kind === "redirect") {
        url = metadata.href;
        continue;
      }
      const endpoint = as4EndpointFor(metadata, BILLING_PROCESS_ID, AS4_TRANSPORT_PROFILE, now().toISOString());
      if (!endpoint) return NONE;
      return { supported: true, accessPoint: endpoint.serviceDescription ?? new URL(endpoint.url).host, endpointUrl: endpoint.url };
    }
    return NONE;
  }

  return {
    async discover(participant: ParticipantId): Promise<DiscoveryResult> {
      const smpUrl = await findSmp(participant);
      if (!smpUrl) return { registered: false, reason: `${participant.full} is not registered in the PEPPOL network (no SMP in the SML)` };
      const group = await get(serviceGroupUrl(smpUrl, participant));
      if (group.status === 404) return { registered: false, reason: `${participant.full} is not known to its SMP` };
      if (group.status !== 200) throw new AppError("UPSTREAM_UNAVAILABLE", `PEPPOL SMP answered ${group.status} for the service group`);
      let listed: string[];
      try {
        listed = parseServiceGroup(group.body).documentTypeIds;
      } catch (cause) {
        throw new AppError("UPSTREAM_UNAVAILABLE", "PEPPOL SMP answered something else than a service group", { cause });
      }
      const [invoice, creditNote] = await Promise.all([
        capability(smpUrl, participant, INVOICE_DOCUMENT_TYPE_ID, listed),
        capability(smpUrl, participant, CREDIT_NOTE_DOCUMENT_TYPE_ID, listed),
      ]);
      return { registered: true, smpUrl, invoice, creditNote, documentTypeIds: listed };
    },
  };
}

export type PeppolDiscovery = ReturnType<typeof createPeppolDiscovery>;
