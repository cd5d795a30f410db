import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { create, type Font } from "fontkit";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { invoiceFonts, preparedInvoiceFonts, shapingInvoiceFonts } from "./fonts";
import type { PreparedFont } from "./prepared-font";
import { renderInvoicePdf } from "./render-invoice-pdf";
import { sampleIssuedInvoice } from "./sample-invoice";
import { sparseFontProgram, sparseFontSource, tableChecksum } from "./sparse-font-program";

/**
 * The sparse font programs (decision 029, "Sparse font programs"): a PDF carries the outlines of the
 * glyphs it uses, under the prepared subset's ids, and looks exactly as with the whole subset.
 */
const createdAt = new Date("2026-11-23T10:00:00Z");

/** The prepared ids of the glyphs fontkit shapes a text into (what the writer marks as used). */
function usedBy(font: Font, prepared: PreparedFont, text: string): Uint8Array {
  const used = new Uint8Array(prepared.glyphs.length);
  for (const glyph of font.layout(text).glyphs) used[prepared.ids.get(glyph.id)!] = 1;
  return used;
}

/** A font program's tables: tag → [offset, length, checksum]. */
function tableDirectory(program: Uint8Array): Map<string, [number, number, number]> {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const tables = new Map<string, [number, number, number]>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const r = 12 + 16 * i;
    tables.set(Buffer.from(program.subarray(r, r + 4)).toString("latin1"), [view.getUint32(r + 8), view.getUint32(r + 12), view.getUint32(r + 4)]);
  }
  return tables;
}

/** The FontFile2 streams of a PDF written by our writer, inflated, in object order. */
function fontPrograms(pdf: Buffer): Buffer[] {
  const text = pdf.toString("latin1");
  const out: Buffer[] = [];
  for (const m of text.matchAll(/\/Length1 (\d+)\n\/Filter \/FlateDecode\n\/Length (\d+)\n>>\nstream\n/g)) {
    const start = m.index + m[0].length;
    const program = inflateSync(pdf.subarray(start, start + Number(m[2])));
    expect(program.length).toBe(Number(m[1]));
    out.push(program);
  }
  return out;
}

/**
 * The same PDF with each FontFile2 program replaced (objects rewritten, xref recomputed). Our
 * writer puts objects in number order, each "N 0 obj … endobj\n", then the xref and the trailer.
 */
function replaceFontPrograms(pdf: Buffer, replace: (program: Buffer) => Uint8Array): Buffer {
  const text = pdf.toString("latin1");
  const xrefAt = Number(/startxref\n(\d+)\n%%EOF$/.exec(text)![1]);
  const rows = text.slice(xrefAt).split("\n");
  const count = Number(rows[1]!.split(" ")[1]);
  const offsets = rows.slice(3, 3 + count - 1).map((row) => Number(row.slice(0, 10)));
  const chunks: Buffer[] = [pdf.subarray(0, offsets[0])];
  const newOffsets: number[] = [];
  let at = offsets[0]!;
  offsets.forEach((offset, i) => {
    let object = pdf.subarray(offset, offsets[i + 1] ?? xrefAt);
    const m = /^(\d+) 0 obj\n<<\n\/Length1 (\d+)\n\/Filter \/FlateDecode\n\/Length (\d+)\n>>\nstream\n/.exec(object.toString("latin1"));
    if (m) {
      const data = object.subarray(m[0].length, m[0].length + Number(m[3]));
      const program = replace(inflateSync(data));
      const z = deflateSync(program);
      object = Buffer.concat([Buffer.from(`${m[1]} 0 obj\n<<\n/Length1 ${program.length}\n/Filter /FlateDecode\n/Length ${z.length}\n>>\nstream\n`, "latin1"), z, Buffer.from("\nendstream\nendobj\n", "latin1")]);
    }
    newOffsets.push(at);
    chunks.push(object);
    at += object.length;
  });
  const trailer = text.slice(text.indexOf("trailer", xrefAt)).replace(/startxref\n\d+/, `startxref\n${at}`);
  const xref = `xref\n0 ${count}\n0000000000 65535 f \n${newOffsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  chunks.push(Buffer.from(xref + trailer, "latin1"));
  return Buffer.concat(chunks);
}

/** Every page at 100 dpi as PNG bytes; poppler must say nothing on stderr (it reports broken fonts there). */
function rasterize(pdf: Buffer): PNG[] {
  const dir = mkdtempSync(path.join(tmpdir(), "facto-pdf-"));
  try {
    writeFileSync(path.join(dir, "a.pdf"), pdf);
    const run = spawnSync("pdftoppm", ["-png", "-r", "100", path.join(dir, "a.pdf"), path.join(dir, "page")], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    return execFileSync("ls", [dir], { encoding: "utf8" })
      .split("\n")
      .filter((f) => f.endsWith(".png"))
      .sort()
      .map((f) => PNG.sync.read(readFileSync(path.join(dir, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bytes of a PDF literal string's body (PDF 32000-1 §7.3.4.2: escapes, octal codes, line continuations). */
function literalBytes(body: string): Buffer {
  const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, "(": 40, ")": 41, "\\": 92 };
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\") {
      out.push(body.charCodeAt(i) & 0xff);
      continue;
    }
    const e = body[++i]!;
    if (e in escapes) out.push(escapes[e]!);
    else if (/[0-7]/.test(e)) {
      let octal = e;
      while (octal.length < 3 && /[0-7]/.test(body[i + 1] ?? "")) octal += body[++i];
      out.push(parseInt(octal, 8) & 0xff);
    } else if (e === "\r") {
      if (body[i + 1] === "\n") i++;
    } else if (e !== "\n") out.push(e.charCodeAt(0) & 0xff);
  }
  return Buffer.from(out);
}

describe("a sparse font program", () => {
  const fonts = invoiceFonts();
  const prepared = preparedInvoiceFonts();

  it.each(["regular", "bold"] as const)("%s: keeps the outlines of the used glyphs (and their components) under the same ids, the others empty", (which) => {
    const font = fonts[which];
    const p = prepared[which];
    const text = "Łukasz Čapek-Őrsi, Straße 5 — 12,50 € · official fluff ŞşȚț";
    const used = usedBy(font, p, text);
    const sparse = create(Buffer.from(sparseFontProgram(p.sparse, used))) as Font;
    const full = create(Buffer.from(p.program)) as Font;
    expect(sparse.numGlyphs).toBe(full.numGlyphs);
    expect(sparse.numGlyphs).toBe(p.glyphs.length);
    let kept = 0;
    let components = 0;
    for (let id = 0; id < p.glyphs.length; id++) {
      const original = full.getGlyph(id);
      const glyph = sparse.getGlyph(id);
      expect(glyph.advanceWidth).toBe(original.advanceWidth);
      const isComponent = !used[id] && id > 0 && p.sparse.components.some((parts, gid) => used[gid] && parts?.includes(id));
      if (used[id] || id === 0 || isComponent) {
        expect(glyph.path.toSVG(), `glyph ${id}`).toBe(original.path.toSVG());
        kept++;
        if (isComponent) components++;
      } else {
        expect(glyph.path.commands.length, `glyph ${id}`).toBe(0);
      }
    }
    // ł, č, ő, ß, €, fi/ffl ligatures…; the accented letters are composites whose base and accent come along.
    expect(kept).toBeGreaterThan(30);
    expect(components).toBeGreaterThan(0);
    // An accented letter drawn from its components: its outline is the original's (checked above) and not empty.
    const cAcute = sparse.getGlyph(p.ids.get(font.glyphForCodePoint(0x10c).id)!);
    expect(cAcute.path.commands.length).toBeGreaterThan(0);
  });

  it("is a well-formed TrueType file: sorted tables at 4-byte boundaries, their checksums, the file's checksum adjustment", () => {
    const p = prepared.regular;
    const program = sparseFontProgram(p.sparse, usedBy(fonts.regular, p, "Factuur INV-0042 — 273,91 €"));
    const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
    expect(view.getUint32(0)).toBe(0x00010000);
    const tables = tableDirectory(program);
    const tags = [...tables.keys()];
    expect(tags).toEqual([...tags].sort());
    expect(tags).toEqual(["cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"]);
    for (const [tag, [offset, length, checksum]] of tables) {
      expect(offset % 4, tag).toBe(0);
      const bytes = Uint8Array.from(program.subarray(offset, offset + length));
      if (tag === "head") new DataView(bytes.buffer).setUint32(8, 0); // head's checksum is taken with the adjustment 0
      expect(tableChecksum(bytes), tag).toBe(checksum);
    }
    expect(program.length % 4).toBe(0);
    let sum = 0;
    for (let i = 0; i < program.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
    expect(sum).toBe(0xb1b0afba);
    // Long loca offsets, the same number of glyphs as the prepared subset.
    const [headAt] = tables.get("head")!;
    expect(view.getInt16(headAt + 50)).toBe(1);
    const [maxpAt] = tables.get("maxp")!;
    expect(view.getUint16(maxpAt + 4)).toBe(p.glyphs.length);
    // Read back, it gives the same source (the same glyphs, components and fixed tables).
    const again = sparseFontSource(program);
    expect(again.glyphCount).toBe(p.sparse.glyphCount);
    expect(again.fixed.map((t) => [t.tag, Buffer.from(t.bytes).toString("hex")])).toEqual(p.sparse.fixed.map((t) => [t.tag, Buffer.from(t.bytes).toString("hex")]));
  });

  it("is the same bytes for the same glyphs, whatever was made before; all glyphs give every outline", () => {
    const p = prepared.bold;
    const used = usedBy(fonts.bold, p, "Atelier Lumière BV");
    const first = sparseFontProgram(p.sparse, used);
    sparseFontProgram(p.sparse, usedBy(fonts.bold, p, "Ωmega Zoë"));
    expect(Buffer.from(sparseFontProgram(p.sparse, used)).equals(Buffer.from(first))).toBe(true);
    const all = sparseFontProgram(p.sparse, new Uint8Array(p.glyphs.length).fill(1));
    const [glyfAt, glyfLength] = tableDirectory(all).get("glyf")!;
    expect(Buffer.from(all.subarray(glyfAt, glyfAt + glyfLength)).equals(Buffer.from(p.sparse.glyf))).toBe(true);
  });
});

describe("the invoice PDF with sparse font programs", () => {
  const prepared = preparedInvoiceFonts();

  it("carries only the outlines it uses, under the prepared ids, and renders pixel for pixel as with the whole prepared subset", async () => {
    const invoice = sampleIssuedInvoice({ buyerName: "Łukasz Čapek-Őrsi, Straße 5 — 12,50 € · office fluff" });
    for (const pdf of [await renderInvoicePdf(invoice, { createdAt }), await renderInvoicePdf(sampleIssuedInvoice({ lineCount: 90 }), { createdAt })]) {
      const programs = fontPrograms(pdf);
      expect(programs).toHaveLength(2);
      const whole = (program: Uint8Array) => {
        const cvt = Buffer.from(sparseFontSource(program).fixed.find((t) => t.tag === "cvt ")!.bytes);
        return [prepared.bold, prepared.regular].find((p) => Buffer.from(p.sparse.fixed.find((t) => t.tag === "cvt ")!.bytes).equals(cvt))!;
      };
      for (const program of programs) {
        const p = whole(program);
        expect(program.length).toBeLessThan(p.program.length / 2);
        expect(sparseFontSource(program).glyphCount).toBe(p.glyphs.length);
      }
      const withWholeSubsets = replaceFontPrograms(pdf, (program) => whole(program).program);
      expect(fontPrograms(withWholeSubsets).map((f) => f.length)).toEqual(programs.map((f) => whole(f).program.length));
      const sparsePages = rasterize(pdf);
      const wholePages = rasterize(withWholeSubsets);
      expect(sparsePages.length).toBe(wholePages.length);
      sparsePages.forEach((page, i) => expect(page.data.equals(wholePages[i]!.data), `page ${i + 1}`).toBe(true));
    }
  }, 60_000); // 12 pages rasterised at 100 dpi: seconds on a busy machine

  it("has the outline of every glyph its pages show (each glyph id in a TJ of a page, per font)", async () => {
    const invoices = [
      sampleIssuedInvoice({ buyerName: "Zoë Ørsted-Åberg — „office” fluff ‰ № ™" }),
      sampleIssuedInvoice({ lineCount: 90, language: "fr" }),
      { ...sampleIssuedInvoice({ language: "de" }), kind: "CREDIT_NOTE" as const },
    ];
    for (const invoice of invoices) {
      const pdf = await renderInvoicePdf(invoice, { createdAt });
      const text = pdf.toString("latin1");
      const fontsByName = new Map<string, { sparse: ReturnType<typeof sparseFontSource>; whole: PreparedFont }>();
      for (const m of text.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
        // Our writer's font objects: Type0 at n, its font file at n + 3.
        const fileAt = text.indexOf(`\n${Number(m[2]) + 3} 0 obj\n`);
        const program = fontPrograms(pdf.subarray(fileAt))[0]!;
        const sparse = sparseFontSource(program);
        const cvt = Buffer.from(sparse.fixed.find((t) => t.tag === "cvt ")!.bytes);
        const whole = [prepared.bold, prepared.regular].find((p) => Buffer.from(p.sparse.fixed.find((t) => t.tag === "cvt ")!.bytes).equals(cvt))!;
        fontsByName.set(m[1]!, { sparse, whole });
      }
      expect(fontsByName.size).toBe(2);
      // Page contents: the Flate streams that set a font.
      const contents = [...text.matchAll(/<<\n\/Filter \/FlateDecode\n\/Length (\d+)\n>>\nstream\n/g)]
        .map((m) => inflateSync(pdf.subarray(m.index + m[0].length, m.index + m[0].length + Number(m[1]))).toString("latin1"))
        .filter((c) => / Tf\b/.test(c));
      expect(contents.length).toBeGreaterThan(0);
      let shown = 0;
      for (const content of contents) {
        let font: { sparse: ReturnType<typeof sparseFontSource>; whole: PreparedFont } | undefined;
        // A font selection, or a string of two-byte glyph codes: hex (<0041>) or literal ((\0A)).
        for (const token of content.matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9a-fA-F]+)>|\(((?:[^\\()]|\\[\s\S])*)\)/g)) {
          if (token[1]) font = fontsByName.get(token[1]);
          else {
            expect(font).toBeDefined();
            const codes = token[2] !== undefined ? Buffer.from(token[2], "hex") : literalBytes(token[3]!);
            expect(codes.length % 2).toBe(0);
            for (let i = 0; i < codes.length; i += 2) {
              const id = (codes[i]! << 8) | codes[i + 1]!;
              const hasOutline = (s: { start: Uint32Array }) => s.start[id + 1]! > s.start[id]!;
              if (hasOutline(font!.whole.sparse)) expect(hasOutline(font!.sparse), `glyph ${id}`).toBe(true);
              shown++;
            }
          }
        }
      }
      expect(shown).toBeGreaterThan(500);
    }
  });

  it("a font's objects are kept per set of used glyphs: the same set gives the same bytes, also once evicted and made again", () => {
    const { regular } = shapingInvoiceFonts();
    const p = prepared.regular;
    const fonts = invoiceFonts();
    const a = regular.sparseBlock(9, "F2", usedBy(fonts.regular, p, "Jürgen Müßig"));
    expect(regular.sparseBlock(9, "F2", usedBy(fonts.regular, p, "Jürgen Müßig"))).toBe(a); // the kept object
    // 100 other sets (the subsets of 7 letters), more than a font keeps.
    for (let i = 1; i <= 100; i++) regular.sparseBlock(9, "F2", usedBy(fonts.regular, p, [..."vwxyzqk"].filter((_, j) => (i >> j) & 1).join("")));
    const again = regular.sparseBlock(9, "F2", usedBy(fonts.regular, p, "Jürgen Müßig"));
    expect(again).not.toBe(a); // evicted, made again
    expect(Buffer.from(again.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(again.offsets).toEqual(a.offsets);
  });
});

describe("the /W array of a document's glyphs", () => {
  it("lists the widths of the used ids only, one entry per run of consecutive ids (PDF 32000-1 §9.7.4.3)", async () => {
    const { usedWidthsArray } = await import("./pdf-font");
    expect(usedWidthsArray([500, 278.3203125, 600, 700, 1000.5], Uint8Array.from([0, 1, 1, 0, 1]))).toBe("[1 [278.320313 600] 4 [1000.5]]");
    expect(usedWidthsArray([500], Uint8Array.from([0]))).toBe("[]");
  });
});
