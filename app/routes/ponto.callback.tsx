import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { pendingPontoReturn, pontoDeps } from "~/services/ponto.server";
import { AppError } from "~/errors/app-error";
import { errorResponse } from "~/utils/error-response.server";

// GET /ponto/callback?code=…&state=… — Ponto sends the merchant back here after the authorization
// (docs/decisions/027-ponto.md). Nothing is exchanged here: the browser is handed on, code and state in the URL,
// to the bank settings page of the shop that started the authorization, which finishes it only for a merchant
// signed in to that shop. A link to someone else's authorization therefore ends at a shop the clicker cannot
// open, and attaches nothing.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    if (!pontoDeps()) return new Response("Ponto is not configured", { status: 404 });
    const url = new URL(request.url);
    const state = url.searchParams.get("state");
    const returnTo = await pendingPontoReturn(prisma, state);
    if (!returnTo) throw new AppError("BAD_REQUEST", "This Ponto authorization is unknown or already used: start again from the bank settings");
    const next = new URL(returnTo, url.origin);
    next.searchParams.set("ponto_state", state!);
    for (const [from, to] of [["code", "ponto_code"], ["error", "ponto_error"]] as const) {
      const value = url.searchParams.get(from);
      if (value) next.searchParams.set(to, value.slice(0, 2000));
    }
    return redirect(next.toString());
  } catch (error) {
    return errorResponse(error);
  }
};
