-- CreateIndex
CREATE INDEX "order_timeline_entry_recorded_at_idx" ON "order_timeline_entry" USING BRIN ("recorded_at");
