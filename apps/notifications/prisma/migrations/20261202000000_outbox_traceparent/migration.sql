-- AlterTable
ALTER TABLE "outbox_message" ADD COLUMN     "traceparent" TEXT;
