// The targets' component and API types (what Shopify's CLI generates as shopify.d.ts).
import "@shopify/ui-extensions/purchase.thank-you.block.render";
import "@shopify/ui-extensions/customer-account.order-status.block.render";
