-- CreateEnum
CREATE TYPE "BankTransactionStatus" AS ENUM ('MATCHED', 'PROPOSED', 'UNMATCHED', 'IGNORED');

-- CreateTable
CREATE TABLE "BankTransaction" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "bankReference" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "bookingDate" DATE NOT NULL,
    "valueDate" DATE,
    "structuredReference" TEXT,
    "structuredReferenceValid" BOOLEAN,
    "communication" TEXT NOT NULL DEFAULT '',
    "counterpartyName" TEXT,
    "counterpartyAccount" TEXT,
    "statementNumber" TEXT,
    "status" "BankTransactionStatus" NOT NULL,
    "matchReason" TEXT,
    "invoiceId" UUID,
    "paymentId" UUID,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "BankTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BankTransaction_paymentId_key" ON "BankTransaction"("paymentId");

-- CreateIndex
CREATE UNIQUE INDEX "BankTransaction_shopId_accountNumber_bankReference_key" ON "BankTransaction"("shopId", "accountNumber", "bankReference");

-- CreateIndex
CREATE INDEX "BankTransaction_shopId_status_bookingDate_idx" ON "BankTransaction"("shopId", "status", "bookingDate");

-- CreateIndex
CREATE INDEX "BankTransaction_invoiceId_idx" ON "BankTransaction"("invoiceId");

-- AddForeignKey
ALTER TABLE "BankTransaction" ADD CONSTRAINT "BankTransaction_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankTransaction" ADD CONSTRAINT "BankTransaction_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankTransaction" ADD CONSTRAINT "BankTransaction_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE SET NULL ON UPDATE CASCADE;
