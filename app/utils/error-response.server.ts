import { AppError, isAppError } from "~/errors/app-error";
import { logger, type Logger } from "~/logger.server";

/**
 * The one place where errors become HTTP responses. AppErrors answer their status with a clear,
 * safe message; database "invalid data" errors are the caller's fault (400); anything else is
 * logged with its stack and answered with a generic 500 that shows no internals.
 */
export function errorResponse(error: unknown, log: Logger = logger): Response {
  if (error instanceof Response) return error;
  const appError = isAppError(error) ? error : fromDatabaseError(error);
  if (appError) {
    log.warn({ code: appError.code, status: appError.httpStatus }, appError.message);
    return Response.json({ error: { code: appError.code, message: appError.message } }, { status: appError.httpStatus });
  }
  log.error({ err: error }, "unexpected error");
  return Response.json({ error: { code: "INTERNAL", message: "Something went wrong on our side. It has been logged." } }, { status: 500 });
}

/** Postgres SQLSTATE class 22 = data exception (bad text for jsonb, out-of-range numbers...). */
function fromDatabaseError(error: unknown): AppError | null {
  const code = findSqlState(error);
  if (code?.startsWith("22")) return new AppError("BAD_REQUEST", "The request contains data that cannot be stored", { cause: error });
  return null;
}

function findSqlState(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 4) return undefined;
  const e = error as { code?: unknown; cause?: unknown; meta?: { code?: unknown }; originalCode?: unknown };
  for (const c of [e.originalCode, e.meta?.code, e.code]) {
    if (typeof c === "string" && /^[0-9A-Z]{5}$/.test(c)) return c;
  }
  return findSqlState(e.cause, depth + 1);
}

export { AppError };
