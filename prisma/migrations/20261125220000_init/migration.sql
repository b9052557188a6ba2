-- CreateTable
CREATE TABLE `Event` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(120) NOT NULL,
    `totalTickets` INTEGER NOT NULL,
    `maxTicketCapacity` INTEGER NOT NULL,
    `ticketReleaseRate` DOUBLE NOT NULL,
    `customerRetrievalRate` DOUBLE NOT NULL,
    `status` ENUM('IDLE', 'RUNNING', 'STOPPED', 'SOLD_OUT') NOT NULL DEFAULT 'IDLE',
    `run` INTEGER NOT NULL DEFAULT 1,
    `released` INTEGER NOT NULL DEFAULT 0,
    `sold` INTEGER NOT NULL DEFAULT 0,
    `available` INTEGER NOT NULL DEFAULT 0,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Vendor` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `eventId` INTEGER NOT NULL,
    `name` VARCHAR(120) NOT NULL,
    `ticketReleaseRate` DOUBLE NULL,
    `released` INTEGER NOT NULL DEFAULT 0,
    `state` ENUM('WORKING', 'WAITING', 'PAUSED', 'DONE') NOT NULL DEFAULT 'PAUSED',
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `removedAt` DATETIME(3) NULL,

    INDEX `Vendor_eventId_idx`(`eventId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Customer` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `eventId` INTEGER NOT NULL,
    `name` VARCHAR(120) NOT NULL,
    `vip` BOOLEAN NOT NULL DEFAULT false,
    `customerRetrievalRate` DOUBLE NULL,
    `bought` INTEGER NOT NULL DEFAULT 0,
    `state` ENUM('WORKING', 'WAITING', 'PAUSED', 'DONE') NOT NULL DEFAULT 'PAUSED',
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `removedAt` DATETIME(3) NULL,

    INDEX `Customer_eventId_idx`(`eventId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Ticket` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `eventId` INTEGER NOT NULL,
    `run` INTEGER NOT NULL,
    `vendorId` INTEGER NOT NULL,
    `releasedAt` DATETIME(3) NOT NULL,
    `customerId` INTEGER NULL,
    `buyer` VARCHAR(120) NULL,
    `soldAt` DATETIME(3) NULL,

    INDEX `Ticket_eventId_run_soldAt_id_idx`(`eventId`, `run`, `soldAt`, `id`),
    INDEX `Ticket_vendorId_idx`(`vendorId`),
    INDEX `Ticket_customerId_idx`(`customerId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `EventLog` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `eventId` INTEGER NOT NULL,
    `run` INTEGER NOT NULL,
    `kind` VARCHAR(24) NOT NULL,
    `actor` VARCHAR(140) NOT NULL,
    `vip` BOOLEAN NOT NULL DEFAULT false,
    `ticketId` BIGINT NULL,
    `message` VARCHAR(500) NOT NULL,
    `released` INTEGER NOT NULL,
    `sold` INTEGER NOT NULL,
    `available` INTEGER NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `EventLog_eventId_id_idx`(`eventId`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `Vendor` ADD CONSTRAINT `Vendor_eventId_fkey` FOREIGN KEY (`eventId`) REFERENCES `Event`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Customer` ADD CONSTRAINT `Customer_eventId_fkey` FOREIGN KEY (`eventId`) REFERENCES `Event`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- Pool invariants (DESIGN §4.1–2), enforced by the database itself: hand-written, as Prisma's
-- schema language has no CHECK constraints. MariaDB ≥ 10.2 and MySQL ≥ 8.0.16 enforce them.
ALTER TABLE `Event` ADD CONSTRAINT `Event_numbers_check` CHECK (
    `totalTickets` BETWEEN 1 AND 1000000
    AND `maxTicketCapacity` BETWEEN 1 AND `totalTickets`
    AND `ticketReleaseRate` BETWEEN 0.1 AND 10000
    AND `customerRetrievalRate` BETWEEN 0.1 AND 10000
);
ALTER TABLE `Event` ADD CONSTRAINT `Event_pool_check` CHECK (
    `available` BETWEEN 0 AND `maxTicketCapacity`
    AND `released` BETWEEN 0 AND `totalTickets`
    AND `sold` >= 0
    AND `sold` + `available` = `released`
);
