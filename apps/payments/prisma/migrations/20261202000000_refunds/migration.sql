-- AlterTable
ALTER TABLE "payment_intent" ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "payment" ADD COLUMN     "refund_id" UUID,
ADD COLUMN     "refund_code" TEXT,
ADD COLUMN     "refunded_at" TIMESTAMPTZ(3);
