-- Up to when the simulation of the current run has been driven: the driver writes it about
-- once a second, and start sets it. In ENGINE_MODE=on-demand a new driver catches up for the
-- time since then (lib/engine/catch-up.ts).
ALTER TABLE `Event` ADD COLUMN `advancedAt` DATETIME(3) NULL;
