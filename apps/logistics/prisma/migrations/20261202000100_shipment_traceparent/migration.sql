-- AlterTable
ALTER TABLE "shipment" ADD COLUMN     "traceparent" TEXT;
