import { env } from "~/env.server";
import type { AccessPointProvider } from "./access-point-provider";
import { createPeppolDiscovery, type PeppolDiscovery } from "./discovery.server";
import { createRecommandProvider } from "./recommand/recommand-provider.server";

/** The configured Access Point provider, or null when PEPPOL is not configured. */
export function accessPointProvider(): AccessPointProvider | null {
  const e = env();
  switch (e.PEPPOL_PROVIDER) {
    case "recommand":
      if (!e.RECOMMAND_API_KEY || !e.RECOMMAND_API_SECRET) return null;
      return createRecommandProvider({ baseUrl: e.RECOMMAND_API_BASE_URL, apiKey: e.RECOMMAND_API_KEY, apiSecret: e.RECOMMAND_API_SECRET, timeoutMs: e.RECOMMAND_TIMEOUT_MS });
  }
}

export function peppolDiscovery(): PeppolDiscovery {
  const e = env();
  return createPeppolDiscovery({ smlZone: e.PEPPOL_SML_ZONE, dnsServers: e.PEPPOL_DNS_SERVERS });
}
