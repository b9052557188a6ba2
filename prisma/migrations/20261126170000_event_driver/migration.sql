-- Which app instance drives a running event (holds its lease, a MySQL named lock), for the
-- dashboard and GET /api/events/{id}; NULL when no instance does.
ALTER TABLE `Event`
    ADD COLUMN `driverInstance` VARCHAR(200) NULL AFTER `maxTicketsPerBuyer`;
