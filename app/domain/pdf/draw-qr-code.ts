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
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell, cell);
    }
  }
  doc.fill();
  doc.restore();
}
