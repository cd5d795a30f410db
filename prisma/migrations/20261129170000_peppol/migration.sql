-- PEPPOL delivery through an Access Point provider (docs/decisions/018).
-- CreateEnum
CREATE TYPE "PeppolMode" AS ENUM ('AUTOMATIC', 'MANUAL', 'NEVER');
CREATE TYPE "PeppolEmail" AS ENUM ('FALLBACK', 'ALWAYS');
CREATE TYPE "PeppolRegistrationState" AS ENUM ('NONE', 'PENDING', 'ACTIVE', 'FAILED');
CREATE TYPE "PeppolDeliveryState" AS ENUM ('QUEUED', 'SENDING', 'DELIVERED', 'ACKNOWLEDGED', 'REJECTED', 'FAILED', 'NOT_ON_PEPPOL');

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "peppolMode" "PeppolMode" NOT NULL DEFAULT 'AUTOMATIC',
ADD COLUMN "peppolEmail" "PeppolEmail" NOT NULL DEFAULT 'FALLBACK',
ADD COLUMN "peppolRegistration" "PeppolRegistrationState" NOT NULL DEFAULT 'NONE',
ADD COLUMN "peppolReceivingHere" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "peppolProviderCompanyId" TEXT,
ADD COLUMN "peppolRegistrationUrl" TEXT,
ADD COLUMN "peppolRegistrationError" TEXT,
ADD COLUMN "peppolRegistrationCheckedAt" TIMESTAMP(3),
ADD COLUMN "peppolWebhookToken" TEXT;

-- CreateTable
CREATE TABLE "PeppolDelivery" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "invoiceId" UUID NOT NULL,
    "recipientId" TEXT NOT NULL,
    "state" "PeppolDeliveryState" NOT NULL DEFAULT 'QUEUED',
    "provider" TEXT NOT NULL,
    "providerDocumentId" TEXT,
    "peppolMessageId" TEXT,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sendingAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "respondedAt" TIMESTAMP(3),
    "merchantNotifiedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PeppolDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PeppolLookup" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "participantId" TEXT NOT NULL,
    "registered" BOOLEAN NOT NULL,
    "invoice" BOOLEAN NOT NULL,
    "creditNote" BOOLEAN NOT NULL,
    "accessPoint" TEXT,
    "reason" TEXT,
    "checkedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PeppolLookup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Shop_peppolWebhookToken_key" ON "Shop"("peppolWebhookToken");
CREATE UNIQUE INDEX "PeppolDelivery_invoiceId_key" ON "PeppolDelivery"("invoiceId");
CREATE INDEX "PeppolDelivery_shopId_state_idx" ON "PeppolDelivery"("shopId", "state");
CREATE UNIQUE INDEX "PeppolLookup_shopId_participantId_key" ON "PeppolLookup"("shopId", "participantId");

-- AddForeignKey
ALTER TABLE "PeppolDelivery" ADD CONSTRAINT "PeppolDelivery_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PeppolDelivery" ADD CONSTRAINT "PeppolDelivery_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PeppolLookup" ADD CONSTRAINT "PeppolLookup_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
