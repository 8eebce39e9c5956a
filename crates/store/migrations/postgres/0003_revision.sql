-- gyokaku schema 3, PostgreSQL dialect: per-plan revisions, so that readers can
-- cache what they read until it changes: `revision` grows with every change
-- to a report or an actual, `structure_revision` with every change to the
-- plan's content after its import (e.g. a peer table of fiscal ratios).
-- Keep in step with ../sqlite/0003_revision.sql.
ALTER TABLE plans ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN structure_revision BIGINT NOT NULL DEFAULT 0;
