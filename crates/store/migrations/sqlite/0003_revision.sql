-- gyokaku schema 3, SQLite dialect: a per-plan revision, bumped by every
-- change to a report or an actual, so that readers can cache what they
-- read until it changes. Keep in step with ../postgres/0003_revision.sql.
ALTER TABLE plans ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
