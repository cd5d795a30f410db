import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { ObjectIndex, type PreparedImage } from "./prepared-image";
import { DocumentFont, type ShapedLine, type ShapedWord, type ShapingFont } from "./pdf-font";
import { fileIdentifier, PdfRef, PdfWriter, pdfDate, pdfNumber as number, pdfString, serialize } from "./pdf-writer";

/**
 * The drawing surface of Facto's PDFs: the part of pdfkit's API our layouts use (text with pdfkit's
 * line wrapping, rectangles, rounded rectangles, colours, images, links, pages), writing the same
 * content operators pdfkit writes, straight into strings, and the file through `PdfWriter`.
 *
 * Why not pdfkit (decision 029): pdfkit's generic machinery per call (an event-emitting line wrapper
 * and a Unicode line breaker for every string, an object per PDF object, a deflate per stream, a font
 * subset per document) was most of an invoice's render time. Here a string that fits on its line is
 * measured from the process's shaped words and written at once; the breaker runs only for text that
 * wraps; the fonts' objects are bytes made once per process.
 */

type LineBreakerCtor = new (text: string) => { nextBreak(): { position: number; required: boolean } | null };
const LineBreaker = createRequire(import.meta.url)("linebreak") as LineBreakerCtor;

export interface CanvasTextOptions {
  width?: number;
  height?: number;
  align?: "left" | "right" | "center";
  lineGap?: number;
  characterSpacing?: number;
  ellipsis?: boolean | string;
  lineBreak?: boolean;
}

interface Page {
  content: string[];
  margins: { top: number; bottom: number; left: number; right: number };
  images: Map<string, number>;
  annotations: string[];
  /** The graphics state the page's operators have set so far (so an operator that would change nothing is not written). */
  state: GraphicsState;
  /** States saved by `q`, restored by `Q`. */
  saved: GraphicsState[];
  /** Whether a text object (BT) is open: text lines follow each other in one, until a graphics operator ends it. */
  inText: boolean;
  /** In an open text object, where the current line starts (the numbers as written), so the next line can move relative to it; NaN: unknown. */
  lineX: number;
  lineY: number;
  /** Index in `content` where the path being built began (-1: none), so colours and widths go before it. */
  pathStart: number;
}

/** What the writer tracks of the PDF graphics state (§8.4): fill colour, font and size, character spacing. */
interface GraphicsState {
  fill: string | null;
  font: string;
  characterSpacing: number;
}

export interface CanvasOptions {
  size: { width: number; height: number };
  margins: { top: number; bottom: number; left: number; right: number };
  fonts: Record<string, ShapingFont>;
  lang: string;
  info: { Title: string; Author: string; Subject: string; Creator: string; Producer: string; CreationDate: Date; ModDate: Date };
  /** zlib level for page contents (0: uncompressed). */
  contentLevel: number;
}

/** pdfkit's PDFNumber (rounds down to a float32): the line wrapper compares widths rounded this way. */
const fArray = new Float32Array(1);
const uArray = new Uint32Array(fArray.buffer);
function PDFNumber(n: number): number {
  const rounded = Math.fround(n);
  if (rounded <= n) return rounded;
  fArray[0] = n;
  if (n <= 0) uArray[0]! += 1;
  else uArray[0]! -= 1;
  return fArray[0]!;
}

/**
 * A colour (#rgb, #rrggbb) as DeviceRGB components 0–1, with four decimals: pdfkit wrote 17
 * significant digits, but any reader maps a component back to 8 bits (k / 255 ± 0.00005 is still k).
 */
const colours = new Map<string, string>();
function rgb(colour: string): string {
  let c = colours.get(colour);
  if (!c) {
    let hex = colour.replace(/^#/, "");
    if (hex.length === 3) hex = hex.replace(/(.)/g, "$1$1");
    const v = parseInt(hex, 16);
    c = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((x) => String(Math.round((x / 255) * 1e4) / 1e4)).join(" ");
    colours.set(colour, c);
  }
  return c;
}

interface BreakWord {
  readonly word: string;
  readonly width: number;
  readonly bk: Break;
}
const breakCaches = new WeakMap<ShapingFont, Map<string, readonly BreakWord[]>>();
interface WrappedLine {
  readonly text: string;
  readonly width: number;
}
const wrapCaches = new WeakMap<ShapingFont, Map<string, readonly WrappedLine[]>>();
const limitedCaches = new WeakMap<ShapingFont, Map<string, readonly WrappedLine[]>>();
const MAX_CACHED_TEXTS = 5_000;

const KAPPA = (4.0 * (Math.sqrt(2) - 1.0)) / 3.0;

/** A word between two break opportunities of the line breaker, as pdfkit's LineWrapper handles it. */
interface Break {
  position: number;
  required: boolean;
}

export class PdfCanvas {
  x = 0;
  y = 0;
  page!: Page;
  private readonly pages: Page[] = [];
  private readonly fonts = new Map<string, DocumentFont>();
  private font!: DocumentFont;
  private fontSize = 12;
  private fillColour: string | null = null;
  private images: { label: string; image: PreparedImage }[] = [];
  private readonly height: number;
  private readonly width: number;
  /** Lines recorded instead of drawn (wrappedLines). */
  private recording: WrappedLine[] | null = null;

  constructor(private readonly options: CanvasOptions) {
    this.width = options.size.width;
    this.height = options.size.height;
    let i = 1;
    for (const [name, shaping] of Object.entries(options.fonts)) this.fonts.set(name, new DocumentFont(shaping, `F${i++}`));
  }

  // ── Pages ─────────────────────────────────────────────────────────────────────────────────────
  addPage(): this {
    // Every page's content starts by flipping the y axis (as pdfkit's did), so coordinates run top-down.
    this.page = {
      content: [`1 0 0 -1 0 ${this.height} cm`],
      margins: { ...this.options.margins },
      images: new Map(),
      annotations: [],
      state: { fill: null, font: "", characterSpacing: 0 },
      saved: [],
      inText: false,
      lineX: NaN,
      lineY: NaN,
      pathStart: -1,
    };
    this.pages.push(this.page);
    this.x = this.page.margins.left;
    this.y = this.page.margins.top;
    return this;
  }

  bufferedPageRange(): { start: number; count: number } {
    return { start: 0, count: this.pages.length };
  }

  switchToPage(n: number): this {
    this.page = this.pages[n]!;
    return this;
  }

  /** A graphics operator (anything but text): ends an open text object first. */
  addContent(op: string): this {
    const page = this.page;
    if (page.inText) {
      page.content.push("ET");
      page.inText = false;
    }
    page.content.push(op);
    return this;
  }

  /** A path construction operator: remembers where the path began. */
  private path(op: string): this {
    const page = this.page;
    if (page.inText) {
      page.content.push("ET");
      page.inText = false;
    }
    if (page.pathStart < 0) page.pathStart = page.content.length;
    page.content.push(op);
    return this;
  }

  /** A graphics state operator (colour, line width): before the path being built, if any (§8.5.2: no state change inside a path). */
  private state(op: string): void {
    const page = this.page;
    if (page.pathStart >= 0) page.content.splice(page.pathStart++, 0, op);
    else page.content.push(op);
  }

  /** A path painting operator: ends the path. */
  private paint(op: string): this {
    this.addContent(op);
    this.page.pathStart = -1;
    return this;
  }

  // ── Graphics (pdfkit's VectorMixin and ColorMixin; the same drawing with fewer operators) ──────
  save(): this {
    const page = this.page;
    page.saved.push({ ...page.state });
    return this.addContent("q");
  }
  restore(): this {
    const page = this.page;
    page.state = page.saved.pop() ?? { fill: null, font: "", characterSpacing: 0 };
    return this.addContent("Q");
  }
  rect(x: number, y: number, w: number, h: number): this {
    return this.path(`${number(x)} ${number(y)} ${number(w)} ${number(h)} re`);
  }
  roundedRect(x: number, y: number, w: number, h: number, r = 0): this {
    const limit = Math.min(0.5 * w, 0.5 * h);
    const rr = Math.max(0, Math.min(r || 0, limit));
    const cp = rr * (1.0 - KAPPA);
    const m = (a: number, b: number) => this.path(`${number(a)} ${number(b)} m`);
    const l = (a: number, b: number) => this.path(`${number(a)} ${number(b)} l`);
    const bz = (a: number, b: number, d: number, e: number, f: number, g: number) => this.path(`${number(a)} ${number(b)} ${number(d)} ${number(e)} ${number(f)} ${number(g)} c`);
    m(x + rr, y);
    l(x + w - rr, y);
    if (rr > 0) bz(x + w - cp, y, x + w, y + cp, x + w, y + rr);
    l(x + w, y + h - rr);
    if (rr > 0) bz(x + w, y + h - cp, x + w - cp, y + h, x + w - rr, y + h);
    l(x + rr, y + h);
    if (rr > 0) bz(x + cp, y + h, x, y + h - cp, x, y + h - rr);
    l(x, y + rr);
    if (rr > 0) bz(x, y + cp, x + cp, y, x + rr, y);
    return this.path("h");
  }
  /** The fill colour, written only when it changes (`rg`: DeviceRGB and the colour in one operator). */
  fillColor(colour: string): this {
    this.fillColour = colour; // (pdfkit's document-wide last fill colour, which text continued on a new page keeps)
    const state = this.page.state;
    if (state.fill !== colour) {
      state.fill = colour;
      this.state(`${rgb(colour)} rg`);
    }
    return this;
  }
  strokeColor(colour: string): this {
    this.state(`${rgb(colour)} RG`);
    return this;
  }
  lineWidth(w: number): this {
    this.state(`${number(w)} w`);
    return this;
  }
  fill(colour?: string): this {
    if (colour) this.fillColor(colour);
    return this.paint("f");
  }
  stroke(): this {
    return this.paint("S");
  }
  private transform(a: number, b: number, c: number, d: number, e: number, f: number) {
    if (a === 1 && b === 0 && c === 0 && d === 1 && e === 0 && f === 0) return;
    this.addContent(`${[a, b, c, d, e, f].map(number).join(" ")} cm`);
  }

  /** A prepared image fitted into a box (pdfkit's `image(src, x, y, { fit })`, honouring a JPEG's EXIF orientation). */
  image(image: PreparedImage, x: number, y: number, fit: [number, number]): this {
    let label = this.images.find((i) => i.image === image)?.label;
    if (!label) {
      label = `I${this.images.length + 1}`;
      this.images.push({ label, image });
    }
    this.page.images.set(label, this.images.findIndex((i) => i.label === label));
    let { width, height } = image;
    if (image.orientation > 4) [width, height] = [height, width];
    const [bw, bh] = fit;
    const ip = width / height;
    let w: number;
    let h: number;
    if (ip > bw / bh) {
      w = bw;
      h = bw / ip;
    } else {
      h = bh;
      w = bh * ip;
    }
    // pdfkit's placement per EXIF orientation (PDFDocument.image).
    let rotate = 0;
    let tx = x;
    let ty = y;
    let th = h;
    let tw = w;
    switch (image.orientation) {
      case 2:
        tw = -w;
        th = -h;
        tx += w;
        ty += h;
        break;
      case 3:
        th = -h;
        tx -= w;
        rotate = 180;
        break;
      case 4:
        break;
      case 5:
        tw = h;
        th = w;
        ty -= th;
        rotate = 90;
        break;
      case 6:
        tw = h;
        th = -w;
        rotate = 90;
        break;
      case 7:
        th = -w;
        tw = -h;
        tx += h;
        rotate = 90;
        break;
      case 8:
        tw = h;
        th = -w;
        tx -= h;
        ty += w;
        rotate = -90;
        break;
      default:
        th = -h;
        ty += h;
    }
    this.save();
    if (rotate) {
      // pdfkit's rotate(angle, { origin: [x, y] })
      const rad = (rotate * Math.PI) / 180;
      const cos = Math.cos(rad);
      const sin = Math.sin(rad);
      const dx = (x - x * cos + y * sin);
      const dy = (y - x * sin - y * cos);
      this.transform(cos, sin, -sin, cos, dx, dy);
    }
    this.transform(tw, 0, 0, th, tx, ty);
    this.addContent(`/${label} Do`);
    return this.restore();
  }

  /** A link annotation over a box (pdfkit's `link` with a URL). */
  link(x: number, y: number, w: number, h: number, url: string): this {
    // The page's y axis is flipped (see addPage): PDF user space has its origin bottom left.
    const rect = [x, this.height - (y + h), x + w, this.height - y].map(number).join(" ");
    this.page.annotations.push(`<<\n/Subtype /Link\n/A <<\n/S /URI\n/URI ${pdfString(url)}\n>>\n/Type /Annot\n/Rect [${rect}]\n/Border [0 0 0]\n/F 4\n>>`);
    return this;
  }

  // ── Text (pdfkit's TextMixin and LineWrapper, for one column without indents) ──────────────────
  setFont(name: string, size: number): this {
    this.font = this.fonts.get(name)!;
    this.fontSize = size;
    return this;
  }

  private lineHeight(includeGap: boolean): number {
    const f = this.font.shaping;
    return ((f.ascender + (includeGap ? f.lineGap : 0) - f.descender) / 1000) * this.fontSize;
  }

  /** pdfkit's document.widthOfString (horizontal scaling 100). */
  private widthOf(text: string, characterSpacing: number): number {
    return ((this.font.shaping.line(text).width * (this.fontSize / 1000) + characterSpacing * (text.length - 1)) * 100) / 100;
  }

  text(value: string, x: number, y: number, options: CanvasTextOptions = {}): this {
    this.x = x;
    this.y = y;
    let width = options.width;
    if (options.lineBreak !== false) {
      if (width == null) width = this.width - this.x - this.page.margins.right;
      width = Math.max(width, 0);
    }
    if (!width) {
      for (const line of value.split("\n")) {
        this.fragment(line, this.x, this.y, options, 0, 0);
        this.x += this.widthOf(line, options.characterSpacing ?? 0);
      }
      return this;
    }
    this.wrap(value, options, width, true);
    this.x = x;
    return this;
  }

  /** pdfkit's LineWrapper "line" event: the line drawn (or only measured), then the next line's y. */
  private line(text: string, textWidth: number, options: CanvasTextOptions, lineWidth: number, draw: boolean, shaped?: ShapedLine): void {
    if (this.recording) this.recording.push({ text, width: textWidth });
    else if (draw) this.fragment(text, this.x, this.y, options, lineWidth, textWidth, shaped);
    this.y += this.lineHeight(true) + (options.lineGap || 0);
  }

  /** pdfkit's LineWrapper.nextSection: text without a height limit continues on a new page, in the same font and colour. */
  private continueOnNewPage(height: number | undefined): boolean {
    if (height != null) return false;
    const colour = this.fillColour;
    const x = this.x;
    this.addPage();
    this.x = x; // (the wrapper goes on at its own x: LineWrapper.nextSection sets document.x = startX)
    if (colour) this.fillColor(colour);
    return true;
  }

  /** pdfkit's heightOfString: the height the text takes when wrapped at a width. */
  heightOfString(value: string, options: { width: number; lineGap?: number }): number {
    const { x, y } = this;
    this.wrap(value, { ...options, height: Infinity }, options.width, false);
    const height = this.y - y;
    this.x = x;
    this.y = y;
    return height;
  }

  /**
   * pdfkit's LineWrapper.wrap (one column, no indent, no continuation, no word spacing). A line that
   * fits — the common case on an invoice — is known to fit from its width alone, without running the
   * Unicode line breaker.
   */
  private wrap(text: string, options: CanvasTextOptions, lineWidth: number, draw: boolean): void {
    const cs = options.characterSpacing ?? 0;
    const height = options.height;
    let maxY = PDFNumber(height != null ? this.y + height : this.height - this.page.margins.bottom);
    if ((this.y > maxY || this.y + this.lineHeight(true) > maxY) && this.continueOnNewPage(height)) maxY = PDFNumber(this.height - this.page.margins.bottom);

    // Fast path: no forced break, and the whole text fits with room to spare for kerning that the
    // breaker's pieces would lose at break opportunities inside words (after a hyphen, a slash…).
    if (options.align !== "center" && text.indexOf("\n") < 0) {
      const shaped = this.font.shaping.line(text);
      const spare = text.length * 1e-4 + shaped.breakable * 0.3 * this.fontSize;
      const width = ((shaped.width * (this.fontSize / 1000) + cs * (text.length - 1)) * 100) / 100;
      if (width + cs * (text.length ? 1 : 0) + spare <= lineWidth || text.length === 0) {
        if (text.length) this.line(text, 0, options, lineWidth, draw, shaped);
        return;
      }
    }

    // Text that wraps: its lines depend on font, size, spacing, width and text only, unless a page
    // break or an ellipsis intervenes. The lines are worked out once per process (the general path
    // below, recording instead of drawing) and replayed when it is certain that no page break
    // falls inside the text (y after every line, as the general path checks it, stays within maxY).
    if (height != null && maxY !== Infinity) {
      // Height-limited text (a table header) never continues on a new page: its lines, the ellipsis
      // included, depend on its y and the limit too, which repeat from page to page. (Measuring,
      // with an infinite height, is the case below.)
      const lines = this.limitedLines(text, options, cs, lineWidth, maxY);
      for (let i = 0; i < lines.length; i++) this.line(lines[i]!.text, lines[i]!.width, options, lineWidth, draw);
      return;
    }
    {
      const lines = this.wrappedLines(text, cs, lineWidth);
      const step = this.lineHeight(true) + (options.lineGap || 0);
      const lh = this.lineHeight(true);
      let y = this.y;
      let safe = true;
      for (let i = 0; i < lines.length && safe; i++) {
        y += step;
        if (PDFNumber(y + lh) > maxY) safe = false;
      }
      if (safe) {
        for (let i = 0; i < lines.length; i++) this.line(lines[i]!.text, lines[i]!.width, options, lineWidth, draw);
        return;
      }
    }
    this.wrapWords(text, options, lineWidth, draw, maxY);
  }

  /** The lines of a height-limited text at this y (see wrap), kept per process. */
  private limitedLines(text: string, options: CanvasTextOptions, cs: number, lineWidth: number, maxY: number): readonly WrappedLine[] {
    const key = `${this.fontSize} ${cs} ${lineWidth} ${this.y} ${maxY} ${options.ellipsis ?? ""} ${options.lineGap ?? 0} ${text}`;
    return this.recordedLines(limitedCaches, key, () => this.wrapWords(text, options, lineWidth, false, maxY));
  }

  /** The lines of a text wrapped at a width without page breaks (see wrap), kept per process. */
  private wrappedLines(text: string, cs: number, lineWidth: number): readonly WrappedLine[] {
    return this.recordedLines(wrapCaches, `${this.fontSize} ${cs} ${lineWidth} ${text}`, () => this.wrapWords(text, { characterSpacing: cs, height: Infinity }, lineWidth, false, Infinity));
  }

  /** The lines `wrap` records (drawing nothing, the position unchanged), kept per font under `key`. */
  private recordedLines(caches: WeakMap<ShapingFont, Map<string, readonly WrappedLine[]>>, key: string, wrap: () => void): readonly WrappedLine[] {
    let cache = caches.get(this.font.shaping);
    if (!cache || cache.size >= MAX_CACHED_TEXTS) caches.set(this.font.shaping, (cache = new Map()));
    let lines = cache.get(key);
    if (!lines) {
      const y = this.y;
      this.recording = [];
      try {
        wrap();
        lines = this.recording;
      } finally {
        this.recording = null;
        this.y = y;
      }
      cache.set(key, lines);
    }
    return lines;
  }

  /** pdfkit's LineWrapper.wrap from its first word, for text that wraps (or ends with an ellipsis, or breaks across pages). */
  private wrapWords(text: string, options: CanvasTextOptions, lineWidth: number, draw: boolean, maxY: number): void {
    const cs = options.characterSpacing ?? 0;
    const height = options.height;
    const nextSection = (): boolean => {
      if (!this.continueOnNewPage(height)) return false;
      maxY = PDFNumber(this.height - this.page.margins.bottom);
      return true;
    };
    const wordWidth = (word: string) => PDFNumber(this.widthOf(word, cs) + cs);
    const emit = (line: string, width: number) => this.line(line, width, options, lineWidth, draw);

    let spaceLeft = lineWidth;
    let buffer = "";
    let textWidth = 0;
    let wc = 0;
    let ellipsis = options.ellipsis;
    const canFit = (w: number) => w <= spaceLeft;
    const emitLine = () => emit(buffer, textWidth);
    const onWord = (word: string, w: number, bk: Break, last: Break | null): boolean => {
      if (last == null || last.required) spaceLeft = lineWidth;
      if (canFit(w)) {
        buffer += word;
        textWidth += w;
        wc++;
      }
      if (bk.required || !canFit(w)) {
        const lh = this.lineHeight(true);
        if (height != null && ellipsis && PDFNumber(this.y + lh * 2) > maxY) {
          if (ellipsis === true) ellipsis = "…";
          buffer = buffer.replace(/\s+$/, "");
          textWidth = wordWidth(buffer + ellipsis);
          while (buffer && textWidth > lineWidth) {
            buffer = buffer.slice(0, -1).replace(/\s+$/, "");
            textWidth = wordWidth(buffer + ellipsis);
          }
          if (textWidth <= lineWidth) buffer = buffer + ellipsis;
          textWidth = wordWidth(buffer);
        }
        if (bk.required && w > spaceLeft) {
          emitLine();
          buffer = word;
          textWidth = w;
          wc = 1;
        }
        emitLine();
        if (PDFNumber(this.y + lh) > maxY) {
          if (!nextSection()) {
            wc = 0;
            buffer = "";
            return false;
          }
        }
        if (bk.required) {
          spaceLeft = lineWidth;
          buffer = "";
          textWidth = 0;
          wc = 0;
        } else {
          spaceLeft = lineWidth - w;
          buffer = word;
          textWidth = w;
          wc = 1;
        }
      } else spaceLeft -= w;
      return true;
    };

    // pdfkit's LineWrapper.eachWord: words between break opportunities, a word wider than a line split.
    let last: Break | null = null;
    for (const { word: whole, width, bk } of this.breakWords(text, cs, wordWidth)) {
      let word = whole;
      let w = width;
      let go = true;
      if (w > lineWidth) {
        let lbk: Break | null = last;
        while (word.length) {
          let l: number;
          let mightGrow = false;
          if (w > spaceLeft) {
            l = Math.ceil(spaceLeft / (w / word.length));
            w = wordWidth(word.slice(0, l));
            mightGrow = w <= spaceLeft && l < word.length;
          } else l = word.length;
          let mustShrink = w > spaceLeft && l > 0;
          while (mustShrink || mightGrow) {
            if (mustShrink) {
              w = wordWidth(word.slice(0, --l));
              mustShrink = w > spaceLeft && l > 0;
            } else {
              w = wordWidth(word.slice(0, ++l));
              mustShrink = w > spaceLeft && l > 0;
              mightGrow = w <= spaceLeft && l < word.length;
            }
          }
          if (l === 0 && spaceLeft === lineWidth) l = 1;
          const fbk = { position: bk.position, required: bk.required || l < word.length };
          go = onWord(word.slice(0, l), w, fbk, lbk);
          lbk = { position: 0, required: false };
          word = word.slice(l);
          w = wordWidth(word);
          if (!go) break;
        }
      } else go = onWord(word, w, bk, last);
      if (!go) break;
      last = bk;
    }
    if (wc > 0) emitLine();
  }

  /**
   * The text's words between the Unicode line breaker's opportunities (UAX #14, the breaker pdfkit
   * uses), with their widths: they depend on font, size, spacing and text only, so the process keeps
   * them (an invoice's product descriptions repeat from one invoice to the next).
   */
  private breakWords(text: string, cs: number, wordWidth: (word: string) => number): readonly BreakWord[] {
    let cache = breakCaches.get(this.font.shaping);
    if (!cache || cache.size >= MAX_CACHED_TEXTS) breakCaches.set(this.font.shaping, (cache = new Map()));
    const key = `${this.fontSize} ${cs} ${text}`;
    let words = cache.get(key);
    if (!words) {
      const list: BreakWord[] = [];
      const breaker = new LineBreaker(text);
      const widths = new Map<string, number>();
      let last = 0;
      let bk: Break | null;
      while ((bk = breaker.nextBreak())) {
        const word = text.slice(last, bk.position);
        let w = widths.get(word);
        if (w === undefined) widths.set(word, (w = wordWidth(word)));
        list.push({ word, width: w, bk: { position: bk.position, required: bk.required } });
        last = bk.position;
      }
      cache.set(key, (words = list));
    }
    return words;
  }

  /** pdfkit's _fragment: one line of text at a position, aligned in its line, as a TJ with the kerning adjustments. */
  private fragment(text: string, x: number, y: number, options: CanvasTextOptions, lineWidth: number, textWidth: number, shaped?: ShapedLine): void {
    if (text.indexOf("\n") >= 0) {
      text = text.replace(/\n/g, "");
      shaped = undefined;
    }
    if (text.length === 0) return;
    const cs = options.characterSpacing ?? 0;
    if (lineWidth) {
      if (options.align === "right") {
        // (A text ending in whitespace is measured without it, as pdfkit measures it.)
        const last = text.charCodeAt(text.length - 1);
        if (last <= 32 || last === 0xa0 || last >= 0x1680) x += lineWidth - this.widthOf(text.replace(/\s+$/, ""), cs);
        else {
          shaped ??= this.font.shaping.line(text);
          x += lineWidth - ((shaped.width * (this.fontSize / 1000) + cs * (text.length - 1)) * 100) / 100;
        }
      }
      else if (options.align === "center") x += lineWidth / 2 - textWidth / 2;
    }
    const size = this.fontSize;
    const font = this.font;
    const dy = (font.shaping.ascender / 1000) * size;
    // pdfkit wrapped every line in "q 1 0 0 -1 0 H cm BT … ET Q" (flipping the page's y axis back) with
    // its font, size and spacing; here consecutive lines share one text object, the font and spacing
    // are written when they change, and the flip is in the text matrix (d = −1): the same placement.
    const page = this.page;
    const c = page.content;
    if (!page.inText) {
      c.push("BT");
      page.inText = true;
      page.lineX = NaN;
    }
    const state = page.state;
    const tf = font.tf(size);
    if (state.font !== tf) {
      c.push(tf);
      state.font = tf;
    }
    if (state.characterSpacing !== cs) {
      c.push(`${number(cs)} Tc`);
      state.characterSpacing = cs;
    }
    // The first line of a text object sets the text matrix; the next ones move from the line before
    // (Td: x and y relative to the start of the previous line, y down the page since d = −1 — the
    // same position to within 10⁻¹² pt, in half the bytes).
    const lineX = number(x);
    const lineY = number(y + dy);
    if (page.lineX === page.lineX) c.push(`${number(lineX - page.lineX)} ${number(page.lineY - lineY)} Td`);
    else c.push(`1 0 0 -1 ${lineX} ${lineY} Tm`);
    page.lineX = lineX;
    page.lineY = lineY;
    // The common case: the whole line's TJ made once per process (pdf-font.ts).
    shaped ??= font.shaping.line(text);
    if (shaped.tj !== null) {
      if (shaped.tj) c.push(shaped.tj);
      font.usedLine(shaped);
      return;
    }
    y = this.height - y - dy;
    const scale = size / 1000;
    const commands: string[] = [];
    let hex = "";
    let hadOffset = false;
    let lastKerning = 0;
    const words = scratchWords;
    const count = font.shaping.shapeWords(text, words);
    // x is needed only to place offset glyphs (combining marks), which rare words have.
    let offsetsFollow = false;
    for (let k = 0; k < count; k++) if (!words[k]!.tj) offsetsFollow = true;
    for (let k = 0; k < count; k++) {
      const { glyphs, kerning, xAdvance, offsets, tj } = words[k]!;
      if (tj && !hadOffset) {
        // The word's TJ pieces, made once per process (pdf-font.ts).
        font.markUsed(tj.ids);
        if (tj.kerned.length) {
          commands.push(hex ? `<${hex}${tj.kerned[0]!.slice(1)}` : tj.kerned[0]!);
          for (let j = 1; j < tj.kerned.length; j++) commands.push(tj.kerned[j]!);
          hex = tj.tail;
        } else hex += tj.tail;
        if (glyphs.length) lastKerning = tj.tailKerning;
        if (offsetsFollow) for (let i = 0; i < glyphs.length; i++) x += xAdvance[i]! * scale;
        continue;
      }
      for (let i = 0; i < glyphs.length; i++) {
        const h = font.hex(glyphs[i]!);
        if (offsets && (offsets.x[i] || offsets.y[i])) {
          hex = flushTj(c, commands, hex, lastKerning);
          c.push(`1 0 0 -1 ${number(x + offsets.x[i]! * scale)} ${number(this.height - (y + offsets.y[i]! * scale))} Tm`);
          hex = flushTj(c, commands, h, kerning[i]!);
          lastKerning = kerning[i]!;
          hadOffset = true;
          page.lineX = NaN; // (the text matrix now sits at a mark's offset)
        } else {
          if (hadOffset) {
            c.push(`1 0 0 -1 ${number(x)} ${number(this.height - y)} Tm`);
            hadOffset = false;
          }
          hex += h;
          lastKerning = kerning[i]!;
          if (lastKerning !== 0) {
            commands.push(`<${hex}> ${number(-lastKerning)}`);
            hex = "";
          }
        }
        x += xAdvance[i]! * scale;
      }
    }
    flushTj(c, commands, hex, lastKerning);
  }

  // ── The file ─────────────────────────────────────────────────────────────────────────────────
  /**
   * Numbers: 1 catalog, 2 page tree, 3 information, then five per font (fixed numbers, so a prepared
   * font's objects are the same bytes in every document), then images, pages, contents, annotations.
   */
  end(): Buffer {
    const w = new PdfWriter();
    const catalog = w.alloc();
    const pageTree = w.alloc();
    const info = w.alloc();
    const fontIds = new Map<DocumentFont, number>();
    for (const font of this.fonts.values()) {
      const first = w.allocRange(5);
      fontIds.set(font, first);
      w.placeBlock(font.objects(first));
    }
    const imageIds = this.images.map(({ image }) => {
      const first = w.allocRange(image.objects.length);
      image.objects.forEach((object, i) => {
        const body = serialize(resolveImageRefs(object.data, first));
        if (object.stream) w.stream(first + i, body.slice(3, -3), object.stream);
        else w.set(first + i, body);
      });
      return first;
    });
    const fontResources = [...fontIds].map(([font, id]) => `/${font.resourceName} ${id} 0 R`).join("\n");
    const kids: number[] = [];
    for (const page of this.pages) {
      const pageId = w.alloc();
      const contentsId = w.alloc();
      kids.push(pageId);
      const annots = page.annotations.map((a) => {
        const id = w.alloc();
        w.set(id, a);
        return `${id} 0 R`;
      });
      const xobjects = [...page.images].map(([label, index]) => `/${label} ${imageIds[index]} 0 R`).join("\n");
      w.set(
        pageId,
        `<<\n/Type /Page\n/Parent ${pageTree} 0 R\n/MediaBox [0 0 ${this.width} ${this.height}]\n/Contents ${contentsId} 0 R\n/Resources <<\n/ProcSet [/PDF /Text /ImageB /ImageC /ImageI]\n/Font <<\n${fontResources}\n>>${
          xobjects ? `\n/XObject <<\n${xobjects}\n>>` : ""
        }\n>>${annots.length ? `\n/Annots [${annots.join(" ")}]` : ""}\n>>`,
      );
      if (page.inText) page.content.push("ET");
      page.inText = false;
      const content = Buffer.from(`${page.content.join("\n")}\n`, "latin1");
      if (this.options.contentLevel > 0) w.stream(contentsId, "/Filter /FlateDecode", deflateSync(content, { level: this.options.contentLevel }));
      else w.stream(contentsId, "", content);
    }
    w.set(pageTree, `<<\n/Type /Pages\n/Count ${kids.length}\n/Kids [${kids.map((k) => `${k} 0 R`).join(" ")}]\n>>`);
    w.set(catalog, `<<\n/Type /Catalog\n/Pages ${pageTree} 0 R\n/Lang ${pdfString(this.options.lang)}\n>>`);
    const i = this.options.info;
    w.set(
      info,
      `<<\n/Producer ${pdfString(i.Producer)}\n/Creator ${pdfString(i.Creator)}\n/CreationDate ${pdfDate(i.CreationDate)}\n/Title ${pdfString(i.Title)}\n/Author ${pdfString(i.Author)}\n/Subject ${pdfString(i.Subject)}\n/ModDate ${pdfDate(i.ModDate)}\n>>`,
    );
    return w.finish(catalog, info, fileIdentifier({ Producer: i.Producer, Creator: i.Creator, CreationDate: i.CreationDate, Title: i.Title, Author: i.Author, Subject: i.Subject, ModDate: i.ModDate }));
  }
}

/** Words of the line being written (fragment is not re-entered: one array for all calls). */
const scratchWords: ShapedWord[] = [];

/** pdfkit's flush in _fragment: the pending glyphs, then the TJ operator of what was gathered. Returns the emptied hex. */
function flushTj(content: string[], commands: string[], hex: string, kerning: number): string {
  // (pdfkit ended every TJ with an adjustment, even 0: left out when it is.)
  if (hex) commands.push(kerning ? `<${hex}> ${number(-kerning)}` : `<${hex}>`);
  if (commands.length) {
    content.push(`[${commands.join(" ")}] TJ`);
    commands.length = 0;
  }
  return "";
}

/** A prepared image's object template with its internal references (object indexes) turned into object numbers. */
function resolveImageRefs(value: unknown, first: number): unknown {
  if (value instanceof ObjectIndex) return new PdfRef(first + value.index);
  if (Array.isArray(value)) return value.map((v) => resolveImageRefs(v, first));
  if (value && Object.prototype.toString.call(value) === "[object Object]") return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, resolveImageRefs(v, first)]));
  return value;
}
