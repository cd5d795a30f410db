-- Direct debit with Twikey: the shop's Twikey settings and feed positions, mandates per customer,
-- the customer's payment method, and the one live collection per invoice.

-- CreateEnum
CREATE TYPE "MandateStatus" AS ENUM ('PREPARED', 'SIGNED', 'CANCELLED');

-- AlterEnum
ALTER TYPE "EmailKind" ADD VALUE 'COLLECTION_NOTICE';

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "twikeyApiKey" TEXT,
ADD COLUMN     "twikeyBaseUrl" TEXT,
ADD COLUMN     "twikeyWebsiteKey" TEXT,
ADD COLUMN     "twikeyTemplateCore" TEXT,
ADD COLUMN     "twikeyTemplateB2b" TEXT,
ADD COLUMN     "twikeyNotifyBeforeCollection" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "twikeyAutoCollect" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "twikeyMandateFeedPosition" TEXT,
ADD COLUMN     "twikeyTransactionFeedPosition" TEXT;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "paymentMethod" TEXT;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "mandateReference" TEXT,
ADD COLUMN     "collectionFor" UUID;

-- CreateTable
CREATE TABLE "Mandate" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "customerId" UUID,
    "mndtId" TEXT NOT NULL,
    "status" "MandateStatus" NOT NULL DEFAULT 'PREPARED',
    "scheme" TEXT NOT NULL DEFAULT 'CORE',
    "iban" TEXT,
    "bic" TEXT,
    "debtorName" TEXT,
    "email" TEXT,
    "inviteUrl" TEXT,
    "signedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "cancelReason" TEXT,
    "pdf" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Mandate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Payment_collectionFor_key" ON "Payment"("collectionFor");

-- CreateIndex
CREATE UNIQUE INDEX "Mandate_shopId_mndtId_key" ON "Mandate"("shopId", "mndtId");

-- CreateIndex
CREATE INDEX "Mandate_customerId_idx" ON "Mandate"("customerId");

-- AddForeignKey
ALTER TABLE "Mandate" ADD CONSTRAINT "Mandate_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mandate" ADD CONSTRAINT "Mandate_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
