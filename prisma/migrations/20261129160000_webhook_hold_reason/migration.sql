-- Held inbox rows carry a code instead of being found by the text of lastError (decision 017).
ALTER TABLE "WebhookEvent" ADD COLUMN "holdReason" TEXT,
ADD COLUMN "holdDetail" JSONB,
ADD COLUMN "issueAsComputedAt" TIMESTAMP(3);

CREATE INDEX "WebhookEvent_shopId_holdReason_idx" ON "WebhookEvent"("shopId", "holdReason");

-- Rows held before this migration were recognised by their message.
UPDATE "WebhookEvent" SET "holdReason" = 'INVOICE_DATA_INCOMPLETE' WHERE "status" = 'FAILED' AND "lastError" LIKE 'Invoice data incomplete%';
UPDATE "WebhookEvent" SET "holdReason" = 'INVOICING_PAUSED' WHERE "status" = 'FAILED' AND "lastError" LIKE 'Invoicing paused by the merchant%';
