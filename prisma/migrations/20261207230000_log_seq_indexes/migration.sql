-- The log history pages by the event's log sequence, not by id (issue: log sequence, history
-- part). On a Galera cluster ids are not in commit order (each node steps them by the cluster
-- size from its own offset), so a page or a tail following ids could pass a row committed late
-- with a lower id; `seq` is gap-free and in commit order per event. A page filtered by run or
-- by kind walks one of these in seq order and stops at its last row; unfiltered, it walks
-- `EventLog_eventId_seq_key`.

-- CreateIndex
CREATE INDEX `EventLog_eventId_run_seq_idx` ON `EventLog`(`eventId`, `run`, `seq`);
CREATE INDEX `EventLog_eventId_kind_seq_idx` ON `EventLog`(`eventId`, `kind`, `seq`);

-- DropIndex: nothing pages by kind and id any more; the audit's look-up of a run's SOLD_OUT
-- rows (a few per run) narrows on (eventId, kind) by the new index just as well. The
-- (eventId, run, id) index stays: the audit walks a run's rows in id order from a given id.
DROP INDEX `EventLog_eventId_kind_id_idx` ON `EventLog`;
