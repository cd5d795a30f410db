import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json" with { type: "json" };
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { login } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

type LoginErrors = { shop?: string };

function messageFor(errors: unknown): LoginErrors {
  const e = (errors ?? {}) as { shop?: string };
  if (e.shop === "MISSING_SHOP") return { shop: "Enter your shop domain to log in" };
  if (e.shop === "INVALID_SHOP") return { shop: "Enter a valid shop domain, like my-shop.myshopify.com" };
  return {};
}

export const loader = async ({ request }: LoaderFunctionArgs) => ({ errors: messageFor(await login(request)) });

export const action = async ({ request }: ActionFunctionArgs) => ({ errors: messageFor(await login(request)) });

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData ?? loaderData;
  return (
    <AppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">Log in to Facto</Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>Log in</Button>
              <Text as="p" tone="subdued">
                A WooCommerce store? <a href="/woo/login">Sign in to Facto for WooCommerce</a>.
              </Text>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
