-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "ossDestinationTaxation" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "creditNoteSeries" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "vatValid" BOOLEAN,
ADD COLUMN     "vatCheckedAt" TIMESTAMP(3),
ADD COLUMN     "viesConsultationNumber" TEXT;

-- AlterTable
ALTER TABLE "InvoiceSeries" ADD COLUMN     "format" TEXT NOT NULL DEFAULT '{prefix}{number}',
ADD COLUMN     "yearlyReset" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "currentYear" INTEGER;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "numberYear" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "originalInvoiceId" UUID,
ADD COLUMN     "exchangeRateToEur" DECIMAL(18,8),
ADD COLUMN     "vatTotalEur" DECIMAL(18,2),
ADD COLUMN     "viesConsultationNumber" TEXT,
ADD COLUMN     "pricesIncludeVat" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "supplyDate" DATE;

-- DropIndex
DROP INDEX "Invoice_seriesId_number_key";

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_seriesId_numberYear_number_key" ON "Invoice"("seriesId", "numberYear", "number");

-- CreateIndex
CREATE INDEX "Invoice_originalInvoiceId_idx" ON "Invoice"("originalInvoiceId");

-- CreateTable
CREATE TABLE "ProductVatClass" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "vatClass" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductVatClass_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ProductVatClass_shopId_sku_key" ON "ProductVatClass"("shopId", "sku");

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_originalInvoiceId_fkey" FOREIGN KEY ("originalInvoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductVatClass" ADD CONSTRAINT "ProductVatClass_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
