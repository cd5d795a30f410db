-- Decision 028: stored documents are already compressed — the PDF's streams are Flate-encoded and the
-- bulk of the UBL is that PDF in base64 — so PostgreSQL's default TOAST compression (pglz) spent CPU
-- on every invoice's two inserts and saved nothing (measured: the same size with and without). EXTERNAL
-- keeps the content out of line, uncompressed. Applies to rows written from now on.
ALTER TABLE "Document" ALTER COLUMN "content" SET STORAGE EXTERNAL;
