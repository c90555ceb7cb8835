-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "shipment_status" AS ENUM ('PREPARING', 'SHIPPED');

-- CreateTable
CREATE TABLE "shipping_details" (
    "order_id" UUID NOT NULL,
    "shipping_address" JSONB NOT NULL,
    "lines" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipping_details_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "shipment" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "status" "shipment_status" NOT NULL,
    "ship_after" TIMESTAMPTZ(3) NOT NULL,
    "causation_event_id" UUID NOT NULL,
    "prepared_event_id" UUID NOT NULL,
    "carrier" TEXT,
    "tracking_code" TEXT,
    "shipped_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "shipment_pkey" PRIMARY KEY ("id")
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
CREATE UNIQUE INDEX "shipment_number_key" ON "shipment"("number");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_order_id_key" ON "shipment"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_tracking_code_key" ON "shipment"("tracking_code");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_seq_key" ON "outbox_message"("seq");

-- CreateIndex
CREATE INDEX "outbox_message_published_at_seq_idx" ON "outbox_message"("published_at", "seq");

-- AddForeignKey
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "shipping_details"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- What the dispatcher scans: shipments still waiting, by due time.
CREATE INDEX "shipment_preparing_ship_after_idx" ON "shipment"("ship_after") WHERE "status" = 'PREPARING';

-- A shipped shipment always says how and when it left.
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_shipped_fields" CHECK (
  "status" <> 'SHIPPED' OR ("carrier" IS NOT NULL AND "tracking_code" IS NOT NULL AND "shipped_at" IS NOT NULL)
);
