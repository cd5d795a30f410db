import { prisma } from "~/db.server";
import { checkLogo, isHexColor } from "~/domain/shop/logo";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { fieldErrors, InvoicingOptionsInput, ShopSettingsInput } from "~/domain/shop/shop-settings";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { ensureJob } from "~/queues.server";
import { configureSeries } from "~/services/configure-series.server";
import { checkSellerVatInVies, updateShopSettings } from "~/services/update-shop-settings.server";

// The company details (Shopify admin /app/settings, WooCommerce admin /woo/stores/:shopId/settings): the seller
// on the invoices, their look, invoicing and numbering; for a WooCommerce store also the order meta keys holding
// the buyer's VAT number.
const FIELDS = [
  "legalName", "street", "postalCode", "city", "countryCode", "vatNumber", "enterpriseNumber", "iban", "bic", "email", "phone",
  "defaultLanguage", "paymentTermDays", "invoiceTrigger",
] as const;
const OPTION_FIELDS = ["ossDestinationTaxation", "creditNoteSeries", "invoicePrefix", "invoiceFormat", "invoicePadding", "yearlyReset", "lastInvoiceNumber", "accentColor"] as const;
export type Field = (typeof FIELDS)[number] | (typeof OPTION_FIELDS)[number];
export type Values = Record<Field, string>;

export async function settingsLoader(shop: Shop, base: string) {
  const series = await prisma.invoiceSeries.findUnique({ where: { shopId_code: { shopId: shop.id, code: "INV" } } });
  const values = {
    ...Object.fromEntries(FIELDS.map((f) => [f, shop[f] == null ? "" : String(shop[f])])),
    ossDestinationTaxation: shop.ossDestinationTaxation ? "on" : "",
    creditNoteSeries: shop.creditNoteSeries ? "on" : "",
    invoicePrefix: series?.prefix ?? "INV-",
    invoiceFormat: series?.format ?? "{prefix}{number}",
    invoicePadding: String(series?.padding ?? 4),
    yearlyReset: series?.yearlyReset ? "on" : "",
    lastInvoiceNumber: "",
    accentColor: shop.accentColor,
  } as Values;
  // A WooCommerce store's own setting: the order meta keys holding the buyer's VAT number (its connection has them).
  const connection = await prisma.wooConnection.findUnique({ where: { shopId: shop.id }, select: { vatMetaKeys: true } });
  return { values, missing: missingInvoiceSettings(shop), nextNumber: series?.nextNumber ?? 1, hasLogo: !!shop.logo, base, vatMetaKeys: connection ? connection.vatMetaKeys.join(", ") : null };
}

export async function settingsAction(shop: Shop, form: FormData) {
  const posted = Object.fromEntries([...FIELDS, ...OPTION_FIELDS].map((f) => [f, String(form.get(f) ?? "")])) as Values;
  const parsed = ShopSettingsInput.safeParse(posted);
  const options = InvoicingOptionsInput.safeParse(posted);
  if (!parsed.success || !options.success) {
    return { ok: false as const, errors: { ...(parsed.error ? fieldErrors(parsed.error) : {}), ...(options.error ? fieldErrors(options.error) : {}) }, requeued: 0 };
  }
  const o = options.data;
  let vatWarning: string | null = null;
  if (parsed.data.vatNumber && parsed.data.vatNumber !== shop.vatNumber) {
    const vat = await checkSellerVatInVies(parsed.data.vatNumber);
    if (vat.error) return { ok: false as const, errors: { vatNumber: vat.error } as Record<string, string>, requeued: 0 };
    vatWarning = vat.warning ?? null;
  }
  const vatMetaKeys = form.has("vatMetaKeys") ? String(form.get("vatMetaKeys") ?? "").split(/[\s,]+/).filter(Boolean) : null;
  if (vatMetaKeys?.some((k) => !/^[A-Za-z0-9_\-]{1,64}$/.test(k))) return { ok: false as const, errors: { vatMetaKeys: "Meta keys are letters, digits, _ and -, separated by commas" } as Record<string, string>, requeued: 0 };
  const accentColor = posted.accentColor.trim() || "#1f4e79";
  if (!isHexColor(accentColor)) return { ok: false as const, errors: { accentColor: "Enter a colour like #1f4e79" } as Record<string, string>, requeued: 0 };
  const upload = form.get("logo");
  let logo: { bytes: Uint8Array<ArrayBuffer>; contentType: string } | null = null;
  if (upload instanceof File && upload.size > 0) {
    const bytes = new Uint8Array(await upload.arrayBuffer());
    const check = checkLogo(bytes);
    if (!check.ok) return { ok: false as const, errors: { logo: check.message } as Record<string, string>, requeued: 0 };
    logo = { bytes, contentType: check.contentType };
  }
  try {
    await configureSeries(
      prisma,
      shop.id,
      "INVOICE",
      { prefix: o.invoicePrefix, format: o.invoiceFormat, padding: o.invoicePadding, yearlyReset: o.yearlyReset, ...(o.lastInvoiceNumber !== undefined ? { lastIssuedNumber: o.lastInvoiceNumber } : {}) },
      new Date(),
    );
  } catch (error) {
    if (error instanceof AppError || error instanceof RangeError) return { ok: false as const, errors: { lastInvoiceNumber: error.message } as Record<string, string>, requeued: 0 };
    throw error;
  }
  if (vatMetaKeys) await prisma.wooConnection.updateMany({ where: { shopId: shop.id }, data: { vatMetaKeys } });
  const { requeued } = await updateShopSettings(
    prisma,
    shop.id,
    {
      ...parsed.data,
      ossDestinationTaxation: o.ossDestinationTaxation,
      creditNoteSeries: o.creditNoteSeries,
      accentColor,
      ...(logo ? { logo: logo.bytes, logoContentType: logo.contentType } : {}),
    },
    (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined),
  );
  return { ok: true as const, errors: {} as Record<string, string>, requeued, vatWarning };
}
