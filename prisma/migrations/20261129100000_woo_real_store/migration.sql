-- What the real WooCommerce showed (docs/decisions/016): hosts that strip the Authorization header,
-- on-hold orders that ignore set_paid, and WooCommerce's own ping recorded.

-- AlterTable
ALTER TABLE "WooConnection" ADD COLUMN     "authInQuery" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "paidStatus" TEXT NOT NULL DEFAULT 'processing',
ADD COLUMN     "pingedAt" TIMESTAMP(3);
