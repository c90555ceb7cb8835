-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "order_status" AS ENUM ('PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION', 'SHIPPED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "cancellation_reason" AS ENUM ('OUT_OF_STOCK', 'PAYMENT_REJECTED');

-- CreateTable
CREATE TABLE "catalog_product" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "stock_available" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "catalog_product_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "order" (
    "id" UUID NOT NULL,
    "status" "order_status" NOT NULL,
    "customer_id" TEXT NOT NULL,
    "customer_name" TEXT NOT NULL,
    "customer_email" TEXT NOT NULL,
    "shipping_address" JSONB NOT NULL,
    "total_cents" BIGINT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'BRL',
    "cancellation_reason" "cancellation_reason",
    "carrier" TEXT,
    "tracking_code" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_line" (
    "order_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,

    CONSTRAINT "order_line_pkey" PRIMARY KEY ("order_id","position")
);

-- CreateTable
CREATE TABLE "order_timeline_entry" (
    "id" BIGSERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "status" "order_status" NOT NULL,
    "event_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_timeline_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "order_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "outbox_message" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "routing_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox_message" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "handled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_message_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE INDEX "order_created_at_id_idx" ON "order"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "order_status_created_at_idx" ON "order"("status", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "order_timeline_entry_event_id_key" ON "order_timeline_entry"("event_id");

-- CreateIndex
CREATE INDEX "order_timeline_entry_order_id_occurred_at_idx" ON "order_timeline_entry"("order_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_seq_key" ON "outbox_message"("seq");

-- CreateIndex
CREATE INDEX "outbox_message_published_at_seq_idx" ON "outbox_message"("published_at", "seq");

-- AddForeignKey
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_timeline_entry" ADD CONSTRAINT "order_timeline_entry_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Invariants the code keeps, enforced by the database too.
ALTER TABLE "order" ADD CONSTRAINT "order_cancellation_reason_iff_cancelled"
  CHECK (("status" = 'CANCELLED') = ("cancellation_reason" IS NOT NULL));
ALTER TABLE "order" ADD CONSTRAINT "order_total_cents_nonnegative" CHECK ("total_cents" >= 0);
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_unit_price_cents_nonnegative" CHECK ("unit_price_cents" >= 0);
ALTER TABLE "catalog_product" ADD CONSTRAINT "catalog_product_price_cents_nonnegative" CHECK ("price_cents" >= 0);
