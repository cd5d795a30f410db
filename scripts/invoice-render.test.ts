import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OrderInputError, readOrderInput } from "./read-order-input";

const shopify = readFileSync("tests/fixtures/shopify/order-be-consumer.json", "utf8");
const woo = readFileSync("tests/fixtures/woocommerce/order-be-incl.json", "utf8");
const scratch = mkdtempSync(path.join(tmpdir(), "facto-render-input-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function inputFile(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

function render(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/invoice-render.ts", ...args], { encoding: "utf8" });
}

// Each test starts the script in its own Node process (tsx compiles it first): seconds on a busy machine.
describe("npm run invoice:render", { timeout: 60_000 }, () => {
  it.each([
    ["tests/fixtures/shopify/order-be-consumer.json", "DOMESTIC: EUR 228.91"],
    ["tests/fixtures/woocommerce/order-be-incl.json", "DOMESTIC: EUR 125.01"],
    ["tests/fixtures/shopify/order-450789469.json", "EXPORT: USD 587.00"],
    [inputFile("shopify-rest.json", JSON.stringify({ order: JSON.parse(shopify) })), "DOMESTIC: EUR 228.91"],
    [inputFile("woo-rest.json", JSON.stringify({ order: JSON.parse(woo) })), "DOMESTIC: EUR 125.01"],
  ])("renders %s to a PDF and a UBL file", (fixture, summary) => {
    const out = mkdtempSync(path.join(tmpdir(), "facto-render-"));
    try {
      const stdout = execFileSync(process.execPath, ["--import", "tsx", "scripts/invoice-render.ts", fixture, "--out", out, "--number", "7"], { encoding: "utf8" });
      expect(stdout).toContain(summary);
      expect(readFileSync(path.join(out, "INV-0007.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
      expect(readFileSync(path.join(out, "INV-0007.xml"), "utf8")).toContain("<cbc:ID>INV-0007</cbc:ID>");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.each([
    ["not JSON", inputFile("garbage.json", "order: 1042\n"), /not JSON .*expected a Shopify order/],
    ["a list of orders", inputFile("list.json", JSON.stringify({ orders: [JSON.parse(shopify)] })), /found a list of 1 orders .*give one order/],
    ["an unknown object", inputFile("unknown.json", JSON.stringify({ id: 1, total: "10.00" })), /expected a Shopify order .*\{"order": \{…\}\}.*found an object with "id", "total"/],
    ["a wrapper holding no order", inputFile("empty-wrapper.json", JSON.stringify({ order: null })), /found \{"order": …\} holding null/],
    ["a Shopify order with broken lines", inputFile("broken.json", JSON.stringify({ order: { ...JSON.parse(shopify), line_items: [{ title: "Lamp" }] } })), /looks like a Shopify order but cannot be read: line_items\.0\./],
    ["a ChannelOrder without lines", inputFile("channel.json", JSON.stringify({ channel: "SHOPIFY", orderId: "1", orderName: "#1", createdAt: "2026-11-20T10:00:00Z", currency: "EUR", pricesIncludeVat: true, customer: { name: "Els" }, lines: [] })), /looks like a Facto ChannelOrder but cannot be read: lines/],
    ["a missing file", path.join(scratch, "nowhere.json"), /cannot read the order file .*nowhere\.json: ENOENT/],
  ])("answers %s with one clear line and exit code 2, no stack trace", (_what, file, message) => {
    const run = render(file, "--out", path.join(scratch, "out"));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^invoice:render: /);
    expect(run.stderr).not.toMatch(/TypeError|ZodError|\n\s+at /);
  });

  it("answers bad arguments with the usage and exit code 2", () => {
    expect(render().stderr).toMatch(/^invoice:render: usage: npm run invoice:render -- order.json/);
    expect(render().status).toBe(2);
    const run = render("tests/fixtures/shopify/order-be-consumer.json", "--number", "seven");
    expect([run.status, run.stderr.trim()]).toEqual([2, 'invoice:render: --number must be a whole number from 1, not "seven"']);
  });
});

describe("readOrderInput", () => {
  it("reads a bare and a REST-wrapped order alike", () => {
    expect(readOrderInput(JSON.stringify({ order: JSON.parse(shopify) }))).toEqual(readOrderInput(shopify));
    expect(readOrderInput(JSON.stringify({ order: JSON.parse(woo) }))).toEqual(readOrderInput(woo));
    expect(readOrderInput(shopify).channel).toBe("SHOPIFY");
    expect(readOrderInput(woo).channel).toBe("WOOCOMMERCE");
  });

  it("reads a ChannelOrder and checks it before the invoice builder sees it", () => {
    const channelOrder = readOrderInput(shopify);
    expect(readOrderInput(JSON.stringify(channelOrder))).toMatchObject({ orderId: channelOrder.orderId, lines: channelOrder.lines });
    expect(() => readOrderInput(JSON.stringify({ ...channelOrder, lines: [{ kind: "GOODS", description: "x", quantity: "one", unitPrice: "1" }] }))).toThrow(OrderInputError);
  });
});
