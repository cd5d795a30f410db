import { Button } from "@shopify/polaris";
import { useState } from "react";

/**
 * A file from the embedded app (PDF, UBL, ZIP): embedded pages have no cookie session, so the file is
 * fetched with App Bridge's session token and saved from a blob (a plain link in a new tab would
 * arrive without a token).
 */
export async function downloadWithSessionToken(url: string, fallbackName: string, init: RequestInit = {}): Promise<string | null> {
  const appBridge = (globalThis as { shopify?: { idToken(): Promise<string> } }).shopify;
  const token = appBridge ? await appBridge.idToken() : null;
  const response = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  if (!response.ok) return (await response.text()) || `Download failed (${response.status})`;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  link.click();
  URL.revokeObjectURL(link.href);
  return null;
}

export function DownloadButton({ url, filename, children }: { url: string; filename: string; children: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="slim"
      variant="plain"
      loading={busy}
      tone={error ? "critical" : undefined}
      accessibilityLabel={error ?? undefined}
      onClick={() => {
        setBusy(true);
        void downloadWithSessionToken(url, filename)
          .then(setError)
          .finally(() => setBusy(false));
      }}
    >
      {error ? `${children} (failed)` : children}
    </Button>
  );
}
