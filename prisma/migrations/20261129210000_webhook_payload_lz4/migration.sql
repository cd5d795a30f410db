-- Decision 031: every webhook body (a Shopify order is ~6.6 kB of JSON) is larger than TOAST's ~2 kB
-- threshold, so PostgreSQL compresses it on the inbox insert that the webhook's 200 waits for. pglz
-- (the default) cost ~90–130 µs of backend CPU per row more than lz4 (measured: 330–443 µs against
-- 242–315 µs per row for the whole insert, the same bodies), on the 2 cores the web process shares with
-- PostgreSQL; lz4 stores ~35 % more bytes per body (4.2 kB against 3.1 kB) and is also faster to read back
-- for the workers. Applies to rows written from now on (PostgreSQL 14+, built with lz4 as the
-- distributions' and the managed services' are).
ALTER TABLE "WebhookEvent" ALTER COLUMN "payload" SET COMPRESSION lz4;
