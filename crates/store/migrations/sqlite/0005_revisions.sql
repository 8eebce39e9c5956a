-- gyokaku schema 5, SQLite dialect: plan revisions (見直し). Each revision
-- keeps the whole structure of the plan as it stood (JSON of the plan
-- without reports, actuals and fiscal ratios) with its kind, date, reason,
-- deciding body and first fiscal year; the tables above hold the latest
-- revision. Nodes and indicators a revision retired stay in their tables
-- (their reports, reviews and actuals hang from them), marked by
-- retired_json. Existing plans get revision 1 when the store opens.
-- Keep in step with ../postgres/0005_revisions.sql.
ALTER TABLE nodes ADD COLUMN retired_json TEXT;
ALTER TABLE indicators ADD COLUMN retired_json TEXT;
CREATE TABLE plan_revisions (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    decided_on TEXT,
    applies_from INTEGER,
    reason TEXT,
    decided_by TEXT,
    document_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);
