import { describe, expect, it } from "vitest";
import { CREDIT_NOTE_DOCUMENT_TYPE_ID, INVOICE_DOCUMENT_TYPE_ID, BILLING_PROCESS_ID, AS4_TRANSPORT_PROFILE } from "./document-types";
import { deriveParticipantId, parseParticipantId } from "./participant-id";
import { base32NoPadding, smlNaptrName, smlParticipantLabel, smpUrlFromNaptr, SML_ZONES } from "./sml";
import { as4EndpointFor, parseServiceGroup, parseServiceMetadata, serviceGroupUrl, serviceMetadataUrl, SmpParseError } from "./smp";
import { redirectXml, serviceGroupXml, signedServiceMetadataXml } from "./smp-samples";

describe("participant id derivation", () => {
  it("a Belgian company is 0208 + its enterprise number, from the VAT number or the enterprise number", () => {
    expect(deriveParticipantId({ country: "BE", vatNumber: "BE 0123.456.749" })).toEqual({
      ok: true,
      id: { scheme: "0208", value: "0123456749", full: "0208:0123456749" },
    });
    expect(deriveParticipantId({ country: "BE", enterpriseNumber: "0456.810.810" })).toMatchObject({ ok: true, id: { full: "0208:0456810810" } });
    // old 9-digit form gets its leading 0
    expect(deriveParticipantId({ country: null, vatNumber: "BE123456749" })).toMatchObject({ ok: true, id: { full: "0208:0123456749" } });
  });

  it("explains a Belgian number with wrong check digits or a wrong length", () => {
    const bad = deriveParticipantId({ country: "BE", vatNumber: "BE0123456789" });
    expect(bad).toEqual({ ok: false, reason: expect.stringContaining("check digits of enterprise number 0123456789 do not match") });
    const short = deriveParticipantId({ country: "BE", enterpriseNumber: "12345" });
    expect(short).toEqual({ ok: false, reason: expect.stringContaining("10 digits") });
  });

  it("other EU companies use their country's VAT scheme with the prefixed VAT number", () => {
    expect(deriveParticipantId({ country: "NL", vatNumber: "NL004495445B01" })).toMatchObject({ ok: true, id: { full: "9944:NL004495445B01" } });
    expect(deriveParticipantId({ country: "DE", vatNumber: "DE 136 695 976" })).toMatchObject({ ok: true, id: { full: "9930:DE136695976" } });
    expect(deriveParticipantId({ country: "FR", vatNumber: "FR40303265045" })).toMatchObject({ ok: true, id: { full: "9957:FR40303265045" } });
  });

  it("explains why no id can be derived", () => {
    expect(deriveParticipantId({ country: "BE" })).toEqual({ ok: false, reason: expect.stringContaining("No VAT or enterprise number") });
    expect(deriveParticipantId({ country: "DE", vatNumber: "DE123" })).toEqual({ ok: false, reason: "DE VAT numbers have 9 digits" });
    expect(deriveParticipantId({ country: "DK", vatNumber: "DK13585628" })).toEqual({ ok: false, reason: expect.stringContaining("national register number") });
  });

  it("parses typed ids and rejects unknown schemes and bad Belgian numbers", () => {
    expect(parseParticipantId("iso6523-actorid-upis::0208:0123456749")).toMatchObject({ ok: true, id: { full: "0208:0123456749" } });
    expect(parseParticipantId("9925:be0123456749")).toMatchObject({ ok: true, id: { full: "9925:BE0123456749" } });
    expect(parseParticipantId("0088:5412345000013")).toMatchObject({ ok: true, id: { full: "0088:5412345000013" } });
    expect(parseParticipantId("0208:0123456789")).toEqual({ ok: false, reason: expect.stringContaining("valid check digits") });
    expect(parseParticipantId("1234:abc")).toEqual({ ok: false, reason: "1234 is not a PEPPOL identifier scheme (EAS code list)" });
    expect(parseParticipantId("0123456749")).toEqual({ ok: false, reason: expect.stringContaining("4-digit scheme") });
  });
});

describe("SML DNS name", () => {
  it("hashes the lower-cased id with sha256 and base32 without padding (the policy's test vector)", () => {
    expect(smlParticipantLabel("9915:test")).toBe("eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a");
    expect(smlParticipantLabel("9915:TEST")).toBe("eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a");
  });

  it("puts the label under the participant scheme and the configured zone", () => {
    expect(smlNaptrName("9915:test", SML_ZONES.production)).toBe(
      "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a.iso6523-actorid-upis.participant.sml.prod.tech.peppol.org",
    );
    expect(smlNaptrName("9915:test", "participant.sml.test.tech.peppol.org.")).toMatch(/\.iso6523-actorid-upis\.participant\.sml\.test\.tech\.peppol\.org$/);
  });

  it("base32 follows RFC 4648 (its test vectors, lower case, unpadded)", () => {
    const b = (s: string) => base32NoPadding(new TextEncoder().encode(s));
    expect([b(""), b("f"), b("fo"), b("foo"), b("foob"), b("fooba"), b("foobar")]).toEqual(["", "my", "mzxq", "mzxw6", "mzxw6yq", "mzxw6ytb", "mzxw6ytboi"]);
  });

  it("takes the SMP URL from the Meta:SMP U-record with the lowest order, ignoring others", () => {
    const name = smlNaptrName("0208:0123456749", SML_ZONES.test);
    const url = smpUrlFromNaptr(
      [
        { flags: "U", service: "Meta:SMP", regexp: "!^.*$!https://second.smp.example!", replacement: ".", order: 200, preference: 10 },
        { flags: "U", service: "Meta:Other", regexp: "!^.*$!https://other.example!", replacement: ".", order: 1, preference: 1 },
        { flags: "U", service: "Meta:SMP", regexp: "!^.*$!https://smp.example/base/!", replacement: ".", order: 100, preference: 10 },
      ],
      name,
    );
    expect(url).toBe("https://smp.example/base");
    expect(smpUrlFromNaptr([{ flags: "", service: "Meta:SMP", regexp: "!^.*$!https://x!", replacement: ".", order: 1, preference: 1 }], name)).toBeNull();
    expect(smpUrlFromNaptr([], name)).toBeNull();
  });
});

describe("SMP service metadata", () => {
  const participant = { scheme: "0208", value: "0123456749", full: "0208:0123456749" };

  it("builds the service group and service metadata URLs, percent-encoding the identifiers", () => {
    expect(serviceGroupUrl("https://smp.example/", participant)).toBe("https://smp.example/iso6523-actorid-upis%3A%3A0208%3A0123456749");
    expect(serviceMetadataUrl("https://smp.example", participant, INVOICE_DOCUMENT_TYPE_ID)).toBe(
      "https://smp.example/iso6523-actorid-upis%3A%3A0208%3A0123456749/services/busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23urn%3Acen.eu%3Aen16931%3A2017%23compliant%23urn%3Afdc%3Apeppol.eu%3A2017%3Apoacc%3Abilling%3A3.0%3A%3A2.1",
    );
  });

  it("lists the document types of a service group", () => {
    const xml = serviceGroupXml("0208:0123456749", [
      serviceMetadataUrl("https://smp.example", participant, INVOICE_DOCUMENT_TYPE_ID),
      serviceMetadataUrl("https://smp.example", participant, CREDIT_NOTE_DOCUMENT_TYPE_ID),
    ]);
    const group = parseServiceGroup(xml);
    expect(group.participantId).toBe("0208:0123456749");
    expect(group.documentTypeIds).toEqual([INVOICE_DOCUMENT_TYPE_ID, CREDIT_NOTE_DOCUMENT_TYPE_ID]);
  });

  it("reads the AS4 endpoint of the billing process, and skips an expired one", () => {
    const xml = signedServiceMetadataXml({ participant: "0208:0123456749", documentTypeId: INVOICE_DOCUMENT_TYPE_ID, endpointUrl: "https://ap.example/as4", serviceDescription: "Acme AP" });
    const metadata = parseServiceMetadata(xml);
    expect(metadata).toMatchObject({ kind: "service", documentTypeId: INVOICE_DOCUMENT_TYPE_ID });
    const endpoint = as4EndpointFor(metadata, BILLING_PROCESS_ID, AS4_TRANSPORT_PROFILE, "2026-11-29T00:00:00Z");
    expect(endpoint).toMatchObject({ url: "https://ap.example/as4", serviceDescription: "Acme AP", technicalContactUrl: "https://ap.example/contact" });
    const expired = parseServiceMetadata(signedServiceMetadataXml({ participant: "0208:0123456749", documentTypeId: INVOICE_DOCUMENT_TYPE_ID, endpointUrl: "https://ap.example/as4", expirationDate: "2025-01-01T00:00:00Z" }));
    expect(as4EndpointFor(expired, BILLING_PROCESS_ID, AS4_TRANSPORT_PROFILE, "2026-11-29T00:00:00Z")).toBeNull();
  });

  it("recognises a redirect and refuses documents that are not SMP answers", () => {
    expect(parseServiceMetadata(redirectXml("https://other.smp.example/x"))).toEqual({ kind: "redirect", href: "https://other.smp.example/x" });
    expect(() => parseServiceMetadata("<html><body>Not found</body></html>")).toThrow(SmpParseError);
    expect(() => parseServiceGroup("<foo/>")).toThrow(SmpParseError);
  });
});
