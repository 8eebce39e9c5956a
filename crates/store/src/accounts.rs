//! Accounts, sessions and login throttling. Password hashes and session
//! tokens arrive already hashed: the store keeps them, it does no crypto.

use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use gyokaku_domain::Message;

use crate::sql::{audit_in, corrupt, Change, SqlStore, Tx};
use crate::{now_iso, DeptRef, Result, Role, StoreError};

/// A user as the application sees one (never with the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub departments: Vec<DeptRef>,
    pub version: i64,
}

impl User {
    /// The user as the workflow sees an actor.
    pub fn actor(&self) -> gyokaku_domain::Actor {
        gyokaku_domain::Actor {
            login: self.login.clone(),
            role: self.role,
            departments: self.departments.clone(),
        }
    }
}

/// A new account, with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub departments: Vec<DeptRef>,
}

/// A change to an account's role, name, state and departments.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub departments: Vec<DeptRef>,
}

/// A live session: its user and the CSRF token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: String,
}

fn user_json(u: &User) -> String {
    json!({
        "login": u.login,
        "display_name": u.display_name,
        "role": u.role.key(),
        "active": u.active,
        "departments": u.departments.iter().map(|d| format!("{}/{}", d.city, d.dept)).collect::<Vec<_>>(),
    })
    .to_string()
}

const USER_COLUMNS: &str = "id, login, display_name, role, active, version";

async fn user_from_row(tx: &mut Tx, r: &AnyRow) -> Result<User> {
    let id: i64 = r.try_get("id")?;
    let departments = sqlx::query(
        "SELECT city_code, dept_key FROM user_departments WHERE user_id = $1 ORDER BY city_code, dept_key",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|d| dept_ref(d.try_get(0)?, d.try_get(1)?))
    .collect::<Result<Vec<_>>>()?;
    user_of(r, departments)
}

fn dept_ref(city: String, dept: String) -> Result<DeptRef> {
    Ok(DeptRef {
        city: gyokaku_domain::LocalGovCode::parse(&city)
            .map_err(|_| corrupt(format!("city code {city}")))?,
        dept,
    })
}

/// A user from a row of `USER_COLUMNS`, with its departments.
fn user_of(r: &AnyRow, departments: Vec<DeptRef>) -> Result<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        login: r.try_get("login")?,
        display_name: r.try_get("display_name")?,
        role: Role::from_key(&role).ok_or_else(|| corrupt(format!("role {role}")))?,
        active: r.try_get::<i64, _>("active")? != 0,
        departments,
        version: r.try_get("version")?,
    })
}

async fn user_in(tx: &mut Tx, id: i64) -> Result<User> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {id}")))?;
    user_from_row(tx, &row).await
}

async fn set_departments(tx: &mut Tx, id: i64, departments: &[DeptRef]) -> Result<()> {
    sqlx::query("DELETE FROM user_departments WHERE user_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let mut seen = std::collections::BTreeSet::new();
    for d in departments.iter().filter(|d| seen.insert((*d).clone())) {
        sqlx::query(
            "INSERT INTO user_departments (user_id, city_code, dept_key) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(d.city.to_string())
        .bind(&d.dept)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

const NO_PLAN: (&str, &str) = ("", "");

impl SqlStore {
    pub async fn create_user(&self, new: &NewUser, actor: &str) -> Result<User> {
        let login = new.login.trim();
        if login.is_empty() || login.chars().any(char::is_whitespace) {
            return Err(StoreError::Invalid(Message::new(
                "ログインIDは空白を含まない文字列です",
                "a login is a string without spaces",
            )));
        }
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT id FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::AlreadyExists(format!("user {login}")));
        }
        let now = now_iso();
        let id: i64 = sqlx::query(
            "INSERT INTO users (login, display_name, password_hash, role, active, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, 1, $5, $5, 1) RETURNING id",
        )
        .bind(login)
        .bind(new.display_name.trim())
        .bind(&new.password_hash)
        .bind(new.role.key())
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        set_departments(&mut tx, id, &new.departments).await?;
        let user = user_in(&mut tx, id).await?;
        audit_in(
            &mut tx,
            actor,
            "create_user",
            NO_PLAN,
            Change {
                entity: "user",
                key: login,
                before: None,
                after: Some(user_json(&user)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes an account. `expected_version` guards against two admins
    /// editing the same account at once.
    pub async fn update_user(
        &self,
        id: i64,
        update: &UserUpdate,
        expected_version: i64,
        actor: &str,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let before = user_in(&mut tx, id).await?;
        if before.version != expected_version {
            return Err(StoreError::Conflict {
                expected: expected_version,
                current: before.version,
            });
        }
        sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, active = $3, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND version = $6",
        )
        .bind(update.display_name.trim())
        .bind(update.role.key())
        .bind(update.active as i64)
        .bind(now_iso())
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        set_departments(&mut tx, id, &update.departments).await?;
        if !update.active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let after = user_in(&mut tx, id).await?;
        audit_in(
            &mut tx,
            actor,
            "update_user",
            NO_PLAN,
            Change {
                entity: "user",
                key: &after.login,
                before: Some(user_json(&before)),
                after: Some(user_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Replaces a password hash and ends the user's other sessions
    /// (all of them when `keep_session` is `None`).
    pub async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let user = user_in(&mut tx, id).await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3")
            .bind(password_hash)
            .bind(now_iso())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        audit_in(
            &mut tx,
            actor,
            "set_password",
            NO_PLAN,
            Change {
                entity: "user",
                key: &user.login,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"))
            .fetch_all(&mut *tx)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(user_from_row(&mut tx, r).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    pub async fn user(&self, id: i64) -> Result<User> {
        let mut tx = self.pool.begin().await?;
        let user = user_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The account and its password hash, for logging in.
    pub async fn credentials(&self, login: &str) -> Result<Option<(User, String)>> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE login = $1"
        ))
        .bind(login)
        .fetch_optional(&mut *tx)
        .await?;
        let out = match row {
            Some(r) => Some((
                user_from_row(&mut tx, &r).await?,
                r.try_get("password_hash")?,
            )),
            None => None,
        };
        tx.commit().await?;
        Ok(out)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // Expired sessions are swept as new ones begin.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now_iso())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now_iso())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session for a token hash, if it is live and its user active.
    /// One statement (asked on every request): the session, its user and
    /// the user's departments, a row per department.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let rows = sqlx::query(
            "SELECT s.csrf_token, s.expires_at, u.id, u.login, u.display_name, u.role, u.active, u.version, \
             d.city_code, d.dept_key FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN user_departments d ON d.user_id = u.id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1 \
             ORDER BY d.city_code, d.dept_key",
        )
        .bind(token_hash)
        .bind(now_iso())
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let mut departments = Vec::new();
        for r in &rows {
            let city: Option<String> = r.try_get("city_code")?;
            let dept: Option<String> = r.try_get("dept_key")?;
            if let (Some(city), Some(dept)) = (city, dept) {
                departments.push(dept_ref(city, dept)?);
            }
        }
        Ok(Some(Session {
            user: user_of(first, departments)?,
            csrf_token: first.try_get("csrf_token")?,
            expires_at: first.try_get("expires_at")?,
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// When a login is locked after repeated failures, until when.
    pub async fn login_locked_until(&self, login: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT locked_until FROM login_failures WHERE login = $1 AND locked_until > $2",
        )
        .bind(login)
        .bind(now_iso())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Counts a failed login; after `limit` failures in a row the login is
    /// locked for `lock_secs`. Returns the failures counted so far.
    pub async fn record_login_failure(
        &self,
        login: &str,
        limit: i64,
        lock_secs: i64,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let now = now_iso();
        let failures: i64 = sqlx::query("SELECT failures FROM login_failures WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or(0)
            + 1;
        let locked = (failures >= limit).then(|| crate::clock::iso_in(lock_secs));
        sqlx::query("DELETE FROM login_failures WHERE login = $1")
            .bind(login)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_failures (login, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4)",
        )
        .bind(login)
        .bind(if locked.is_some() { 0 } else { failures })
        .bind(&now)
        .bind(locked)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(failures)
    }

    /// The newest changes across every plan and every account.
    pub async fn audit_log_all(&self, limit: i64) -> Result<Vec<crate::AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM audit_log ORDER BY id DESC LIMIT $1",
            crate::sql::AUDIT_COLUMNS
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(crate::sql::audit_from_row).collect()
    }

    pub async fn clear_login_failures(&self, login: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE login = $1")
            .bind(login)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
