-- Leases as rows (issue 17): which app instance drives a running event, on any MySQL-compatible
-- engine — named locks (GET_LOCK) are local to one node of a Galera cluster. A lease is taken
-- and renewed by conditional UPDATEs against the database's clock; `epoch` grows by one on
-- every take, and every pool batch checks (holder, epoch) and writes `fenced` in its own
-- transaction, so a stale driver's batch commits nothing (on Galera: it fails certification
-- against the takeover's write of the same row).
CREATE TABLE `EventLease` (
    `eventId` INTEGER NOT NULL,
    `holder` VARCHAR(200) NULL,
    -- The database node and session (CONNECTION_ID) of the holder's lease connection: an
    -- instance on the same node may take the lease at once when that session is gone (a holder
    -- killed with kill -9), instead of waiting for the expiry.
    `holderNode` VARCHAR(200) NULL,
    `holderSession` BIGINT NULL,
    `epoch` BIGINT NOT NULL DEFAULT 0,
    `expiresAt` DATETIME(3) NULL,
    `fenced` BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY (`eventId`),
    CONSTRAINT `EventLease_eventId_fkey` FOREIGN KEY (`eventId`) REFERENCES `Event`(`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
