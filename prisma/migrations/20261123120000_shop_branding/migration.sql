-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "logo" BYTEA,
ADD COLUMN     "logoContentType" TEXT,
ADD COLUMN     "accentColor" TEXT NOT NULL DEFAULT '#1f4e79';

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "ordersReconciledAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "customerExternalId" TEXT,
    "email" TEXT,
    "export" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataRequest_shopId_createdAt_idx" ON "DataRequest"("shopId", "createdAt");

-- AddForeignKey
ALTER TABLE "DataRequest" ADD CONSTRAINT "DataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "WooConnection" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "storeUrl" TEXT NOT NULL,
    "consumerKey" TEXT NOT NULL,
    "consumerSecret" TEXT NOT NULL,
    "webhookSecret" TEXT NOT NULL,
    "vatMetaKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WooConnection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WooConnection_shopId_key" ON "WooConnection"("shopId");

-- AddForeignKey
ALTER TABLE "WooConnection" ADD CONSTRAINT "WooConnection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "paidAt" TIMESTAMP(3),
ADD COLUMN     "paymentMethod" TEXT;
