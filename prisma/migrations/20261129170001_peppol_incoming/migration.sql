-- Documents received over PEPPOL (docs/decisions/018), and PEPPOL webhooks in the inbox.
-- AlterEnum
ALTER TYPE "WebhookProvider" ADD VALUE 'PEPPOL';

-- CreateEnum
CREATE TYPE "IncomingDocumentKind" AS ENUM ('INVOICE', 'CREDIT_NOTE', 'INVOICE_RESPONSE', 'OTHER');

-- CreateTable
CREATE TABLE "IncomingDocument" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "providerDocumentId" TEXT NOT NULL,
    "senderId" TEXT NOT NULL,
    "documentTypeId" TEXT NOT NULL,
    "kind" "IncomingDocumentKind" NOT NULL,
    "ubl" BYTEA NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "number" TEXT,
    "issueDate" TEXT,
    "dueDate" TEXT,
    "currency" TEXT,
    "supplierName" TEXT,
    "supplierVatNumber" TEXT,
    "taxExclusiveAmount" DECIMAL(18,2),
    "vatAmount" DECIMAL(18,2),
    "taxInclusiveAmount" DECIMAL(18,2),
    "payableAmount" DECIMAL(18,2),
    "paymentReference" TEXT,
    "responseCode" TEXT,
    "responseReason" TEXT,
    "referencedNumber" TEXT,
    "hasEmbeddedPdf" BOOLEAN NOT NULL DEFAULT false,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IncomingDocument_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IncomingDocument_shopId_provider_providerDocumentId_key" ON "IncomingDocument"("shopId", "provider", "providerDocumentId");
CREATE INDEX "IncomingDocument_shopId_receivedAt_idx" ON "IncomingDocument"("shopId", "receivedAt");

-- AddForeignKey
ALTER TABLE "IncomingDocument" ADD CONSTRAINT "IncomingDocument_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
