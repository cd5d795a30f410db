import { AS4_TRANSPORT_PROFILE, BILLING_PROCESS_ID, DOCUMENT_ID_SCHEME, PROCESS_ID_SCHEME } from "./document-types";
import { PARTICIPANT_ID_SCHEME } from "./sml";

/**
 * SMP 1.x documents in the shape the PEPPOL SMP specification (PEPPOL Transport Infrastructure,
 * Service Metadata Publishing 1.x, namespaces busdox.org/serviceMetadata/publishing/1.0/ and
 * busdox.org/transport/identifiers/1.0/) defines; used by the unit tests and the fake SMP.
 */
export function serviceGroupXml(participant: string, references: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<smp:ServiceGroup xmlns:smp="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:id="http://busdox.org/transport/identifiers/1.0/">
  <id:ParticipantIdentifier scheme="${PARTICIPANT_ID_SCHEME}">${participant}</id:ParticipantIdentifier>
  <smp:ServiceMetadataReferenceCollection>
${references.map((href) => `    <smp:ServiceMetadataReference href="${href.replace(/&/g, "&amp;")}"/>`).join("\n")}
  </smp:ServiceMetadataReferenceCollection>
</smp:ServiceGroup>`;
}

export function signedServiceMetadataXml(options: {
  participant: string;
  documentTypeId: string;
  endpointUrl: string;
  processId?: string;
  transportProfile?: string;
  serviceDescription?: string;
  expirationDate?: string;
}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<smp:SignedServiceMetadata xmlns:smp="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:id="http://busdox.org/transport/identifiers/1.0/" xmlns:wsa="http://www.w3.org/2005/08/addressing">
  <smp:ServiceMetadata>
    <smp:ServiceInformation>
      <id:ParticipantIdentifier scheme="${PARTICIPANT_ID_SCHEME}">${options.participant}</id:ParticipantIdentifier>
      <id:DocumentIdentifier scheme="${DOCUMENT_ID_SCHEME}">${options.documentTypeId}</id:DocumentIdentifier>
      <smp:ProcessList>
        <smp:Process>
          <id:ProcessIdentifier scheme="${PROCESS_ID_SCHEME}">${options.processId ?? BILLING_PROCESS_ID}</id:ProcessIdentifier>
          <smp:ServiceEndpointList>
            <smp:Endpoint transportProfile="${options.transportProfile ?? AS4_TRANSPORT_PROFILE}">
              <wsa:EndpointReference><wsa:Address>${options.endpointUrl}</wsa:Address></wsa:EndpointReference>
              <smp:RequireBusinessLevelSignature>false</smp:RequireBusinessLevelSignature>
              <smp:ServiceActivationDate>2024-01-01T00:00:00Z</smp:ServiceActivationDate>
              <smp:ServiceExpirationDate>${options.expirationDate ?? "2099-01-01T00:00:00Z"}</smp:ServiceExpirationDate>
              <smp:Certificate>MIIBfakeCertificateForTests</smp:Certificate>
              <smp:ServiceDescription>${options.serviceDescription ?? "Test Access Point"}</smp:ServiceDescription>
              <smp:TechnicalContactUrl>https://ap.example/contact</smp:TechnicalContactUrl>
            </smp:Endpoint>
          </smp:ServiceEndpointList>
        </smp:Process>
      </smp:ProcessList>
    </smp:ServiceInformation>
  </smp:ServiceMetadata>
  <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>
</smp:SignedServiceMetadata>`;
}

export function redirectXml(href: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<smp:SignedServiceMetadata xmlns:smp="http://busdox.org/serviceMetadata/publishing/1.0/">
  <smp:ServiceMetadata><smp:Redirect href="${href}"><smp:CertificateUID>CN=other</smp:CertificateUID></smp:Redirect></smp:ServiceMetadata>
</smp:SignedServiceMetadata>`;
}
