-- gyokaku schema 4, PostgreSQL dialect: what the plan prints beside a node's
-- number and where it marks a glossary term. Both are JSON text: a node's
-- numbers by named numbering ({"table": "(1)①"}), a term's marks
-- ([{"node": "1-2", "mark": "※"}]). Existing rows get the empty value.
-- Keep in step with ../sqlite/0004_printed.sql.
ALTER TABLE nodes ADD COLUMN numbers_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE glossary_terms ADD COLUMN marks_json TEXT NOT NULL DEFAULT '[]';
