import { describe, expect, it } from "vitest";
import { AppError } from "~/errors/app-error";
import { buyerRedacted, protectedCustomerDataDenial } from "./protected-customer-data";

describe("protected customer data refusals", () => {
  it("recognises Shopify's ACCESS_DENIED for unapproved customer data, not other errors", () => {
    const denied = new AppError("UPSTREAM_REJECTED", "Shopify GraphQL error", {
      details: { errors: [{ message: "This app is not approved to access the Customer object. See https://partners.shopify.com/1/apps/2/customer_data for more details.", path: ["orders", "nodes", 0, "customer"], extensions: { code: "ACCESS_DENIED" } }] },
    });
    expect(protectedCustomerDataDenial(denied)).toMatch(/^This app is not approved to access the Customer object/);
    const field = new AppError("UPSTREAM_REJECTED", "x", { details: { errors: [{ message: "This app is not approved to use the email field." }] } });
    expect(protectedCustomerDataDenial(field)).toBe("This app is not approved to use the email field.");
    const scope = new AppError("UPSTREAM_REJECTED", "x", { details: { errors: [{ message: "Access denied for orders field. Required access: `read_orders` access scope.", extensions: { code: "ACCESS_DENIED" } }] } });
    expect(protectedCustomerDataDenial(scope)).toBeNull();
    expect(protectedCustomerDataDenial(new Error("This app is not approved to access the Customer object"))).toBeNull();
  });

  it("sees a webhook order whose buyer was redacted (country kept, name and street gone)", () => {
    expect(buyerRedacted({ billing_address: { country_code: "BE", name: null, address1: null, city: null, zip: null } })).toBe(true);
    expect(buyerRedacted({ billing_address: { country_code: "BE", name: "Jan Peeters", address1: "Veldstraat 1", city: "Gent", zip: "9000" } })).toBe(false);
    expect(buyerRedacted({ billing_address: null })).toBe(false); // no billing address at all (e.g. a POS sale): not a refusal
    // Only a country but an e-mail: a checkout that asked for little (e.g. a digital good), not a redaction.
    expect(buyerRedacted({ billing_address: { country_code: "BE" }, email: "jan@example.be" })).toBe(false);
    expect(buyerRedacted({ billing_address: { country_code: "BE" }, email: null, contact_email: null, customer: { email: null } })).toBe(true);
  });
});
