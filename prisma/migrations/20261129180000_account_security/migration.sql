-- Account security (docs/decisions/019-outbound-guard-and-accounts.md): e-mail verification,
-- single-use e-mailed tokens, rate limits in PostgreSQL, session details, an audit log, and the
-- payment-page token looked up by its hash.
CREATE TYPE "AccountTokenPurpose" AS ENUM ('PASSWORD_RESET', 'EMAIL_VERIFICATION');

ALTER TABLE "Account" ADD COLUMN "emailVerifiedAt" TIMESTAMP(3);

ALTER TABLE "AccountSession" ADD COLUMN "lastSeenAt" TIMESTAMP(3),
ADD COLUMN "userAgent" TEXT,
ADD COLUMN "ip" TEXT;

CREATE TABLE "AccountToken" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "purpose" "AccountTokenPurpose" NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountToken_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "AccountToken_tokenHash_key" ON "AccountToken"("tokenHash");
CREATE INDEX "AccountToken_accountId_purpose_idx" ON "AccountToken"("accountId", "purpose");
ALTER TABLE "AccountToken" ADD CONSTRAINT "AccountToken_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "blockedUntil" TIMESTAMP(3),
    "lockNotifiedAt" TIMESTAMP(3),

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "AuditEvent" (
    "id" UUID NOT NULL,
    "shopId" UUID,
    "accountId" UUID,
    "action" TEXT NOT NULL,
    "detail" TEXT,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AuditEvent_shopId_createdAt_idx" ON "AuditEvent"("shopId", "createdAt");
CREATE INDEX "AuditEvent_accountId_createdAt_idx" ON "AuditEvent"("accountId", "createdAt");

ALTER TABLE "Invoice" ADD COLUMN "publicTokenHash" CHAR(64);
UPDATE "Invoice" SET "publicTokenHash" = encode(sha256(convert_to("publicToken", 'UTF8')), 'hex') WHERE "publicToken" IS NOT NULL;
CREATE UNIQUE INDEX "Invoice_publicTokenHash_key" ON "Invoice"("publicTokenHash");

-- Accounts that existed before verification was required keep working.
UPDATE "Account" SET "emailVerifiedAt" = "createdAt" WHERE "emailVerifiedAt" IS NULL;
