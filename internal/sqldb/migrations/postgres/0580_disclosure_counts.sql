-- +goose Up
-- Disclosure counters by agency and decision day, rolled up to every ancestor (package
-- rollup), so the register's figures of a subtree read that subtree's rows: the whole
-- tree's dashboard scanned every disclosure three times a request (126.000 at national
-- size, about 0,5 s on SQLite). A row holds, for one unit's subtree and one decision day,
-- the items posted by their due date, posted after it, and not posted yet. "Overdue" is
-- not posted past its due date: the counted not-posted minus those not yet due, which are
-- the last few weeks' decisions, read from disclosures_unposted_due. Kept in the
-- transaction of each create and edit (democracy.DisclosureService) and rebuilt from the
-- register after danvan gen and at start-up when missing.
CREATE TABLE disclosure_counts (
    unit_id  BIGINT NOT NULL,
    day      TEXT NOT NULL,
    on_time  INTEGER NOT NULL DEFAULT 0,
    late     INTEGER NOT NULL DEFAULT 0,
    unposted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);
CREATE INDEX disclosures_unposted_due ON disclosures(due_on, unit_path, decision_on) WHERE posted_on = '';

-- +goose Down
DROP INDEX disclosures_unposted_due;
DROP TABLE disclosure_counts;
