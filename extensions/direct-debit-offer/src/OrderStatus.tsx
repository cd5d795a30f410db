import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { DirectDebitOffer, type OfferApi } from "./DirectDebitOffer";

// customer-account.order-status.block.render: the order's status page in the customer account.
declare const shopify: OfferApi & { order: { value: { id: string } | null } };

export default async () => {
  render(<DirectDebitOffer api={shopify} orderId={shopify.order.value?.id ?? null} />, document.body);
};
