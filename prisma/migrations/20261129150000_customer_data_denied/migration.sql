-- Shopify refused access to protected customer data (decision 015): shown to the merchant on the admin home.
ALTER TABLE "Shop" ADD COLUMN "customerDataDeniedAt" TIMESTAMP(3),
ADD COLUMN "customerDataDeniedReason" TEXT;
