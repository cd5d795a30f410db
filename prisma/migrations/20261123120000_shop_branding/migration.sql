-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "logo" BYTEA,
ADD COLUMN     "logoContentType" TEXT,
ADD COLUMN     "accentColor" TEXT NOT NULL DEFAULT '#1f4e79';

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "ordersReconciledAt" TIMESTAMP(3);
