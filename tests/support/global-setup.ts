import type { TestProject } from "vitest/node";
import { startStack, type StackInfo } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** One running Facto (web + worker + fake Shopify + fresh database) for the integration tests. */
export default async function setup(project: TestProject) {
  // FACTO_KEEP_TEST_DB=1 keeps the database after the run, to inspect a failure.
  const stack = await startStack({ label: "it", keepDatabase: process.env.FACTO_KEEP_TEST_DB === "1" });
  project.provide("stack", stack.info);
  return async () => {
    await stack.stop();
  };
}
