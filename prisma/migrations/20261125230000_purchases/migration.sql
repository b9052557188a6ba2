-- AlterTable
ALTER TABLE `Event` ADD COLUMN `maxTicketsPerBuyer` INTEGER NULL;

-- AlterTable
ALTER TABLE `Vendor` ADD COLUMN `paused` BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE `Customer` ADD COLUMN `paused` BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE `Ticket` ADD COLUMN `purchaseId` BIGINT NULL;

-- CreateTable
CREATE TABLE `Purchase` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `publicId` VARCHAR(32) NOT NULL,
    `eventId` INTEGER NOT NULL,
    `run` INTEGER NOT NULL,
    `customerId` INTEGER NULL,
    `buyer` VARCHAR(120) NOT NULL,
    `vip` BOOLEAN NOT NULL DEFAULT false,
    `quantity` INTEGER NOT NULL,
    `source` ENUM('SIMULATION', 'API', 'WEB') NOT NULL,
    `status` ENUM('QUEUED', 'COMPLETED', 'SOLD_OUT', 'CANCELLED') NOT NULL DEFAULT 'QUEUED',
    `requestedAt` DATETIME(3) NOT NULL,
    `completedAt` DATETIME(3) NULL,
    `waitMs` INTEGER NULL,
    `idempotencyKey` VARCHAR(255) NULL,
    `requestHash` VARCHAR(64) NULL,

    UNIQUE INDEX `Purchase_publicId_key`(`publicId`),
    UNIQUE INDEX `Purchase_idempotencyKey_key`(`idempotencyKey`),
    INDEX `Purchase_eventId_run_status_vip_requestedAt_idx`(`eventId`, `run`, `status`, `vip`, `requestedAt`),
    INDEX `Purchase_eventId_source_id_idx`(`eventId`, `source`, `id`),
    INDEX `Purchase_customerId_idx`(`customerId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE INDEX `Ticket_purchaseId_idx` ON `Ticket`(`purchaseId`);

-- A purchase asks for at least one ticket; a per-buyer limit, when set, is at least one.
ALTER TABLE `Purchase` ADD CONSTRAINT `Purchase_quantity_check` CHECK (`quantity` >= 1);
ALTER TABLE `Event` ADD CONSTRAINT `Event_buyer_limit_check` CHECK (`maxTicketsPerBuyer` IS NULL OR `maxTicketsPerBuyer` >= 1);
