import { createHash } from "node:crypto";

/**
 * A minimal PDF file writer (PDF 32000-1 §7.5): numbered objects written as bytes, then the
 * cross-reference table and the trailer. It knows nothing about drawing; callers hand it object
 * bodies (strings or bytes) they serialised themselves, and may hand it whole pre-serialised runs of
 * objects (the prepared fonts) with their offsets computed once per process (decision 029).
 */
export class PdfWriter {
  /** Object bodies by number (index 0 unused): the text between "N 0 obj\n" and "\nendobj". */
  private readonly bodies: (Uint8Array | string | undefined)[] = [undefined];
  /** Runs of objects already serialised with their "obj … endobj" framing: [first number, bytes, offsets]. */
  private readonly blocks = new Map<number, PreparedObjects>();

  /** Reserves the next object number. */
  alloc(): number {
    this.bodies.push(undefined);
    return this.bodies.length - 1;
  }

  /** Reserves `count` consecutive numbers and returns the first. */
  allocRange(count: number): number {
    const first = this.bodies.length;
    for (let i = 0; i < count; i++) this.bodies.push(undefined);
    return first;
  }

  set(id: number, body: string): void {
    this.bodies[id] = body;
  }

  /** A stream object: its dictionary entries (without << >> and /Length) and its bytes. */
  stream(id: number, entries: string, data: Uint8Array): void {
    this.bodies[id] = streamBody(entries, data);
  }

  /** Objects serialised once elsewhere, placed at the numbers they were serialised for (see `prepareObjects`). */
  placeBlock(block: PreparedObjects): void {
    for (let i = 0; i < block.offsets.length; i++) this.bodies[block.first + i] = "";
    this.blocks.set(block.first, block);
  }

  /** The whole file: header, objects in number order, xref, trailer. */
  finish(root: number, info: number, fileId: string): Buffer {
    const chunks: Uint8Array[] = [];
    const offsets = new Array<number>(this.bodies.length).fill(0);
    let offset = 0;
    const push = (bytes: Uint8Array) => {
      chunks.push(bytes);
      offset += bytes.length;
    };
    // The binary comment marks the file as binary for transfer programs (§7.5.2).
    push(Buffer.from("%PDF-1.3\n%\xff\xff\xff\xff\n", "latin1"));
    let text = "";
    const flushText = () => {
      if (text) push(Buffer.from(text, "latin1"));
      text = "";
    };
    for (let id = 1; id < this.bodies.length; id++) {
      const block = this.blocks.get(id);
      if (block) {
        flushText();
        for (let i = 0; i < block.offsets.length; i++) offsets[id + i] = offset + block.offsets[i]!;
        push(block.bytes);
        id += block.offsets.length - 1;
        continue;
      }
      const body = this.bodies[id];
      if (body === undefined) throw new Error(`PDF object ${id} was reserved but never written`);
      if (typeof body === "string") {
        offsets[id] = offset + text.length;
        text += `${id} 0 obj\n${body}\nendobj\n`;
      } else {
        flushText();
        offsets[id] = offset;
        push(Buffer.from(`${id} 0 obj\n`, "latin1"));
        push(body);
        push(Buffer.from("\nendobj\n", "latin1"));
      }
    }
    flushText();
    const xref = offset;
    const rows = [`xref\n0 ${this.bodies.length}\n0000000000 65535 f \n`];
    for (let id = 1; id < this.bodies.length; id++) rows.push(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
    rows.push(`trailer\n<<\n/Size ${this.bodies.length}\n/Root ${root} 0 R\n/Info ${info} 0 R\n/ID [<${fileId}> <${fileId}>]\n>>\nstartxref\n${xref}\n%%EOF`);
    push(Buffer.from(rows.join(""), "latin1"));
    return Buffer.concat(chunks, offset);
  }
}

/** A stream object's body: its dictionary entries (without << >> and /Length), then its bytes. */
function streamBody(entries: string, data: Uint8Array): Buffer {
  const head = Buffer.from(`<<\n${entries ? `${entries}\n` : ""}/Length ${data.length}\n>>\nstream\n`, "latin1");
  const out = Buffer.allocUnsafe(head.length + data.length + 10);
  head.copy(out, 0);
  out.set(data, head.length);
  out.write("\nendstream", head.length + data.length, "latin1");
  return out;
}

/** Objects serialised once (with their framing) for fixed object numbers, and each one's offset in the bytes. */
export interface PreparedObjects {
  readonly first: number;
  readonly bytes: Uint8Array;
  readonly offsets: readonly number[];
}

/** Serialises objects for the numbers first, first + 1, …: bodies as `PdfWriter.set`/`stream` take them. */
export function prepareObjects(first: number, objects: readonly (string | { entries: string; data: Uint8Array })[]): PreparedObjects {
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let offset = 0;
  objects.forEach((object, i) => {
    const id = first + i;
    let bytes: Uint8Array;
    if (typeof object === "string") bytes = Buffer.from(`${id} 0 obj\n${object}\nendobj\n`, "latin1");
    else bytes = Buffer.concat([Buffer.from(`${id} 0 obj\n`, "latin1"), streamBody(object.entries, object.data), Buffer.from("\nendobj\n", "latin1")]);
    offsets.push(offset);
    chunks.push(bytes);
    offset += bytes.length;
  });
  return { first, bytes: Buffer.concat(chunks), offsets };
}

/** A number as pdfkit writes it (PDFObject.number): at most six decimals. */
export function pdfNumber(n: number): number {
  if (n > -1e21 && n < 1e21) return Math.round(n * 1e6) / 1e6;
  throw new Error(`unsupported number: ${n}`);
}

const escapable: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "(": "\\(", ")": "\\)", "\\": "\\\\" };

/** A text string as a PDF literal (§7.9.2.2): PDFDocEncoding-compatible ASCII as is, anything else as UTF-16BE with a BOM. */
export function pdfString(value: string): string {
  let bytes = value;
  if (/[^\x00-\x7f]/.test(value)) {
    const utf16 = Buffer.from(`\ufeff${value}`, "utf16le").swap16();
    bytes = utf16.toString("latin1");
  }
  return `(${bytes.replace(/[\n\r\t\b\f()\\]/g, (c) => escapable[c]!)})`;
}

/** A date as a PDF date string (§7.9.4), in UTC. */
export function pdfDate(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `(D:${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z)`;
}

/** A name object (§7.3.5), for the plain ASCII names this writer uses. */
export const pdfName = (name: string) => `/${name}`;

/**
 * The file identifier (§14.4): an MD5 of the document information, as pdfkit computes it — so it
 * depends on the invoice only, and a retry gives the same bytes.
 */
export function fileIdentifier(info: Record<string, string | Date>): string {
  const created = info.CreationDate;
  let text = `${created instanceof Date ? created.getTime() : ""}\n`;
  for (const [key, value] of Object.entries(info)) text += `${key}: ${value instanceof Date ? value.getTime() : value}\n`;
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** A reference to an object by number, for `serialize`. */
export class PdfRef {
  constructor(readonly id: number) {}
  toString() {
    return `${this.id} 0 R`;
  }
}

/**
 * A JavaScript value as a PDF object, with pdfkit's conventions (PDFObject.convert): a string is a
 * name, a String object a text string, bytes a hex string, a plain object a dictionary.
 */
export function serialize(value: unknown): string {
  if (typeof value === "string") return `/${value}`;
  if (value instanceof String) return pdfString(value.valueOf());
  if (value instanceof Uint8Array) return `<${Buffer.from(value).toString("hex")}>`;
  if (value instanceof PdfRef) return value.toString();
  if (value instanceof Date) return pdfDate(value);
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v === undefined ? null : v)).join(" ")}]`;
  if (typeof value === "number") return String(pdfNumber(value));
  if (value && Object.prototype.toString.call(value) === "[object Object]") {
    const out = ["<<"];
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out.push(`/${key} ${serialize(v)}`);
    out.push(">>");
    return out.join("\n");
  }
  return `${value}`;
}
