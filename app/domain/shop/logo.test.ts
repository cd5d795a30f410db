import { describe, expect, it } from "vitest";
import { checkLogo, isHexColor, MAX_LOGO_BYTES } from "./logo";

describe("checkLogo", () => {
  it("recognizes PNG and JPEG by their bytes", () => {
    expect(checkLogo(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toEqual({ ok: true, contentType: "image/png" });
    expect(checkLogo(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ ok: true, contentType: "image/jpeg" });
  });
  it("refuses other files, empty files and large files with a clear message", () => {
    expect(checkLogo(new TextEncoder().encode("<svg/>"))).toEqual({ ok: false, message: "The logo must be a PNG or JPEG image" });
    expect(checkLogo(new Uint8Array())).toEqual({ ok: false, message: "The logo file is empty" });
    expect(checkLogo(new Uint8Array(MAX_LOGO_BYTES + 1))).toEqual({ ok: false, message: "The logo must be 512 KB or smaller" });
  });
  it("accepts hex colours only", () => {
    expect(isHexColor("#1f4e79")).toBe(true);
    expect(isHexColor("red")).toBe(false);
  });
});
