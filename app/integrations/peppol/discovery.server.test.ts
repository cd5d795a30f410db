import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseParticipantId, type ParticipantId } from "~/domain/peppol/participant-id";
import { smlNaptrName } from "~/domain/peppol/sml";
import { isAppError } from "~/errors/app-error";
import { startFakePeppolNetwork, type FakePeppolNetwork } from "../../../tests/fakes/fake-peppol-network";
import { createPeppolDiscovery } from "./discovery.server";

const id = (s: string): ParticipantId => {
  const r = parseParticipantId(s);
  if (!r.ok) throw new Error(r.reason);
  return r.id;
};

describe("PEPPOL discovery (SML NAPTR + SMP) against the local DNS and SMP stubs", () => {
  let network: FakePeppolNetwork;
  beforeAll(async () => {
    network = await startFakePeppolNetwork();
  });
  afterAll(async () => {
    await network.close();
  });
  const discovery = () => createPeppolDiscovery({ smlZone: network.zone, dnsServers: [network.dnsServer], timeoutMs: 2000 });

  it("finds a registered participant's SMP by NAPTR and reads invoice and credit-note capability", async () => {
    network.register("0208:0456810810", { accessPoint: "Brouwerij AP" });
    const result = await discovery().discover(id("0208:0456810810"));
    expect(result).toMatchObject({
      registered: true,
      smpUrl: network.smpUrl,
      invoice: { supported: true, accessPoint: "Brouwerij AP" },
      creditNote: { supported: true, accessPoint: "Brouwerij AP" },
    });
    expect(network.dnsQueries).toContain(`NAPTR ${smlNaptrName("0208:0456810810", network.zone)}`);
  });

  it("reports a participant registered for invoices only", async () => {
    network.register("9925:BE0123456749", { creditNote: false });
    const result = await discovery().discover(id("9925:BE0123456749"));
    expect(result).toMatchObject({ registered: true, invoice: { supported: true }, creditNote: { supported: false, accessPoint: null } });
  });

  it("answers 'not registered' on NXDOMAIN, and never asks a CNAME", async () => {
    const result = await discovery().discover(id("0208:0123456749"));
    expect(result).toEqual({ registered: false, reason: "0208:0123456749 is not registered in the PEPPOL network (no SMP in the SML)" });
    expect(network.dnsQueries.every((q) => q.startsWith("NAPTR "))).toBe(true);
  });

  it("an SML outage is a retryable error, not 'not registered'", async () => {
    network.setDnsDown(true);
    try {
      const error = await discovery()
        .discover(id("0208:0456810810"))
        .then(() => null, (e: unknown) => e);
      expect(isAppError(error) && error.code === "UPSTREAM_UNAVAILABLE" && error.retryable).toBe(true);
    } finally {
      network.setDnsDown(false);
    }
  });
});
