-- One log row per batch move ("Vendor 3 released tickets #1001–#1050") instead of one per
-- ticket: the row names its first and last ticket and how many it covers. Every ticket stays
-- traceable through its own Ticket row (vendor, released at, purchase, buyer, sold at).
ALTER TABLE `EventLog`
    ADD COLUMN `lastTicketId` BIGINT NULL AFTER `ticketId`,
    ADD COLUMN `tickets` INTEGER NOT NULL DEFAULT 0 AFTER `lastTicketId`;
