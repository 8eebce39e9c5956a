-- gyokaku schema, SQLite dialect. Keep in step with ../postgres/0001_plans.sql:
-- the same tables and columns; only key generation and types differ.
CREATE TABLE local_governments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    prefecture TEXT NOT NULL
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_code TEXT NOT NULL REFERENCES local_governments(code),
    plan_key TEXT NOT NULL,
    title TEXT NOT NULL,
    draft INTEGER NOT NULL,
    period_from INTEGER,
    period_to INTEGER,
    header_json TEXT NOT NULL,
    organisation_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (city_code, plan_key)
);

CREATE TABLE status_levels (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    label_en TEXT,
    achieved INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, code)
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    dept_key TEXT NOT NULL,
    parent_id INTEGER REFERENCES departments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    abbreviation TEXT,
    kind TEXT NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    successor_key TEXT,
    note TEXT,
    UNIQUE (plan_id, dept_key)
);

CREATE TABLE nodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    node_key TEXT NOT NULL,
    parent_id INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    level_key TEXT NOT NULL,
    number INTEGER,
    title TEXT NOT NULL,
    title_en TEXT,
    body TEXT,
    sections_json TEXT NOT NULL,
    schedule_json TEXT NOT NULL,
    period_from INTEGER,
    period_to INTEGER,
    note TEXT,
    UNIQUE (plan_id, node_key)
);
CREATE INDEX nodes_parent ON nodes(parent_id);

CREATE TABLE node_departments (
    node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (node_id, department_id)
);
CREATE INDEX node_departments_dept ON node_departments(department_id);

CREATE TABLE node_tags (
    node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    axis_key TEXT NOT NULL,
    value_code TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (node_id, axis_key, value_code)
);

CREATE TABLE node_sdgs (
    node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    goal INTEGER NOT NULL CHECK (goal BETWEEN 1 AND 17),
    position INTEGER NOT NULL,
    PRIMARY KEY (node_id, goal)
);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    indicator_key TEXT NOT NULL,
    node_id INTEGER REFERENCES nodes(id) ON DELETE SET NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT,
    unit TEXT,
    source TEXT,
    cumulative INTEGER NOT NULL,
    challenge INTEGER NOT NULL,
    baseline_json TEXT,
    target_json TEXT,
    note TEXT,
    UNIQUE (plan_id, indicator_key)
);

CREATE TABLE indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    fy INTEGER NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    demo INTEGER NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (indicator_id, fy)
);

CREATE TABLE progress (
    node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    fy INTEGER NOT NULL,
    status_code TEXT,
    result TEXT,
    self_evaluation TEXT,
    direction TEXT,
    spending_cut_yen INTEGER,
    revenue_yen INTEGER,
    demo INTEGER NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (node_id, fy)
);

CREATE TABLE fiscal_ratios (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    lgcode TEXT NOT NULL,
    city_name TEXT NOT NULL,
    fy INTEGER NOT NULL,
    ratio TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT,
    PRIMARY KEY (plan_id, lgcode, fy, ratio)
);

CREATE TABLE glossary_terms (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    term TEXT NOT NULL,
    reading TEXT,
    description TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (plan_id, term)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    city_code TEXT NOT NULL,
    plan_key TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_plan ON audit_log(city_code, plan_key, id);
