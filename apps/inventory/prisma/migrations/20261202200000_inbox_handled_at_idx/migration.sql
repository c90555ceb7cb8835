-- CreateIndex
-- The retention sweep deletes inbox rows by age (handled_at < cut-off), in batches: without this index
-- each batch would scan the table. A B-tree, not BRIN: the sweep deletes the oldest rows and new ones
-- reuse their pages, and a BRIN range only ever widens, so it would soon match every page. Appended in
-- time order, it costs each inbox insert one entry at the right edge of the tree. CONCURRENTLY (alone
-- in its migration, so outside a transaction): inserts into a large inbox go on while it is built.
CREATE INDEX CONCURRENTLY "inbox_message_handled_at_idx" ON "inbox_message"("handled_at");
