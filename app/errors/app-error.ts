/**
 * Typed application errors. A code says what went wrong; `retryable` tells a job whether trying
 * again can help; `httpStatus` is what a route answers. Routes are the only place an AppError
 * becomes an HTTP response, and the message is safe to show to the caller.
 */
export const AppErrorCode = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_TOPIC: "UNSUPPORTED_TOPIC",
  INVALID_PAYLOAD: "INVALID_PAYLOAD",
  SHOP_SETTINGS_INCOMPLETE: "SHOP_SETTINGS_INCOMPLETE",
  INVOICING_PAUSED: "INVOICING_PAUSED",
  VAT_MISMATCH: "VAT_MISMATCH",
  SHOP_NOT_INSTALLED: "SHOP_NOT_INSTALLED",
  UPSTREAM_UNAVAILABLE: "UPSTREAM_UNAVAILABLE",
  UPSTREAM_REJECTED: "UPSTREAM_REJECTED",
  THROTTLED: "THROTTLED",
  QUEUE_UNAVAILABLE: "QUEUE_UNAVAILABLE",
  OUTBOUND_REFUSED: "OUTBOUND_REFUSED",
  RATE_LIMITED: "RATE_LIMITED",
  /** Someone else is doing this very work right now; try again later (a job retries with backoff). */
  IN_PROGRESS: "IN_PROGRESS",
} as const;

export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

const DEFAULTS: Record<AppErrorCode, { status: number; retryable: boolean }> = {
  BAD_REQUEST: { status: 400, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_TOPIC: { status: 400, retryable: false },
  INVALID_PAYLOAD: { status: 422, retryable: false },
  SHOP_SETTINGS_INCOMPLETE: { status: 409, retryable: false },
  INVOICING_PAUSED: { status: 409, retryable: false },
  VAT_MISMATCH: { status: 409, retryable: false },
  SHOP_NOT_INSTALLED: { status: 409, retryable: false },
  IN_PROGRESS: { status: 409, retryable: true },
  UPSTREAM_UNAVAILABLE: { status: 503, retryable: true },
  UPSTREAM_REJECTED: { status: 502, retryable: false },
  THROTTLED: { status: 503, retryable: true },
  QUEUE_UNAVAILABLE: { status: 503, retryable: true },
  OUTBOUND_REFUSED: { status: 422, retryable: false },
  RATE_LIMITED: { status: 429, retryable: false },
};

export class AppError extends Error {
  override name = "AppError";
  readonly code: AppErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.httpStatus = DEFAULTS[code].status;
    this.retryable = options.retryable ?? DEFAULTS[code].retryable;
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
