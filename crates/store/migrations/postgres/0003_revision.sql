-- gyokaku schema 3, PostgreSQL dialect: a per-plan revision, bumped by every
-- change to a report or an actual, so that readers can cache what they
-- read until it changes. Keep in step with ../sqlite/0003_revision.sql.
ALTER TABLE plans ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
