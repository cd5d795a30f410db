import "@shopify/ui-extensions/preact";
import { useEffect, useState } from "preact/hooks";
import { FACTO_APP_URL } from "./config";
import { loadOffer, startSigning, texts, type OfferState } from "./offer";

/** The part of the `shopify` global both targets share (session token, language, the order's id). */
export interface OfferApi {
  sessionToken: { get(): Promise<string> };
  localization: { language: { value: { isoCode: string } } };
}

export function DirectDebitOffer({ api, orderId }: { api: OfferApi; orderId: string | null }) {
  const [state, setState] = useState<OfferState>({ kind: "loading" });
  const [message, setMessage] = useState<string | null>(null);
  const deps = { apiUrl: FACTO_APP_URL, getToken: () => api.sessionToken.get(), fetchImpl: fetch };
  const t = texts(api.localization.language.value.isoCode);

  useEffect(() => {
    void loadOffer(deps, orderId).then(setState);
  }, [orderId]);

  if (state.kind === "active") return <s-text>{t.active(state.mandateId)}</s-text>;
  if (state.kind !== "offer") return null;
  return (
    <s-banner heading={t.title} tone="info">
      <s-stack gap="base">
        <s-text>{t.body}</s-text>
        {message ? <s-text tone="critical">{message}</s-text> : null}
        <s-button
          onClick={async () => {
            const result = await startSigning(deps, orderId);
            if ("url" in result) globalThis.open?.(result.url, "_blank");
            else if ("active" in result) setState({ kind: "active", mandateId: result.active });
            else setMessage(result.error);
          }}
        >
          {t.button}
        </s-button>
      </s-stack>
    </s-banner>
  );
}
