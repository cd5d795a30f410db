// The page every Facto PDF is laid out on (our invoices and the documents rendered from a received UBL):
// A4 portrait in points, its margins and the colours of the house style.
export const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = 48;
export const CONTENT_WIDTH = A4.width - 2 * MARGIN;
export const FOOTER_HEIGHT = 36;
/** Where body text must stop: above the footer. */
export const BOTTOM = A4.height - MARGIN - FOOTER_HEIGHT;
export const GREY = "#5f6b7a";
export const TEXT = "#1b1f24";
export const RULE = "#d0d7de";
