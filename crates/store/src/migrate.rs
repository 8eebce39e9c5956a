//! Schema migrations, one folder per backend, applied in order, each in its
//! own transaction and recorded in `schema_migrations`.

use sqlx::{AnyPool, Row};

use crate::sql::Backend;
use crate::Result;

struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: include_str!("../migrations/sqlite/0001_plans.sql"),
        postgres: include_str!("../migrations/postgres/0001_plans.sql"),
    },
    Migration {
        version: 2,
        sqlite: include_str!("../migrations/sqlite/0002_cycle.sql"),
        postgres: include_str!("../migrations/postgres/0002_cycle.sql"),
    },
    Migration {
        version: 3,
        sqlite: include_str!("../migrations/sqlite/0003_revision.sql"),
        postgres: include_str!("../migrations/postgres/0003_revision.sql"),
    },
    Migration {
        version: 4,
        sqlite: include_str!("../migrations/sqlite/0004_printed.sql"),
        postgres: include_str!("../migrations/postgres/0004_printed.sql"),
    },
    Migration {
        version: 5,
        sqlite: include_str!("../migrations/sqlite/0005_revisions.sql"),
        postgres: include_str!("../migrations/postgres/0005_revisions.sql"),
    },
    Migration {
        version: 6,
        sqlite: include_str!("../migrations/sqlite/0006_drafts.sql"),
        postgres: include_str!("../migrations/postgres/0006_drafts.sql"),
    },
];

/// Splits a migration file into statements. Migration files keep each
/// statement ending in `;` at the end of a line and no `;` inside strings.
fn statements(sql: &str) -> impl Iterator<Item = String> + '_ {
    sql.split(";\n")
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| !s.trim().is_empty())
}

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
        .execute(pool)
        .await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<std::result::Result<_, _>>()?;
    for m in MIGRATIONS {
        if applied.contains(&m.version) {
            continue;
        }
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let mut tx = pool.begin().await?;
        for stmt in statements(sql) {
            sqlx::query(&stmt).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(m.version)
            .bind(crate::now_iso())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}
