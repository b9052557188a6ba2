-- The live feed reads each event's log by a per-event sequence, not by id (issue: log sequence).
-- On a Galera cluster auto-increment ids have gaps and no global commit order (a row with id 5
-- written on one node can commit after id 7 written on another), so a reader following `id`
-- could step past a row that commits late. `EventLog.seq` is 1, 2, 3 … per event, assigned
-- from `Event.logSeq` under the event's row lock in the transaction that writes the row: the
-- sequence is gap-free and in commit order on one server and on a cluster alike.

-- AlterTable
ALTER TABLE `Event` ADD COLUMN `logSeq` BIGINT NOT NULL DEFAULT 0;

-- AlterTable (existing rows get 0 here, numbered just below)
ALTER TABLE `EventLog` ADD COLUMN `seq` BIGINT NOT NULL;

-- Backfill: the rows already written are numbered per event in id order (on one server that
-- was their commit order), and each event's counter stands at its last number.
UPDATE `EventLog` l
  JOIN (SELECT `id`, ROW_NUMBER() OVER (PARTITION BY `eventId` ORDER BY `id`) AS `n` FROM `EventLog`) numbered ON numbered.`id` = l.`id`
  SET l.`seq` = numbered.`n`;
UPDATE `Event` e
  JOIN (SELECT `eventId`, MAX(`seq`) AS `last` FROM `EventLog` GROUP BY `eventId`) m ON m.`eventId` = e.`id`
  SET e.`logSeq` = m.`last`;

-- CreateIndex: the feed's `eventId = ? AND seq > ? ORDER BY seq`, and one number per row. The
-- (eventId, id) index stays: the history pages and exports page by id.
CREATE UNIQUE INDEX `EventLog_eventId_seq_key` ON `EventLog`(`eventId`, `seq`);
