import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import PDFDocument from "pdfkit";

/**
 * A merchant's logo, turned into PDF image objects once and written as-is into each document.
 *
 * pdfkit turns an image into PDF objects per document: a PNG with an alpha channel is inflated,
 * split into colour and alpha and deflated twice — for a typical logo more than the rest of the
 * invoice. The objects depend on the image bytes alone, so they are made once (by pdfkit itself, in
 * a scratch document) and kept, keyed by the SHA-256 of the bytes: two shops with different logos
 * never share an entry, two with the same bytes share identical objects.
 */
export interface PreparedImage {
  readonly width: number;
  readonly height: number;
  /** EXIF orientation of a JPEG (pdfkit rotates 5–8), 1 otherwise. */
  readonly orientation: number;
  /** The image's PDF objects in pdfkit's order, the image XObject first; references among them as indexes. */
  readonly objects: readonly { data: unknown; stream: Uint8Array | null }[];
}

interface PdfkitRef {
  id: number;
  compress: boolean;
  buffer: Uint8Array[];
  data: Record<string, unknown>;
  finalize(): void;
  end(chunk?: Uint8Array): void;
}
interface PdfkitDocument {
  ref(data?: object): PdfkitRef;
  openImage(src: Buffer): { width: number; height: number; orientation?: number; obj: PdfkitRef | null; embed(doc: unknown): void };
  _imageCount: number;
}

/** A reference to another object of the same image, by index (the writer numbers them: pdf-canvas.ts). */
export class ObjectIndex {
  constructor(readonly index: number) {}
}

/** Builds the PDF objects of an image with pdfkit, capturing them instead of writing them. */
async function prepare(bytes: Uint8Array): Promise<PreparedImage> {
  const scratch = new PDFDocument({ autoFirstPage: false, font: null as unknown as string, compress: true }) as unknown as PdfkitDocument;
  const captured: PdfkitRef[] = [];
  const finished = new Map<PdfkitRef, Uint8Array | null>();
  let resolveMain: () => void = () => {};
  const mainDone = new Promise<void>((r) => (resolveMain = r));
  const ref = scratch.ref;
  scratch.ref = function (data?: object) {
    const r = ref.call(this, data);
    captured.push(r);
    r.finalize = function () {
      // What PDFReference.finalize would write (pdfkit compresses at zlib's default level).
      let stream: Uint8Array | null = null;
      if (this.buffer.length) {
        stream = Buffer.concat(this.buffer);
        if (this.compress) stream = deflateSync(stream);
      }
      finished.set(this, stream);
      if (this === image.obj) resolveMain();
    };
    return r;
  };
  const image = scratch.openImage(Buffer.from(bytes));
  image.embed(scratch); // a PNG with alpha finishes asynchronously (png-js inflates with a callback)
  await mainDone;
  // The image XObject first: it is the object the page's resources name.
  const order = [image.obj!, ...captured.filter((r) => r !== image.obj && finished.has(r))];
  const index = new Map(order.map((r, i) => [r, i]));
  const toTemplate = (value: unknown): unknown => {
    if (value && typeof value === "object" && index.has(value as PdfkitRef)) return new ObjectIndex(index.get(value as PdfkitRef)!);
    if (Array.isArray(value)) return value.map(toTemplate);
    if (value && Object.prototype.toString.call(value) === "[object Object]") {
      return Object.fromEntries(Object.entries(value as object).filter(([k]) => k !== "Length").map(([k, v]) => [k, toTemplate(v)]));
    }
    return value;
  };
  return {
    width: image.width,
    height: image.height,
    orientation: image.orientation ?? 1,
    objects: order.map((r) => ({ data: toTemplate(r.data), stream: finished.get(r) ?? null })),
  };
}

const CACHE_SIZE = 64;
const cache = new Map<string, Promise<PreparedImage>>();

/** The prepared objects of an image (PNG or JPEG bytes), from the cache when these bytes were seen before. */
export function preparedImage(bytes: Uint8Array): Promise<PreparedImage> {
  const key = createHash("sha256").update(bytes).digest("hex");
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key); // most recently used last
  } else {
    entry = prepare(bytes);
    entry.catch(() => cache.delete(key));
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, entry);
  return entry;
}

/** Empties the cache (tests). */
export function clearPreparedImages(): void {
  cache.clear();
}

/** How many images the cache holds (tests). */
export function preparedImageCount(): number {
  return cache.size;
}
