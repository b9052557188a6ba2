-- Idempotency keys are compared byte for byte (`abc` and `ABC` are two keys) and belong to
-- one event: the same key sent to two events makes two purchases.
ALTER TABLE `Purchase` DROP INDEX `Purchase_idempotencyKey_key`;
ALTER TABLE `Purchase` MODIFY `idempotencyKey` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
CREATE UNIQUE INDEX `Purchase_eventId_idempotencyKey_key` ON `Purchase`(`eventId`, `idempotencyKey`);

-- Operator sessions made by the sign-in form: the cookie carries the id, an expiry and an
-- HMAC keyed by ADMIN_TOKEN; the row is what sign-out deletes, so a session can be revoked
-- before it expires, on every instance at once.
CREATE TABLE `AdminSession` (
    `id` VARCHAR(32) NOT NULL,
    `expiresAt` DATETIME(3) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `AdminSession_expiresAt_idx`(`expiresAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
