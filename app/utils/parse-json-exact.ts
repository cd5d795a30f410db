/**
 * JSON.parse that keeps integers beyond 2^53 exact, as their decimal text. Shopify and WooCommerce
 * send ids as JSON numbers; once such an id no longer fits a double, plain JSON.parse silently
 * changes its last digits. Uses the reviver's `context.source` (JSON.parse source text access).
 */
export function parseJsonExact(text: string): unknown {
  // An integer beyond 2^53 has at least 16 digits: a body without such a run of digits anywhere (every
  // Shopify and WooCommerce id today has 13–14) needs no reviver, which costs a call per value.
  if (!SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(text, function reviver(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return context.source;
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

const SIXTEEN_DIGITS = /\d{16}/;
