-- CreateEnum
CREATE TYPE "cancellation_decision" AS ENUM ('ACCEPTED', 'REFUSED');

-- AlterEnum
ALTER TYPE "shipment_status" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "shipping_details" ADD COLUMN     "cancellation" "cancellation_decision",
ADD COLUMN     "cancellation_decided_at" TIMESTAMPTZ(3);
