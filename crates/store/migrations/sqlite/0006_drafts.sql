-- gyokaku schema 6, SQLite dialect: the office's draft revision of a
-- plan (one per plan): the whole structure as edited so far (JSON, as in
-- plan_revisions), the revision it started from, and a version that every
-- edit names (a stale edit is a conflict, never a silent overwrite).
-- Adopting the draft records it as the plan's next revision and removes it.
-- Keep in step with ../postgres/0006_drafts.sql.
CREATE TABLE plan_drafts (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    base_revision INTEGER NOT NULL,
    document_json TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
