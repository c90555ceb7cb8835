-- AlterEnum
ALTER TYPE "cancellation_reason" ADD VALUE 'CUSTOMER_CANCELLED';

-- AlterTable
ALTER TABLE "order" ADD COLUMN     "cancellation_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "cancellation_note" TEXT;
