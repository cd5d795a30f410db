import { peppolXmlParser } from "./xml";
import { DOCUMENT_ID_SCHEME } from "./document-types";
import { PARTICIPANT_ID_SCHEME } from "./sml";
import type { ParticipantId } from "./participant-id";

/**
 * PEPPOL discovery, step 2 (SMP 1.x, namespace http://busdox.org/serviceMetadata/publishing/1.0/):
 * the service group at `<smp>/iso6523-actorid-upis::<id>` lists one ServiceMetadataReference per
 * document type; the signed service metadata at `<smp>/<participant>/services/busdox-docid-qns::<doc>`
 * gives, per process, the endpoints (transport profile, AP URL, certificate, service description,
 * technical contact) or a Redirect to another SMP. Parsing only; fetching is in integrations/peppol.
 */
export function serviceGroupUrl(smpBaseUrl: string, participant: ParticipantId): string {
  return `${smpBaseUrl.replace(/\/+$/, "")}/${encodeURIComponent(`${PARTICIPANT_ID_SCHEME}::${participant.full}`)}`;
}

export function serviceMetadataUrl(smpBaseUrl: string, participant: ParticipantId, documentTypeId: string): string {
  return `${serviceGroupUrl(smpBaseUrl, participant)}/services/${encodeURIComponent(`${DOCUMENT_ID_SCHEME}::${documentTypeId}`)}`;
}

const parser = peppolXmlParser(["ServiceMetadataReference", "Process", "Endpoint"]);

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const text = (v: unknown): string | null => {
  if (typeof v === "string") return v.trim() || null;
  const o = obj(v);
  if (o && typeof o["#text"] === "string") return (o["#text"] as string).trim() || null;
  return null;
};

export class SmpParseError extends Error {
  override name = "SmpParseError";
}

/** The document type ids a participant's service group lists (decoded from the reference hrefs). */
export function parseServiceGroup(xml: string): { participantId: string | null; documentTypeIds: string[]; references: string[] } {
  const doc = obj(parser.parse(xml));
  const group = obj(doc?.["ServiceGroup"]);
  if (!group) throw new SmpParseError("Not an SMP ServiceGroup document");
  const references = arr(obj(group["ServiceMetadataReferenceCollection"])?.["ServiceMetadataReference"])
    .map((r) => obj(r)?.["@href"])
    .filter((h): h is string => typeof h === "string");
  const documentTypeIds = references.flatMap((href) => {
    const marker = "/services/";
    const at = href.lastIndexOf(marker);
    if (at < 0) return [];
    const decoded = safeDecode(href.slice(at + marker.length));
    const sep = decoded.indexOf("::");
    return sep < 0 ? [] : [decoded.slice(sep + 2)];
  });
  return { participantId: text(group["ParticipantIdentifier"]), documentTypeIds, references };
}

function safeDecode(s: string): string {
  try {
    // Some SMPs double-encode the path segment.
    let out = decodeURIComponent(s);
    if (/%[0-9A-F]{2}/i.test(out)) out = decodeURIComponent(out);
    return out;
  } catch {
    return s;
  }
}

export interface SmpEndpoint {
  transportProfile: string;
  url: string;
  certificate: string | null;
  serviceDescription: string | null;
  technicalContactUrl: string | null;
  activationDate: string | null;
  expirationDate: string | null;
}

export type ServiceMetadata =
  | { kind: "redirect"; href: string }
  | {
      kind: "service";
      participantId: string | null;
      documentTypeId: string | null;
      processes: { processId: string | null; endpoints: SmpEndpoint[] }[];
    };

export function parseServiceMetadata(xml: string): ServiceMetadata {
  const doc = obj(parser.parse(xml));
  const signed = obj(doc?.["SignedServiceMetadata"]);
  const metadata = obj(signed?.["ServiceMetadata"]) ?? obj(doc?.["ServiceMetadata"]);
  if (!metadata) throw new SmpParseError("Not an SMP ServiceMetadata document");
  const redirect = obj(metadata["Redirect"]);
  if (redirect && typeof redirect["@href"] === "string") return { kind: "redirect", href: redirect["@href"] };
  const info = obj(metadata["ServiceInformation"]);
  if (!info) throw new SmpParseError("ServiceMetadata without ServiceInformation or Redirect");
  const processes = arr(obj(info["ProcessList"])?.["Process"]).map((p) => {
    const process = obj(p) ?? {};
    const endpoints = arr(obj(process["ServiceEndpointList"])?.["Endpoint"]).flatMap((e) => {
      const endpoint = obj(e);
      if (!endpoint) return [];
      // SMP 1.x: EndpointReference/Address (WS-Addressing); some SMPs write EndpointURI.
      const url = text(obj(endpoint["EndpointReference"])?.["Address"]) ?? text(endpoint["EndpointURI"]);
      const profile = endpoint["@transportProfile"];
      if (!url || typeof profile !== "string") return [];
      return [
        {
          transportProfile: profile,
          url,
          certificate: text(endpoint["Certificate"]),
          serviceDescription: text(endpoint["ServiceDescription"]),
          technicalContactUrl: text(endpoint["TechnicalContactUrl"]),
          activationDate: text(endpoint["ServiceActivationDate"]),
          expirationDate: text(endpoint["ServiceExpirationDate"]),
        },
      ];
    });
    return { processId: text(process["ProcessIdentifier"]), endpoints };
  });
  return { kind: "service", participantId: text(info["ParticipantIdentifier"]), documentTypeId: text(info["DocumentIdentifier"]), processes };
}

/** The AS4 endpoint for a process, if the metadata has an active one at `now` (ISO date-time). */
export function as4EndpointFor(metadata: ServiceMetadata, processId: string, transportProfile: string, now: string): SmpEndpoint | null {
  if (metadata.kind !== "service") return null;
  for (const process of metadata.processes) {
    if (process.processId !== processId) continue;
    for (const endpoint of process.endpoints) {
      if (endpoint.transportProfile !== transportProfile) continue;
      const at = Date.parse(now);
      if (endpoint.activationDate && Date.parse(endpoint.activationDate) > at) continue;
      if (endpoint.expirationDate && Date.parse(endpoint.expirationDate) < at) continue;
      return endpoint;
    }
  }
  return null;
}
