-- AlterTable
ALTER TABLE "outbox_message" ADD COLUMN     "claimed_until" TIMESTAMPTZ(3);
