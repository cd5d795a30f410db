-- CreateEnum
CREATE TYPE "Platform" AS ENUM ('SHOPIFY', 'WOOCOMMERCE');

-- CreateEnum
CREATE TYPE "InvoiceTrigger" AS ENUM ('ORDER_CREATED', 'ORDER_PAID', 'ORDER_FULFILLED');

-- CreateEnum
CREATE TYPE "WebhookProvider" AS ENUM ('SHOPIFY', 'WOOCOMMERCE', 'TWIKEY', 'MOLLIE');

-- CreateEnum
CREATE TYPE "WebhookEventStatus" AS ENUM ('RECEIVED', 'PROCESSED', 'IGNORED', 'FAILED');

-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('INVOICE', 'CREDIT_NOTE');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('ISSUED', 'PAID', 'CREDITED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "LineKind" AS ENUM ('GOODS', 'SHIPPING', 'FEE');

-- CreateEnum
CREATE TYPE "DocumentFormat" AS ENUM ('PDF', 'UBL');

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "legalName" TEXT,
    "street" TEXT,
    "postalCode" TEXT,
    "city" TEXT,
    "countryCode" CHAR(2) NOT NULL DEFAULT 'BE',
    "vatNumber" TEXT,
    "enterpriseNumber" TEXT,
    "iban" TEXT,
    "bic" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "defaultLanguage" TEXT NOT NULL DEFAULT 'nl',
    "currency" CHAR(3) NOT NULL DEFAULT 'EUR',
    "paymentTermDays" INTEGER NOT NULL DEFAULT 14,
    "invoiceTrigger" "InvoiceTrigger" NOT NULL DEFAULT 'ORDER_CREATED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "provider" "WebhookProvider" NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "triggeredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "WebhookEventStatus" NOT NULL DEFAULT 'RECEIVED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "processedAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "channel" "Platform" NOT NULL,
    "externalId" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT NOT NULL,
    "companyName" TEXT,
    "vatNumber" TEXT,
    "street" TEXT,
    "postalCode" TEXT,
    "city" TEXT,
    "countryCode" CHAR(2),
    "language" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceSeries" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "kind" "DocumentKind" NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "padding" INTEGER NOT NULL DEFAULT 4,
    "nextNumber" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InvoiceSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invoice" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "seriesId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "formattedNumber" TEXT NOT NULL,
    "kind" "DocumentKind" NOT NULL,
    "channel" "Platform" NOT NULL,
    "sourceId" TEXT NOT NULL,
    "channelOrderId" TEXT NOT NULL,
    "channelOrderName" TEXT,
    "customerId" UUID,
    "issueDate" DATE NOT NULL,
    "dueDate" DATE,
    "currency" CHAR(3) NOT NULL,
    "language" TEXT NOT NULL,
    "vatRegime" TEXT NOT NULL,
    "vatReason" TEXT NOT NULL,
    "lineNetTotal" DECIMAL(18,2) NOT NULL,
    "allowanceTotal" DECIMAL(18,2) NOT NULL,
    "chargeTotal" DECIMAL(18,2) NOT NULL,
    "taxExclusiveTotal" DECIMAL(18,2) NOT NULL,
    "vatTotal" DECIMAL(18,2) NOT NULL,
    "taxInclusiveTotal" DECIMAL(18,2) NOT NULL,
    "paidAmount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "amountDue" DECIMAL(18,2) NOT NULL,
    "paymentReference" TEXT,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'ISSUED',
    "seller" JSONB NOT NULL,
    "buyer" JSONB NOT NULL,
    "channelTotals" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceLine" (
    "id" UUID NOT NULL,
    "invoiceId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "LineKind" NOT NULL,
    "description" TEXT NOT NULL,
    "sku" TEXT,
    "quantity" DECIMAL(18,4) NOT NULL,
    "unitPriceNet" DECIMAL(18,6) NOT NULL,
    "discountAmount" DECIMAL(18,2) NOT NULL,
    "lineNet" DECIMAL(18,2) NOT NULL,
    "vatCategory" TEXT NOT NULL,
    "vatRate" DECIMAL(5,2) NOT NULL,

    CONSTRAINT "InvoiceLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceVatSubtotal" (
    "id" UUID NOT NULL,
    "invoiceId" UUID NOT NULL,
    "vatCategory" TEXT NOT NULL,
    "vatRate" DECIMAL(5,2) NOT NULL,
    "taxableAmount" DECIMAL(18,2) NOT NULL,
    "taxAmount" DECIMAL(18,2) NOT NULL,
    "exemptionReason" TEXT,

    CONSTRAINT "InvoiceVatSubtotal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Document" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "invoiceId" UUID NOT NULL,
    "format" "DocumentFormat" NOT NULL,
    "contentType" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_platform_domain_key" ON "Shop"("platform", "domain");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_receivedAt_idx" ON "WebhookEvent"("status", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopId_receivedAt_idx" ON "WebhookEvent"("shopId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_provider_deliveryId_key" ON "WebhookEvent"("provider", "deliveryId");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_shopId_channel_externalId_key" ON "Customer"("shopId", "channel", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceSeries_shopId_code_key" ON "InvoiceSeries"("shopId", "code");

-- CreateIndex
CREATE INDEX "Invoice_shopId_issueDate_idx" ON "Invoice"("shopId", "issueDate");

-- CreateIndex
CREATE INDEX "Invoice_shopId_channelOrderId_idx" ON "Invoice"("shopId", "channelOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_shopId_channel_kind_sourceId_key" ON "Invoice"("shopId", "channel", "kind", "sourceId");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_seriesId_number_key" ON "Invoice"("seriesId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceLine_invoiceId_position_key" ON "InvoiceLine"("invoiceId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceVatSubtotal_invoiceId_vatCategory_vatRate_key" ON "InvoiceVatSubtotal"("invoiceId", "vatCategory", "vatRate");

-- CreateIndex
CREATE UNIQUE INDEX "Document_invoiceId_format_key" ON "Document"("invoiceId", "format");

-- AddForeignKey
ALTER TABLE "WebhookEvent" ADD CONSTRAINT "WebhookEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceSeries" ADD CONSTRAINT "InvoiceSeries_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "InvoiceSeries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceVatSubtotal" ADD CONSTRAINT "InvoiceVatSubtotal_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;
