import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";

/** What a response needs of a stored document (the models' document row with its invoice's number). */
type StoredDocument = { content: Uint8Array<ArrayBuffer>; contentType: string; sha256: string; invoice: { formattedNumber: string } };

/** A stored PDF or UBL as a download (UBL) or inline view (PDF), never cached by shared caches. */
export function invoiceDocumentResponse(doc: StoredDocument, format: "PDF" | "UBL"): Response {
  const name = doc.invoice.formattedNumber;
  return new Response(doc.content, {
    headers:
      format === "PDF"
        ? { "Content-Type": doc.contentType, "Content-Disposition": `inline; filename="${name}.pdf"`, ETag: `"${doc.sha256}"`, "Cache-Control": "private, no-store" }
        : { "Content-Type": "application/xml; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.xml"`, "Cache-Control": "private, no-store" },
  });
}

const PREVIEW_SECONDS = 15 * 60;
const previewKey = () => createHash("sha256").update(`facto-preview:${env().ENCRYPTION_KEY}`).digest();
const sign = (shopId: string, invoiceId: string, exp: number) => createHmac("sha256", previewKey()).update(`${shopId}.${invoiceId}.${exp}`).digest("base64url");

/**
 * A short-lived token that lets the admin page show an invoice's PDF in a frame: an iframe cannot send
 * the session token, so the page (already authenticated) hands it a URL signed for this shop and
 * invoice, valid 15 minutes.
 */
export function previewToken(shopId: string, invoiceId: string, now = Date.now()): string {
  const exp = Math.floor(now / 1000) + PREVIEW_SECONDS;
  return `${exp}.${sign(shopId, invoiceId, exp)}`;
}

export function verifyPreviewToken(token: string, shopId: string, invoiceId: string, now = Date.now()): boolean {
  const [expText, signature] = token.split(".");
  const exp = Number(expText);
  if (!Number.isInteger(exp) || exp < now / 1000 || !signature) return false;
  const expected = Buffer.from(sign(shopId, invoiceId, exp));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
