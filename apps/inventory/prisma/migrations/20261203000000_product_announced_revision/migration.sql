-- AlterTable
-- The revision of each product last written to the outbox as ProdutoAtualizado: ProductAnnouncer
-- announces the products whose revision has moved past it. A constant default makes this a change of
-- the catalogue only (no table rewrite); existing products start at 0 and are announced once more,
-- which replicas holding that revision ignore.
ALTER TABLE "product" ADD COLUMN "announced_revision" INTEGER NOT NULL DEFAULT 0;
