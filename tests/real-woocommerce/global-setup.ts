import type { TestProject } from "vitest/node";
import { startRealWooCommerce, type RealWooInfo } from "../support/real-woocommerce";
import { startStack, type StackInfo } from "../support/stack";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
    realWoo: RealWooInfo;
  }
}

/**
 * Facto (web + worker + fakes of the other vendors) and a real WordPress + WooCommerce beside it.
 * Facto's scheduled polling of the store is pushed out of the run's way, so that an invoice proves
 * WooCommerce's own webhook delivery (the reconciliation test triggers polling itself).
 */
export default async function setup(project: TestProject) {
  const [stack, woo] = await Promise.all([startStack({ label: "rw", keepDatabase: process.env.FACTO_KEEP_TEST_DB === "1", inheritOutput: process.env.FACTO_STACK_OUTPUT === "1", extraEnv: { RECONCILE_ORDERS_EVERY_MS: String(24 * 3600_000) } }), startRealWooCommerce({ label: "rw" })]);
  process.stdout.write(`real WooCommerce ${woo.url} started in ${(woo.startMs / 1000).toFixed(1)} s\n`);
  project.provide("stack", stack.info);
  project.provide("realWoo", { url: woo.url, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret, dir: woo.dir, dbName: woo.dbName, startMs: woo.startMs });
  return async () => {
    await Promise.all([stack.stop(), woo.stop()]);
  };
}
