-- Webhooks (issue 18, part 5): endpoints per event and the delivery outbox. A delivery row is
-- written in the transaction of the change it reports (start, stop, a batch that completes a
-- real buyer's purchase or sells out), so none is lost and none invented; a worker claims due
-- rows with FOR UPDATE SKIP LOCKED and sends them outside any transaction.

-- CreateTable
CREATE TABLE `WebhookEndpoint` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `eventId` INTEGER NOT NULL,
    `url` VARCHAR(2000) NOT NULL,
    `description` VARCHAR(200) NULL,
    `events` VARCHAR(300) NOT NULL,
    `secret` VARCHAR(100) NOT NULL,
    `disabledAt` DATETIME(3) NULL,
    `disabledReason` VARCHAR(200) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `WebhookEndpoint_eventId_disabledAt_idx`(`eventId`, `disabledAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `WebhookDelivery` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `endpointId` INTEGER NOT NULL,
    `eventId` INTEGER NOT NULL,
    `type` VARCHAR(40) NOT NULL,
    `payload` TEXT NOT NULL,
    `status` VARCHAR(12) NOT NULL DEFAULT 'PENDING',
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `nextAttemptAt` DATETIME(3) NOT NULL,
    `inFlightUntil` DATETIME(3) NULL,
    `lastAttemptAt` DATETIME(3) NULL,
    `lastStatus` INTEGER NULL,
    `lastError` VARCHAR(300) NULL,
    `deliveredAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL,

    INDEX `WebhookDelivery_status_nextAttemptAt_idx`(`status`, `nextAttemptAt`),
    INDEX `WebhookDelivery_endpointId_status_id_idx`(`endpointId`, `status`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `WebhookEndpoint` ADD CONSTRAINT `WebhookEndpoint_eventId_fkey` FOREIGN KEY (`eventId`) REFERENCES `Event`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `WebhookDelivery` ADD CONSTRAINT `WebhookDelivery_endpointId_fkey` FOREIGN KEY (`endpointId`) REFERENCES `WebhookEndpoint`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
