-- The notification table becomes the e-mail outbox: each row keeps the whole e-mail, is recorded in
-- the handler's transaction with sent_at NULL and a lease, and is sent over SMTP after the commit.

-- AlterTable
ALTER TABLE "notification"
    ADD COLUMN "recipient_name" TEXT,
    ADD COLUMN "text" TEXT,
    ADD COLUMN "html" TEXT,
    ADD COLUMN "headers" JSONB,
    ADD COLUMN "created_at" TIMESTAMPTZ(3),
    ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "last_error" TEXT,
    ADD COLUMN "claimed_until" TIMESTAMPTZ(3),
    ALTER COLUMN "sent_at" DROP NOT NULL;

-- Rows from before were all sent (the send happened in their transaction): they keep their sent_at
-- and need no body, since they are never sent again.
UPDATE "notification" AS n
SET "recipient_name" = COALESCE((SELECT c."customer_name" FROM "order_contact" AS c WHERE c."order_id" = n."order_id"), ''),
    "text" = '',
    "html" = '',
    "headers" = jsonb_build_object('X-Loja-Order-Id', n."order_id"::text, 'X-Loja-Notice', n."notice"::text),
    "created_at" = n."sent_at";

ALTER TABLE "notification"
    ALTER COLUMN "recipient_name" SET NOT NULL,
    ALTER COLUMN "text" SET NOT NULL,
    ALTER COLUMN "html" SET NOT NULL,
    ALTER COLUMN "headers" SET NOT NULL,
    ALTER COLUMN "created_at" SET NOT NULL,
    ALTER COLUMN "created_at" SET DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "notification_sent_at_claimed_until_idx" ON "notification"("sent_at", "claimed_until");
