-- The merchant's invoice list: newest first per shop (keyset pagination on createdAt, id), also by
-- status, stays an index scan at 100,000+ invoices.

-- CreateIndex
CREATE INDEX "Invoice_shopId_createdAt_id_idx" ON "Invoice"("shopId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Invoice_shopId_status_createdAt_idx" ON "Invoice"("shopId", "status", "createdAt");
