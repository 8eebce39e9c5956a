//! What the CLI test stories share: running the binary against a
//! database, and a fresh PostgreSQL database where one is configured.
#![allow(dead_code)]

use std::process::Command;

pub fn run(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gyokaku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

pub fn ok(db: &str, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "gyokaku {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn refused(db: &str, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(!out.status.success(), "gyokaku {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// A fresh database on the PostgreSQL server of GYOKAKU_TEST_POSTGRES_URL,
/// or None where it is not set (and not required).
pub async fn postgres_db(tag: &str) -> Option<String> {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("GYOKAKU_TEST_POSTGRES_URL") else {
        if std::env::var("GYOKAKU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("GYOKAKU_REQUIRE_POSTGRES=1 but GYOKAKU_TEST_POSTGRES_URL is not set");
        }
        eprintln!("SKIPPED on PostgreSQL: set GYOKAKU_TEST_POSTGRES_URL (scripts/test does)");
        return None;
    };
    let name = format!("gyokaku_{tag}_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    Some(format!("{base}/{name}"))
}
