import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addDocumentResponseHeaders } from "~/shopify.server";
import { NonceContext } from "~/utils/nonce";
import { documentCsp } from "~/utils/security-headers.server";

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext?: { cspNonce?: string },
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // The web server hands each request a nonce; without one (vite dev) no policy is set.
  const nonce = loadContext?.cspNonce;
  if (nonce) responseHeaders.set("Content-Security-Policy", documentCsp(new URL(request.url).pathname, nonce));
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  const document = (
    <NonceContext.Provider value={nonce ?? ""}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceContext.Provider>
  );
  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(document, {
      nonce,
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        // Rendering errors are logged by Remix's handleError; nothing secret is streamed.
        void error;
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

// The one door for the stores' webhooks (app/web-server.ts reaches it through the build).
export { handleWebhookDelivery, warmWebhookDoor } from "./webhook-fast-path.server";
export { ingestTimeline } from "./services/ingest-timeline.server";
