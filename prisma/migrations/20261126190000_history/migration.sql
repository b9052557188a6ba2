-- History, analytics, exports and audit (issue 9): read paths over millions of rows, each by an
-- index (keyset pagination on id, aggregates by time bucket) — four indexes only, since every
-- index is paid for by the hot inserts — and the configuration each run
-- started with, which the Event row forgets when it is changed or reset.

-- CreateTable
CREATE TABLE `EventRun` (
    `eventId` INTEGER NOT NULL,
    `run` INTEGER NOT NULL,
    `startedAt` DATETIME(3) NOT NULL,
    `totalTickets` INTEGER NOT NULL,
    `maxTicketCapacity` INTEGER NOT NULL,
    `ticketReleaseRate` DOUBLE NOT NULL,
    `customerRetrievalRate` DOUBLE NOT NULL,
    `vendors` INTEGER NOT NULL,
    `customers` INTEGER NOT NULL,
    `vipCustomers` INTEGER NOT NULL,

    PRIMARY KEY (`eventId`, `run`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
-- Tickets in release order per run: the tickets export and the release-rate buckets (sales use
-- the existing (eventId, run, soldAt, id)).
CREATE INDEX `Ticket_eventId_run_releasedAt_idx` ON `Ticket`(`eventId`, `run`, `releasedAt`);
-- Purchases in completion order per run, covering the wait aggregates (a COMPLETED purchase is
-- the one with a waitMs) and ordering the purchases export.
CREATE INDEX `Purchase_eventId_run_completedAt_vip_waitMs_idx` ON `Purchase`(`eventId`, `run`, `completedAt`, `vip`, `waitMs`);
-- Log pages filtered by run or by kind, by keyset on id.
CREATE INDEX `EventLog_eventId_run_id_idx` ON `EventLog`(`eventId`, `run`, `id`);
CREATE INDEX `EventLog_eventId_kind_id_idx` ON `EventLog`(`eventId`, `kind`, `id`);
