import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { prisma } from "~/db.server";
import { verifyTwikeyExit } from "~/integrations/twikey/twikey-client.server";
import { ensureJob } from "~/queues.server";
import styles from "~/styles/pay.css?url";
import { decryptSecret } from "~/utils/encryption.server";

// GET /mandates/return/:shopId?mndtId=…&status=…&s=… — where Twikey sends the shopper after signing
// (the exit URL of the shop's Twikey template). The signature (website key) is checked before Facto
// says anything; the mandate itself is taken from Twikey's feed, read right away.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Direct debit" }];

const TEXT = {
  nl: { ok: "Bedankt! Uw domiciliëringsmandaat is ondertekend. Volgende bestellingen worden automatisch via domiciliëring betaald.", failed: "Het mandaat werd niet ondertekend. Er is niets veranderd.", invalid: "Deze link is niet geldig." },
  fr: { ok: "Merci ! Votre mandat de domiciliation est signé. Vos prochaines commandes seront payées automatiquement par domiciliation.", failed: "Le mandat n'a pas été signé. Rien n'a changé.", invalid: "Ce lien n'est pas valable." },
  en: { ok: "Thank you! Your direct debit mandate is signed. Your next orders will be paid by direct debit automatically.", failed: "The mandate was not signed. Nothing has changed.", invalid: "This link is not valid." },
  de: { ok: "Vielen Dank! Ihr Lastschriftmandat ist unterzeichnet. Ihre nächsten Bestellungen werden automatisch per Lastschrift bezahlt.", failed: "Das Mandat wurde nicht unterzeichnet. Es hat sich nichts geändert.", invalid: "Dieser Link ist nicht gültig." },
} as const;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const shopId = params.shopId ?? "";
  const shop = /^[0-9a-f-]{36}$/i.test(shopId) ? await prisma.shop.findUnique({ where: { id: shopId }, select: { id: true, legalName: true, name: true, defaultLanguage: true, accentColor: true, twikeyWebsiteKey: true } }) : null;
  const language = (shop?.defaultLanguage ?? "nl") as keyof typeof TEXT;
  const mndtId = url.searchParams.get("mndtId") ?? "";
  const status = url.searchParams.get("status") ?? "";
  const valid = Boolean(shop?.twikeyWebsiteKey && mndtId && verifyTwikeyExit(decryptSecret(shop.twikeyWebsiteKey), mndtId, status, url.searchParams.get("s"), url.searchParams.get("token")));
  if (!shop || !valid) return Response.json({ text: TEXT[language].invalid, tone: "critical", shop: shop?.legalName ?? shop?.name ?? "", accent: shop?.accentColor ?? "#1f4e79" }, { status: 400 });
  if (status === "ok") await ensureJob("twikey-feeds", { shopId: shop.id }).catch(() => false); // the schedule reads them anyway
  return Response.json({ text: status === "ok" ? TEXT[language].ok : TEXT[language].failed, tone: status === "ok" ? "success" : "warning", shop: shop.legalName ?? shop.name ?? "", accent: shop.accentColor });
};

export default function MandateReturn() {
  const data = useLoaderData<{ text: string; tone: string; shop: string; accent: string }>();
  return (
    <main className="pay" style={{ ["--accent" as string]: data.accent }}>
      <div className="pay-wrap">
        <header className="pay-head">
          <div className="pay-brand">{data.shop}</div>
        </header>
        <div className="pay-banner" data-tone={data.tone} role="status">
          {data.text}
        </div>
      </div>
    </main>
  );
}
