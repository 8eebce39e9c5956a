-- gyokaku schema 2, PostgreSQL dialect: accounts, sessions, the yearly cycle and
-- its review thread. Keep in step with ../sqlite/0002_cycle.sql.
CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('office', 'editor', 'council', 'viewer')),
    active BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE user_departments (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    city_code TEXT NOT NULL,
    dept_key TEXT NOT NULL,
    PRIMARY KEY (user_id, city_code, dept_key)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure TEXT NOT NULL,
    locked_until TEXT
);

CREATE TABLE cycles (
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    fy BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    deadline TEXT,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    version BIGINT NOT NULL,
    PRIMARY KEY (plan_id, fy)
);

ALTER TABLE progress ADD COLUMN state TEXT NOT NULL DEFAULT 'accepted';

CREATE TABLE reviews (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    node_id BIGINT REFERENCES nodes(id) ON DELETE CASCADE,
    fy BIGINT NOT NULL,
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    author_role TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX reviews_plan ON reviews(plan_id, fy, node_id);
