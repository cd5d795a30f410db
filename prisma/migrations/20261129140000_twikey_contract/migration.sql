-- Twikey held to its contract (issue #16): suspended mandates, one feed reader per shop, and
-- collections Facto sends to the bank itself (POST /creditor/collect).

-- AlterEnum
ALTER TYPE "MandateStatus" ADD VALUE 'SUSPENDED';

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "twikeyFeedLease" TEXT,
ADD COLUMN "twikeyFeedLeaseUntil" TIMESTAMP(3),
ADD COLUMN "twikeyFeedRerun" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN "sentToBankAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Mandate" ADD COLUMN "template" TEXT;
