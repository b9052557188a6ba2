-- One row per writer of batches (a driver's market, a process's join queue): the id of the last
-- batch it committed. A writer whose COMMIT answer was lost reads its row to learn whether that
-- batch committed (see lib/db/batch.ts). Only its own writer ever changes a row.
CREATE TABLE `BatchStamp` (
    `writer` VARCHAR(24) NOT NULL,
    `eventId` INTEGER NOT NULL,
    `batch` VARCHAR(24) NOT NULL,
    `at` DATETIME(3) NOT NULL,

    INDEX `BatchStamp_eventId_idx`(`eventId`),
    PRIMARY KEY (`writer`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
