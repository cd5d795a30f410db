import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { DirectDebitOffer, type OfferApi } from "./DirectDebitOffer";

// purchase.thank-you.block.render: right after checkout.
declare const shopify: OfferApi & { orderConfirmation: { value: { order: { id: string } } | null } };

export default async () => {
  render(<DirectDebitOffer api={shopify} orderId={shopify.orderConfirmation.value?.order.id ?? null} />, document.body);
};
