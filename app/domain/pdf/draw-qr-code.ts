import QRCode from "qrcode";

type Doc = PDFKit.PDFDocument;

/**
 * Draws a QR code as vector squares (sharp at any zoom, a few hundred bytes) with its quiet zone.
 * Error correction M, as EPC069-12 prescribes for payment codes.
 */
export function drawQrCode(doc: Doc, payload: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(payload, { errorCorrectionLevel: "M" });
  const count = qr.modules.size;
  const quiet = 2;
  const cell = size / (count + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill("#ffffff");
  doc.fillColor("#000000");
  // One rectangle per horizontal run of dark modules (a third of the drawing operations of one per module).
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (!qr.modules.get(row, col)) continue;
      let end = col;
      while (end + 1 < count && qr.modules.get(row, end + 1)) end++;
      doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, (end - col + 1) * cell, cell);
      col = end;
    }
  }
  doc.fill();
  doc.restore();
}
