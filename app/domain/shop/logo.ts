/** A logo merchants may upload: PNG or JPEG (what pdfkit embeds), at most 512 KB. */
export const MAX_LOGO_BYTES = 512 * 1024;

export type LogoCheck = { ok: true; contentType: "image/png" | "image/jpeg" } | { ok: false; message: string };

/** Checks the bytes themselves (the file name and browser-declared type can lie). */
export function checkLogo(bytes: Uint8Array): LogoCheck {
  if (bytes.length === 0) return { ok: false, message: "The logo file is empty" };
  if (bytes.length > MAX_LOGO_BYTES) return { ok: false, message: "The logo must be 512 KB or smaller" };
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
  if (png) return { ok: true, contentType: "image/png" };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { ok: true, contentType: "image/jpeg" };
  return { ok: false, message: "The logo must be a PNG or JPEG image" };
}

export function isHexColor(value: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(value);
}
