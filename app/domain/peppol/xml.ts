import { XMLParser } from "fast-xml-parser";

/**
 * The XML reader of PEPPOL documents (UBL, SMP service metadata): namespaces dropped, attributes
 * under "@name", every value kept as text (amounts and ids are never numbers), and the elements that
 * repeat always read as arrays.
 */
export function peppolXmlParser(repeating: readonly string[]): XMLParser {
  const arrays = new Set(repeating);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arrays.has(name),
  });
}
