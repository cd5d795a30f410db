import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CREDIT_NOTE_DOCUMENT_TYPE_ID, INVOICE_DOCUMENT_TYPE_ID } from "../../app/domain/peppol/document-types";
import { parseParticipantId } from "../../app/domain/peppol/participant-id";
import { smlNaptrName } from "../../app/domain/peppol/sml";
import { serviceMetadataUrl } from "../../app/domain/peppol/smp";
import { serviceGroupXml, signedServiceMetadataXml } from "../../app/domain/peppol/smp-samples";

/**
 * A fake of the PEPPOL discovery infrastructure on 127.0.0.1 (no traffic leaves loopback):
 * - an SML: a small UDP DNS server answering NAPTR queries (RFC 3403 RDATA: order, preference,
 *   flags, services, regexp, replacement) for registered participants under the configured zone,
 *   with `U` / `Meta:SMP` / `!^.*$!<smp url>!` as the PEPPOL SML specification (BDXL, §3) publishes
 *   them; NXDOMAIN for anyone else; no CNAME records (no longer allowed);
 * - an SMP over HTTP: GET /iso6523-actorid-upis::<id> (service group) and
 *   GET /…/services/busdox-docid-qns::<doc> (signed service metadata), 404 for unknown ones.
 * Test controls: register(participant, { invoice, creditNote, accessPoint }), unregister, setDnsDown.
 */
export interface FakePeppolNetwork {
  zone: string;
  /** "127.0.0.1:port" for a dns Resolver's setServers. */
  dnsServer: string;
  smpUrl: string;
  register: (participant: string, options?: { invoice?: boolean; creditNote?: boolean; accessPoint?: string }) => void;
  unregister: (participant: string) => void;
  isRegistered: (participant: string, documentTypeId: string) => boolean;
  /** DNS answers SERVFAIL while down (an SML outage). */
  setDnsDown: (down: boolean) => void;
  dnsQueries: string[];
  smpRequests: string[];
  close: () => Promise<void>;
}

interface Registration {
  participant: string;
  documentTypeIds: string[];
  accessPoint: string;
}

export async function startFakePeppolNetwork(options: { zone?: string } = {}): Promise<FakePeppolNetwork> {
  const zone = options.zone ?? "participant.sml.test.tech.peppol.org";
  const registry = new Map<string, Registration>(); // by lower-case full id
  const byDnsName = new Map<string, Registration>();
  let dnsDown = false;
  const dnsQueries: string[] = [];
  const smpRequests: string[] = [];

  const http: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    smpRequests.push(path);
    const match = /^\/iso6523-actorid-upis::([^/]+)(?:\/services\/busdox-docid-qns::(.+))?$/.exec(path);
    const reg = match ? registry.get(match[1]!.toLowerCase()) : undefined;
    if (!match || !reg) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    const id = parseParticipantId(reg.participant);
    if (!id.ok) throw new Error(id.reason);
    if (!match[2]) {
      res.writeHead(200, { "content-type": "text/xml" }).end(
        serviceGroupXml(reg.participant, reg.documentTypeIds.map((doc) => serviceMetadataUrl(smpUrl, id.id, doc))),
      );
      return;
    }
    if (!reg.documentTypeIds.includes(match[2])) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/xml" }).end(
      signedServiceMetadataXml({ participant: reg.participant, documentTypeId: match[2], endpointUrl: `https://${reg.accessPoint.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example/as4`, serviceDescription: reg.accessPoint }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const smpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const udp: Socket = createSocket("udp4");
  udp.on("message", (msg, rinfo) => {
    const reply = answerDns(msg);
    if (reply) udp.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  const dnsServer = `127.0.0.1:${udp.address().port}`;

  function answerDns(query: Buffer): Buffer | null {
    if (query.length < 12) return null;
    const id = query.readUInt16BE(0);
    const flags = query.readUInt16BE(2);
    const qdcount = query.readUInt16BE(4);
    if (qdcount !== 1) return null;
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const len = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + len).toString("ascii"));
      offset += len + 1;
    }
    offset += 1;
    const qtype = query.readUInt16BE(offset);
    const question = query.subarray(12, offset + 4);
    const name = labels.join(".").toLowerCase();
    dnsQueries.push(`${qtype === 35 ? "NAPTR" : qtype} ${name}`);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    const rd = flags & 0x0100;
    if (dnsDown) {
      header.writeUInt16BE(0x8000 | rd | 0x0080 | 2, 2); // SERVFAIL
      header.writeUInt16BE(1, 4);
      return Buffer.concat([header, question]);
    }
    const reg = byDnsName.get(name);
    if (!reg || qtype !== 35) {
      // NXDOMAIN for unknown names; NOERROR with no answer (NODATA) for other types of a known name.
      header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080 | (reg ? 0 : 3), 2);
      header.writeUInt16BE(1, 4);
      return Buffer.concat([header, question]);
    }
    header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(1, 6);
    const str = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s, "ascii")]);
    const rdata = Buffer.concat([
      Buffer.from([0, 100, 0, 10]), // order 100, preference 10
      str("U"),
      str("Meta:SMP"),
      str(`!^.*$!${smpUrl}!`),
      Buffer.from([0]), // replacement "."
    ]);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(35, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([header, question, rr, rdata]);
  }

  return {
    zone,
    dnsServer,
    smpUrl,
    dnsQueries,
    smpRequests,
    register(participant, opts = {}) {
      const documentTypeIds = [
        ...(opts.invoice ?? true ? [INVOICE_DOCUMENT_TYPE_ID] : []),
        ...(opts.creditNote ?? true ? [CREDIT_NOTE_DOCUMENT_TYPE_ID] : []),
      ];
      const reg = { participant, documentTypeIds, accessPoint: opts.accessPoint ?? "Fake Receiving AP" };
      registry.set(participant.toLowerCase(), reg);
      byDnsName.set(smlNaptrName(participant, zone), reg);
    },
    unregister(participant) {
      registry.delete(participant.toLowerCase());
      byDnsName.delete(smlNaptrName(participant, zone));
    },
    isRegistered(participant, documentTypeId) {
      return registry.get(participant.toLowerCase())?.documentTypeIds.includes(documentTypeId) ?? false;
    },
    setDnsDown(down) {
      dnsDown = down;
    },
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}
