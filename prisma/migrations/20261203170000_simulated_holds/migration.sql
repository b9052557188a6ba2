-- Simulated customers' checkout holds (issue 18, part 3): each event says how often a simulated
-- customer abandons its hold (holdAbandonPercent, 0 … 100 %) and how long one that does not
-- takes to confirm (holdConfirmSeconds, 0 … holdSeconds − 1). Both 0: simulated customers buy
-- at once, as before. A simulated hold's row carries its decision (confirmAt, or null when it is
-- abandoned), so whichever instance drives the next batch applies it.

-- AlterTable
ALTER TABLE `Event` ADD COLUMN `holdAbandonPercent` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `holdConfirmSeconds` INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE `Purchase` ADD COLUMN `confirmAt` DATETIME(3) NULL;

-- CreateIndex: the confirmation of an event's due simulated holds, in every batch, is one range of this index.
CREATE INDEX `Purchase_eventId_status_confirmAt_idx` ON `Purchase`(`eventId`, `status`, `confirmAt`);

-- Hand-written: Prisma's schema language has no CHECK constraints.
ALTER TABLE `Event` ADD CONSTRAINT `Event_simulated_holds_check` CHECK (
    `holdAbandonPercent` BETWEEN 0 AND 100
    AND `holdConfirmSeconds` >= 0
    AND `holdConfirmSeconds` < `holdSeconds`
);
