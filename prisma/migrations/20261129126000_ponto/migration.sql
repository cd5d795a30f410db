-- Ponto Connect as the bank feed (docs/decisions/027-ponto.md).
ALTER TYPE "WebhookProvider" ADD VALUE 'PONTO';

-- CreateTable
CREATE TABLE "PontoConnection" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "oauthState" TEXT,
    "pkceVerifier" TEXT,
    "oauthStartedAt" TIMESTAMP(3),
    "returnTo" TEXT,
    "accessToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshToken" TEXT,
    "connectedAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "lastSyncState" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PontoConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PontoAccount" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "pontoAccountId" TEXT NOT NULL,
    "iban" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "followed" BOOLEAN NOT NULL DEFAULT false,
    "lastSynchronizationId" TEXT,
    "lastSyncAt" TIMESTAMP(3),
    "lastSyncState" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PontoAccount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PontoConnection_shopId_key" ON "PontoConnection"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "PontoConnection_oauthState_key" ON "PontoConnection"("oauthState");

-- CreateIndex
CREATE UNIQUE INDEX "PontoAccount_connectionId_pontoAccountId_key" ON "PontoAccount"("connectionId", "pontoAccountId");

-- CreateIndex
CREATE INDEX "PontoAccount_pontoAccountId_idx" ON "PontoAccount"("pontoAccountId");

-- CreateIndex
CREATE INDEX "PontoAccount_shopId_idx" ON "PontoAccount"("shopId");

-- AddForeignKey
ALTER TABLE "PontoConnection" ADD CONSTRAINT "PontoConnection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PontoAccount" ADD CONSTRAINT "PontoAccount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PontoAccount" ADD CONSTRAINT "PontoAccount_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "PontoConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
