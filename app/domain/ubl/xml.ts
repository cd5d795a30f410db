/** A tiny XML writer: elements in the order given, text escaped, no whitespace noise. */
export type XmlNode = { name: string; attrs?: Record<string, string>; children?: (XmlNode | null | undefined | false | "" | 0)[]; text?: string };

export function el(name: string, textOrChildren?: string | (XmlNode | null | undefined | false | "" | 0)[] | null, attrs?: Record<string, string>): XmlNode {
  if (textOrChildren === undefined || textOrChildren === null) return { name, ...(attrs ? { attrs } : {}) };
  return typeof textOrChildren === "string" ? { name, text: textOrChildren, ...(attrs ? { attrs } : {}) } : { name, children: textOrChildren, ...(attrs ? { attrs } : {}) };
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function serialize(node: XmlNode, indent = ""): string {
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join("");
  if (node.text !== undefined) return `${indent}<${node.name}${attrs}>${escape(node.text)}</${node.name}>\n`;
  const children = (node.children ?? []).filter((c): c is XmlNode => !!c);
  if (children.length === 0) return `${indent}<${node.name}${attrs}/>\n`;
  return `${indent}<${node.name}${attrs}>\n${children.map((c) => serialize(c, `${indent}  `)).join("")}${indent}</${node.name}>\n`;
}
