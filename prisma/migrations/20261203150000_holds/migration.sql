-- Checkout holds (issue 18, parts 1–2): a purchase may ask for its tickets to be held until
-- `holdExpiresAt`, then confirmed (sold) or returned (cancelled, or expired). Held tickets
-- still occupy the pool, so the pool rule becomes available + held ≤ capacity and
-- sold + held + available = released, enforced by the database as before (DESIGN §4.1–2).

-- AlterTable
ALTER TABLE `Event` ADD COLUMN `held` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `holdSeconds` INTEGER NOT NULL DEFAULT 600;

-- AlterTable
ALTER TABLE `Purchase` MODIFY `status` ENUM('QUEUED', 'COMPLETED', 'SOLD_OUT', 'CANCELLED', 'HELD', 'EXPIRED') NOT NULL DEFAULT 'QUEUED',
    ADD COLUMN `hold` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `holdToken` VARCHAR(64) NULL,
    ADD COLUMN `holdExpiresAt` DATETIME(3) NULL;

-- CreateIndex: the expiry of an event's due holds, in every batch, is one range of this index.
CREATE INDEX `Purchase_eventId_status_holdExpiresAt_idx` ON `Purchase`(`eventId`, `status`, `holdExpiresAt`);

-- AlterTable
ALTER TABLE `EventLog` ADD COLUMN `held` INTEGER NOT NULL DEFAULT 0;

-- The pool rule with holds (hand-written: Prisma's schema language has no CHECK constraints).
ALTER TABLE `Event` DROP CONSTRAINT `Event_pool_check`;
ALTER TABLE `Event` ADD CONSTRAINT `Event_pool_check` CHECK (
    `available` >= 0
    AND `held` >= 0
    AND `available` + `held` <= `maxTicketCapacity`
    AND `released` BETWEEN 0 AND `totalTickets`
    AND `sold` >= 0
    AND `sold` + `held` + `available` = `released`
);
ALTER TABLE `Event` ADD CONSTRAINT `Event_hold_seconds_check` CHECK (`holdSeconds` BETWEEN 30 AND 3600);
-- A hold carries its token and its expiry from the moment it is made.
ALTER TABLE `Purchase` ADD CONSTRAINT `Purchase_hold_check` CHECK (`status` <> 'HELD' OR (`hold` AND `holdToken` IS NOT NULL AND `holdExpiresAt` IS NOT NULL));
