import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { prisma } from "~/db.server";
import { readMandateReturn } from "~/services/mandate-return.server";
import styles from "~/styles/pay.css?url";

// GET /mandates/return/:shopId?mandateNumber=…&status=…&s=… — where Twikey sends the shopper after
// signing (Twikey's exit URL with its placeholders filled in). What it means is decided by
// readMandateReturn (services/mandate-return.server.ts: signature, test URL, feed read); this route
// only says it in the shop's language.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Direct debit" }];

const TEXT = {
  nl: { ok: "Bedankt! Uw domiciliëringsmandaat is ondertekend. Volgende bestellingen worden automatisch via domiciliëring betaald.", unknown: "Bedankt. Als u het mandaat ondertekend hebt, is het binnen enkele minuten actief.", pending: "Bedankt! Uw mandaat is ondertekend en wacht nog op de bevestiging van uw bank.", failed: "Het mandaat werd niet ondertekend. Er is niets veranderd.", invalid: "Deze link is niet geldig." },
  fr: { ok: "Merci ! Votre mandat de domiciliation est signé. Vos prochaines commandes seront payées automatiquement par domiciliation.", unknown: "Merci. Si vous avez signé le mandat, il sera actif dans quelques minutes.", pending: "Merci ! Votre mandat est signé et attend la confirmation de votre banque.", failed: "Le mandat n'a pas été signé. Rien n'a changé.", invalid: "Ce lien n'est pas valable." },
  en: { ok: "Thank you! Your direct debit mandate is signed. Your next orders will be paid by direct debit automatically.", unknown: "Thank you. If you signed the mandate, it is active within a few minutes.", pending: "Thank you! Your mandate is signed and awaits your bank's confirmation.", failed: "The mandate was not signed. Nothing has changed.", invalid: "This link is not valid." },
  de: { ok: "Vielen Dank! Ihr Lastschriftmandat ist unterzeichnet. Ihre nächsten Bestellungen werden automatisch per Lastschrift bezahlt.", unknown: "Vielen Dank. Wenn Sie das Mandat unterzeichnet haben, ist es in wenigen Minuten aktiv.", pending: "Vielen Dank! Ihr Mandat ist unterzeichnet und wartet auf die Bestätigung Ihrer Bank.", failed: "Das Mandat wurde nicht unterzeichnet. Es hat sich nichts geändert.", invalid: "Dieser Link ist nicht gültig." },
} as const;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { outcome, shop } = await readMandateReturn(prisma, params.shopId ?? "", new URL(request.url).searchParams);
  const language = (shop?.defaultLanguage ?? "nl") as keyof typeof TEXT;
  const brand = { shop: shop?.legalName ?? shop?.name ?? "", accent: shop?.accentColor ?? "#1f4e79" };
  switch (outcome) {
    case "unknown":
      return Response.json({ text: TEXT[language].unknown, detail: null, tone: "warning", test: false, ...brand });
    case "unfilled":
      return Response.json({ text: TEXT[language].invalid, detail: "The exit URL in Twikey's template is not set up as Facto's direct-debit settings show it (a placeholder was not filled in).", tone: "critical", test: false, ...brand }, { status: 400 });
    case "invalid":
      return Response.json({ text: TEXT[language].invalid, detail: null, tone: "critical", test: false, ...brand }, { status: 400 });
    case "test":
      return Response.json({ text: "Test OK: Facto read the mandate number, status and signature from this exit URL and the signature matches your website key.", detail: null, tone: "success", test: true, ...brand });
    default:
      return Response.json({ text: TEXT[language][outcome], detail: null, tone: outcome === "ok" ? "success" : "warning", test: false, ...brand });
  }
};

export default function MandateReturn() {
  const data = useLoaderData<{ text: string; detail: string | null; tone: string; test: boolean; shop: string; accent: string }>();
  return (
    <main className="pay" style={{ ["--accent" as string]: data.accent }}>
      <div className="pay-wrap">
        <header className="pay-head">
          <div className="pay-brand">{data.shop}</div>
        </header>
        <div className="pay-banner" data-tone={data.tone} role="status">
          {data.text}
        </div>
        {data.detail ? <p>{data.detail}</p> : null}
      </div>
    </main>
  );
}
