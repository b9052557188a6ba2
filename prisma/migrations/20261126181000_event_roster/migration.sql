-- A counter that every pause, resume, add and remove of an actor raises, under the event's lock:
-- the driver reads it with each pool batch (it locks the event row anyway) and follows the
-- actor rows as soon as it moves, wherever the change was made.
ALTER TABLE `Event`
    ADD COLUMN `roster` INTEGER NOT NULL DEFAULT 0 AFTER `driverInstance`;
