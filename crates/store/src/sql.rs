//! `SqlStore`: the `Store` on SQLite or PostgreSQL through sqlx's `Any`
//! driver. SQL here is plain and parameterised (`$1` works on both).

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};

use gyokaku_domain::{
    AxisKind, AxisMark, Baseline, Decimal, Department, DepartmentKind, Direction,
    FiscalObservation, FiscalRatio, FiscalYear, GlossaryTerm, Indicator, IndicatorKind,
    IndicatorValue, LocalGovCode, Message, Node, Organisation, Period, PlanDate, PlanDocument,
    PlanHeader, Progress, RatioValue, StatusLevel, Target, Yen,
};

use crate::ReportState;
use crate::{
    now_iso, AuditEntry, OnExisting, PlanListing, PlanRef, Result, StoreError, StoredProgress,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

pub(crate) type Tx = Transaction<'static, Any>;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(crate) fn fy_of(v: i64) -> Result<FiscalYear> {
    FiscalYear::new(v as i32).map_err(corrupt)
}

fn opt_date(v: Option<String>) -> Result<Option<PlanDate>> {
    v.map(|s| PlanDate::parse(&s).map_err(corrupt)).transpose()
}

pub(crate) fn enum_key<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn enum_from<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(corrupt)
}

impl SqlStore {
    /// Connects to `sqlite://PATH` (created if missing) or
    /// `postgres://USER@HOST/DB`, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            let url = if rest.contains("mode=") || rest.contains(":memory:") {
                url.to_string()
            } else if rest.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .connect(&url)
            .await?;
        crate::migrate::run(&pool, backend).await?;
        let store = SqlStore { pool, backend };
        crate::revisions::backfill(&store).await?;
        Ok(store)
    }

    /// A transaction that will write. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so that two writers queue on the busy
    /// timeout instead of one failing with "database is locked" when it
    /// upgrades a read to a write; PostgreSQL's row locks need nothing more.
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A read-only transaction whose reads all see one moment: SQLite's
    /// read transaction does; PostgreSQL needs REPEATABLE READ (its default
    /// gives each statement a fresh snapshot).
    pub(crate) async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) async fn plan_id(&self, tx: &mut Tx, plan: &PlanRef) -> Result<i64> {
        sqlx::query("SELECT id FROM plans WHERE city_code = $1 AND plan_key = $2")
            .bind(plan.city.to_string())
            .bind(&plan.plan)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("plan {}/{}", plan.city, plan.plan)))
    }
}

/// Rebuilds a tree from rows grouped by parent id, keeping their order.
fn build_tree<T>(
    parent: Option<i64>,
    by_parent: &mut BTreeMap<Option<i64>, Vec<(i64, T)>>,
    attach: fn(&mut T, Vec<T>),
) -> Vec<T> {
    let list = by_parent.remove(&parent).unwrap_or_default();
    list.into_iter()
        .map(|(id, mut item)| {
            let children = build_tree(Some(id), by_parent, attach);
            attach(&mut item, children);
            item
        })
        .collect()
}

/// What changed, for the audit log.
pub(crate) struct Change<'a> {
    pub entity: &'a str,
    pub key: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Audits a change to a plan and moves the plan's revision with it: every
/// audited change (a report, an actual, a cycle, an opinion, a
/// publication) is one that readers caching by revision must see.
pub(crate) async fn audit(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    plan: &PlanRef,
    change: Change<'_>,
) -> Result<()> {
    let city = plan.city.to_string();
    sqlx::query("UPDATE plans SET revision = revision + 1 WHERE city_code = $1 AND plan_key = $2")
        .bind(&city)
        .bind(&plan.plan)
        .execute(&mut **tx)
        .await?;
    audit_in(tx, actor, action, (&city, &plan.plan), change).await
}

/// Writes an audit record in a scope: a plan (city code, plan key), or
/// `("", "")` for what belongs to no plan (accounts).
pub(crate) async fn audit_in(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    (city, plan_key): (&str, &str),
    change: Change<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, city_code, plan_key, entity, entity_key, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_iso())
    .bind(actor)
    .bind(action)
    .bind(city)
    .bind(plan_key)
    .bind(change.entity)
    .bind(change.key)
    .bind(change.before)
    .bind(change.after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) const AUDIT_COLUMNS: &str =
    "id, at, city_code, plan_key, actor, action, entity, entity_key, before_json, after_json";

pub(crate) fn audit_from_row(r: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        city: r.try_get("city_code")?,
        plan: r.try_get("plan_key")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        entity: r.try_get("entity")?,
        entity_key: r.try_get("entity_key")?,
        before: r.try_get("before_json")?,
        after: r.try_get("after_json")?,
    })
}

pub(crate) async fn insert_returning_id<'q>(
    tx: &mut Tx,
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
) -> Result<i64> {
    Ok(q.fetch_one(&mut **tx).await?.try_get::<i64, _>(0)?)
}

fn progress_json(p: &Progress, state: ReportState) -> String {
    json!({
        "state": state.key(),
        "node": p.node,
        "fy": p.fy.year(),
        "status": p.status,
        "result": p.result,
        "self_evaluation": p.self_evaluation,
        "direction": p.direction.map(|d| d.ja()),
        "spending_cut_yen": p.spending_cut.map(|y| y.0),
        "revenue_yen": p.revenue.map(|y| y.0),
        "demo": p.demo,
    })
    .to_string()
}

pub(crate) async fn insert_progress(
    tx: &mut Tx,
    node_id: i64,
    p: &Progress,
    state: ReportState,
    actor: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO progress (node_id, fy, status_code, result, self_evaluation, direction, spending_cut_yen, revenue_yen, demo, version, updated_at, updated_by, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12)",
    )
    .bind(node_id)
    .bind(p.fy.year() as i64)
    .bind(p.status.clone())
    .bind(p.result.clone())
    .bind(p.self_evaluation.clone())
    .bind(p.direction.map(|d| d.ja().to_string()))
    .bind(p.spending_cut.map(|y| y.0))
    .bind(p.revenue.map(|y| y.0))
    .bind(p.demo as i64)
    .bind(now_iso())
    .bind(actor)
    .bind(state.key())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn progress_from_row(r: &AnyRow) -> Result<Progress> {
    let direction: Option<String> = r.try_get("direction")?;
    Ok(Progress {
        node: r.try_get("node_key")?,
        fy: fy_of(r.try_get("fy")?)?,
        status: r.try_get("status_code")?,
        result: r.try_get("result")?,
        self_evaluation: r.try_get("self_evaluation")?,
        direction: direction
            .map(|d| Direction::parse(&d).ok_or_else(|| corrupt(format!("direction {d}"))))
            .transpose()?,
        spending_cut: r.try_get::<Option<i64>, _>("spending_cut_yen")?.map(Yen),
        revenue: r.try_get::<Option<i64>, _>("revenue_yen")?.map(Yen),
        demo: r.try_get::<i64, _>("demo")? != 0,
    })
}

pub(crate) const PROGRESS_COLUMNS: &str =
    "n.node_key, p.fy, p.status_code, p.result, p.self_evaluation, p.direction, \
     p.spending_cut_yen, p.revenue_yen, p.demo, p.version, p.updated_at, p.updated_by, p.state";

pub(crate) fn stored_progress_from_row(r: &AnyRow) -> Result<StoredProgress> {
    let state: String = r.try_get("state")?;
    Ok(StoredProgress {
        progress: progress_from_row(r)?,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by")?,
        state: ReportState::from_key(&state)
            .ok_or_else(|| corrupt(format!("item state {state}")))?,
    })
}

/// Marks a plan's reports or actuals as changed (see `plan_stamp`).
pub(crate) async fn bump_revision(tx: &mut Tx, plan_id: i64) -> Result<()> {
    sqlx::query("UPDATE plans SET revision = revision + 1 WHERE id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes one item's progress for a year in `tx`, checking the version the
/// edit was based on, and audits it. Returns the new version.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_progress(
    tx: &mut Tx,
    plan: &PlanRef,
    plan_id: i64,
    progress: &Progress,
    expected_version: Option<i64>,
    state: ReportState,
    action: &str,
    actor: &str,
) -> Result<i64> {
    let node_id: i64 = sqlx::query("SELECT id FROM nodes WHERE plan_id = $1 AND node_key = $2")
        .bind(plan_id)
        .bind(&progress.node)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("item {}", progress.node)))?;
    if let Some(code) = &progress.status {
        let known = sqlx::query("SELECT code FROM status_levels WHERE plan_id = $1 AND code = $2")
            .bind(plan_id)
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::Invalid(Message::new(
                format!("「{code}」はこの計画の評価区分にありません"),
                format!("'{code}' is not on this plan's status scale"),
            )));
        }
    }
    let current = sqlx::query(&format!(
        "SELECT {PROGRESS_COLUMNS} FROM progress p JOIN nodes n ON n.id = p.node_id WHERE p.node_id = $1 AND p.fy = $2"
    ))
    .bind(node_id)
    .bind(progress.fy.year() as i64)
    .fetch_optional(&mut **tx)
    .await?;
    let key = format!("{}/{}", progress.node, progress.fy.year());
    let after = Some(progress_json(progress, state));
    bump_revision(tx, plan_id).await?;
    let new_version = match (current, expected_version) {
        (None, None) => {
            insert_progress(tx, node_id, progress, state, actor)
                .await
                .map_err(|e| match e {
                    // Another writer inserted the first report meanwhile.
                    StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                        StoreError::Conflict {
                            expected: 0,
                            current: 1,
                        }
                    }
                    other => other,
                })?;
            audit(
                tx,
                actor,
                action,
                plan,
                Change {
                    entity: "progress",
                    key: &key,
                    before: None,
                    after,
                },
            )
            .await?;
            1
        }
        (None, Some(v)) => {
            return Err(StoreError::Conflict {
                expected: v,
                current: 0,
            })
        }
        (Some(row), expected) => {
            let before = stored_progress_from_row(&row)?;
            let version = before.version;
            if expected != Some(version) {
                return Err(StoreError::Conflict {
                    expected: expected.unwrap_or(0),
                    current: version,
                });
            }
            let done = sqlx::query(
                "UPDATE progress SET status_code = $1, result = $2, self_evaluation = $3, direction = $4, spending_cut_yen = $5, \
                 revenue_yen = $6, demo = $7, version = $8, updated_at = $9, updated_by = $10, state = $11 \
                 WHERE node_id = $12 AND fy = $13 AND version = $14",
            )
            .bind(progress.status.clone())
            .bind(progress.result.clone())
            .bind(progress.self_evaluation.clone())
            .bind(progress.direction.map(|d| d.ja().to_string()))
            .bind(progress.spending_cut.map(|y| y.0))
            .bind(progress.revenue.map(|y| y.0))
            .bind(progress.demo as i64)
            .bind(version + 1)
            .bind(now_iso())
            .bind(actor)
            .bind(state.key())
            .bind(node_id)
            .bind(progress.fy.year() as i64)
            .bind(version)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict {
                    expected: version,
                    current: version + 1,
                });
            }
            audit(
                tx,
                actor,
                action,
                plan,
                Change {
                    entity: "progress",
                    key: &key,
                    before: Some(progress_json(&before.progress, before.state)),
                    after,
                },
            )
            .await?;
            version + 1
        }
    };
    Ok(new_version)
}

/// The columns `indicator_value_from_row` reads, in its order (`v` the
/// actual, `i` its indicator).
pub(crate) const VALUE_COLUMNS: &str = "i.indicator_key, v.fy, v.value, v.note, v.demo";

/// An indicator actual from a row starting with `VALUE_COLUMNS`.
pub(crate) fn indicator_value_from_row(r: &AnyRow) -> Result<IndicatorValue> {
    Ok(IndicatorValue {
        indicator: r.try_get(0)?,
        fy: fy_of(r.try_get(1)?)?,
        value: Decimal::parse(&r.try_get::<String, _>(2)?).map_err(corrupt)?,
        note: r.try_get(3)?,
        demo: r.try_get::<i64, _>(4)? != 0,
    })
}

/// What of a plan's yearly work a replacing import would destroy.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WorkflowHistory {
    pub cycles: i64,
    pub reviews: i64,
    /// Reports in a state other than accepted (draft, submitted, returned).
    pub open_reports: i64,
    /// Records stored for the plan that the new folder does not carry: a
    /// year's report, an indicator actual, a fiscal ratio (entered or
    /// imported after the plan was).
    pub dropped: i64,
}

impl WorkflowHistory {
    pub fn is_empty(&self) -> bool {
        *self == WorkflowHistory::default()
    }

    fn refusal(&self, code: &str, plan: &str) -> Message {
        Message::new(
            format!(
                "計画 {code}/{plan} には年度の作業記録があります（年度サイクル {} 件、確認・意見 {} 件、未確定の報告 {} 件、取り込むフォルダにない報告・実績・財政指標 {} 件）。置き換えるとこれらが失われるため取り込みません。記録を捨てて置き換える場合は --replace --discard-history を指定してください（先にバックアップを書き出します）",
                self.cycles, self.reviews, self.open_reports, self.dropped
            ),
            format!(
                "plan {code}/{plan} has yearly work on record ({} cycles, {} reviews and opinions, {} reports not yet accepted, {} reports, actuals and fiscal ratios the folder does not carry); replacing it would lose them, so nothing was imported. To discard that history and replace the plan, give --replace --discard-history (a backup is written first)",
                self.cycles, self.reviews, self.open_reports, self.dropped
            ),
        )
    }
}

/// Counts inside the caller's transaction what replacing a plan with
/// `new` would destroy.
pub(crate) async fn workflow_history(
    tx: &mut Tx,
    plan_id: i64,
    new: &PlanDocument,
) -> Result<WorkflowHistory> {
    let stored = export_in(tx, plan_id).await?;
    let missing = |stored: Vec<String>, kept: Vec<String>| -> i64 {
        let kept: std::collections::HashSet<String> = kept.into_iter().collect();
        stored.iter().filter(|k| !kept.contains(*k)).count() as i64
    };
    let reports = |d: &PlanDocument| {
        d.progress
            .iter()
            .map(|g| format!("{}/{}", g.node, g.fy.year()))
            .collect()
    };
    let actuals = |d: &PlanDocument| {
        d.indicator_values
            .iter()
            .map(|v| format!("{}/{}", v.indicator, v.fy.year()))
            .collect()
    };
    let ratios = |d: &PlanDocument| {
        d.fiscal
            .iter()
            .map(|o| format!("{}/{}/{}", o.lgcode, o.fy.year(), o.ratio.key()))
            .collect()
    };
    let dropped = missing(reports(&stored), reports(new))
        + missing(actuals(&stored), actuals(new))
        + missing(ratios(&stored), ratios(new));
    let count = |sql: &'static str| sqlx::query(sql).bind(plan_id);
    let one = |r: AnyRow| r.try_get::<i64, _>(0);
    Ok(WorkflowHistory {
        dropped,
        cycles: one(count("SELECT COUNT(*) FROM cycles WHERE plan_id = $1")
            .fetch_one(&mut **tx)
            .await?)?,
        reviews: one(count("SELECT COUNT(*) FROM reviews WHERE plan_id = $1")
            .fetch_one(&mut **tx)
            .await?)?,
        open_reports: one(count(
            "SELECT COUNT(*) FROM progress g JOIN nodes n ON n.id = g.node_id \
                 WHERE n.plan_id = $1 AND g.state <> 'accepted'",
        )
        .fetch_one(&mut **tx)
        .await?)?,
    })
}

/// A whole plan as stored, read inside a transaction the caller owns.
pub(crate) async fn export_in(tx: &mut Tx, plan_id: i64) -> Result<PlanDocument> {
    let row = sqlx::query("SELECT header_json, organisation_json FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_one(&mut **tx)
        .await?;
    let mut header: PlanHeader =
        serde_json::from_str(&row.try_get::<String, _>(0)?).map_err(corrupt)?;
    let mut organisation: Organisation =
        serde_json::from_str(&row.try_get::<String, _>(1)?).map_err(corrupt)?;

    header.status_scale = sqlx::query("SELECT code, label, label_en, achieved FROM status_levels WHERE plan_id = $1 ORDER BY position")
        .bind(plan_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| -> Result<StatusLevel> {
            Ok(StatusLevel {
                code: r.try_get(0)?,
                label: r.try_get(1)?,
                label_en: r.try_get(2)?,
                achieved: r.try_get::<i64, _>(3)? != 0,
            })
        })
        .collect::<Result<_>>()?;

    // Departments: rebuild the tree from parent links, keeping order.
    let rows = sqlx::query(
        "SELECT id, parent_id, dept_key, name, abbreviation, kind, valid_from, valid_to, successor_key, note \
         FROM departments WHERE plan_id = $1 ORDER BY position",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut dept_children: BTreeMap<Option<i64>, Vec<(i64, Department)>> = BTreeMap::new();
    let mut dept_keys: HashMap<i64, String> = HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let d = Department {
            id: r.try_get(2)?,
            name: r.try_get(3)?,
            abbreviation: r.try_get(4)?,
            kind: enum_from::<DepartmentKind>(&r.try_get::<String, _>(5)?)?,
            valid_from: opt_date(r.try_get(6)?)?,
            valid_to: opt_date(r.try_get(7)?)?,
            successor: r.try_get(8)?,
            note: r.try_get(9)?,
            children: Vec::new(),
        };
        dept_keys.insert(id, d.id.clone());
        dept_children
            .entry(r.try_get(1)?)
            .or_default()
            .push((id, d));
    }
    organisation.departments = build_tree(None, &mut dept_children, |d, c| d.children = c);

    // Node links.
    let mut node_depts: HashMap<i64, Vec<String>> = HashMap::new();
    for r in sqlx::query(
        "SELECT nd.node_id, nd.department_id FROM node_departments nd JOIN nodes n ON n.id = nd.node_id \
         WHERE n.plan_id = $1 ORDER BY nd.node_id, nd.position",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    {
        let dept: i64 = r.try_get(1)?;
        let key = dept_keys.get(&dept).cloned().ok_or_else(|| corrupt("node department"))?;
        node_depts.entry(r.try_get(0)?).or_default().push(key);
    }
    let flag_axes: Vec<&str> = header
        .axes
        .iter()
        .filter(|a| a.kind == AxisKind::Flag)
        .map(|a| a.key.as_str())
        .collect();
    let mut node_tags: HashMap<i64, BTreeMap<String, AxisMark>> = HashMap::new();
    for r in sqlx::query(
        "SELECT t.node_id, t.axis_key, t.value_code FROM node_tags t JOIN nodes n ON n.id = t.node_id \
         WHERE n.plan_id = $1 ORDER BY t.node_id, t.axis_key, t.position",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    {
        let axis: String = r.try_get(1)?;
        let code: String = r.try_get(2)?;
        let entry = node_tags.entry(r.try_get(0)?).or_default();
        if flag_axes.contains(&axis.as_str()) {
            entry.insert(axis, AxisMark::Flag(code == "true"));
        } else if let AxisMark::Codes(list) = entry.entry(axis).or_insert_with(|| AxisMark::Codes(Vec::new())) {
            list.push(code);
        }
    }
    let mut node_sdgs: HashMap<i64, Vec<u8>> = HashMap::new();
    for r in sqlx::query(
        "SELECT s.node_id, s.goal FROM node_sdgs s JOIN nodes n ON n.id = s.node_id WHERE n.plan_id = $1 ORDER BY s.node_id, s.position",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    {
        node_sdgs.entry(r.try_get(0)?).or_default().push(r.try_get::<i64, _>(1)? as u8);
    }

    let rows = sqlx::query(
        "SELECT id, parent_id, node_key, level_key, number, title, title_en, body, sections_json, schedule_json, period_from, period_to, note, numbers_json, retired_json \
         FROM nodes WHERE plan_id = $1 ORDER BY position",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut node_children: BTreeMap<Option<i64>, Vec<(i64, Node)>> = BTreeMap::new();
    let mut node_keys: HashMap<i64, String> = HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let period = match (
            r.try_get::<Option<i64>, _>(10)?,
            r.try_get::<Option<i64>, _>(11)?,
        ) {
            (Some(f), Some(t)) => Some(Period {
                from: fy_of(f)?,
                to: fy_of(t)?,
            }),
            _ => None,
        };
        let n = Node {
            id: r.try_get(2)?,
            level: r.try_get(3)?,
            number: r.try_get::<Option<i64>, _>(4)?.map(|v| v as u32),
            numbers: serde_json::from_str(&r.try_get::<String, _>(13)?).map_err(corrupt)?,
            title: r.try_get(5)?,
            title_en: r.try_get(6)?,
            body: r.try_get(7)?,
            sections: serde_json::from_str(&r.try_get::<String, _>(8)?).map_err(corrupt)?,
            departments: node_depts.remove(&id).unwrap_or_default(),
            axes: node_tags.remove(&id).unwrap_or_default(),
            sdgs: node_sdgs.remove(&id).unwrap_or_default(),
            period,
            schedule: serde_json::from_str(&r.try_get::<String, _>(9)?).map_err(corrupt)?,
            note: r.try_get(12)?,
            retired: r
                .try_get::<Option<String>, _>(14)?
                .map(|j| serde_json::from_str(&j))
                .transpose()
                .map_err(corrupt)?,
            children: Vec::new(),
        };
        node_keys.insert(id, n.id.clone());
        node_children
            .entry(r.try_get(1)?)
            .or_default()
            .push((id, n));
    }
    let nodes = build_tree(None, &mut node_children, |n, c| n.children = c);

    let indicators = sqlx::query(
        "SELECT indicator_key, node_id, kind, name, definition, unit, source, cumulative, challenge, baseline_json, target_json, note, retired_json \
         FROM indicators WHERE plan_id = $1 ORDER BY position",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| -> Result<Indicator> {
        let kind: String = r.try_get(2)?;
        let baseline: Option<String> = r.try_get(9)?;
        let target: Option<String> = r.try_get(10)?;
        Ok(Indicator {
            id: r.try_get(0)?,
            node: r.try_get::<Option<i64>, _>(1)?.and_then(|id| node_keys.get(&id).cloned()),
            kind: IndicatorKind::from_key(&kind).ok_or_else(|| corrupt(format!("indicator kind {kind}")))?,
            name: r.try_get(3)?,
            definition: r.try_get(4)?,
            unit: r.try_get(5)?,
            source: r.try_get(6)?,
            cumulative: r.try_get::<i64, _>(7)? != 0,
            challenge: r.try_get::<i64, _>(8)? != 0,
            baseline: baseline.map(|b| serde_json::from_str::<Baseline>(&b)).transpose().map_err(corrupt)?,
            target: target.map(|t| serde_json::from_str::<Target>(&t)).transpose().map_err(corrupt)?,
            note: r.try_get(11)?,
            retired: r
                .try_get::<Option<String>, _>(12)?
                .map(|j| serde_json::from_str(&j))
                .transpose()
                .map_err(corrupt)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;

    let indicator_values = sqlx::query(
        &format!("SELECT {VALUE_COLUMNS} FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id \
         WHERE i.plan_id = $1 ORDER BY i.position, v.fy"),
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(indicator_value_from_row)
    .collect::<Result<Vec<_>>>()?;

    let progress = sqlx::query(&format!(
        "SELECT {PROGRESS_COLUMNS} FROM progress p JOIN nodes n ON n.id = p.node_id WHERE n.plan_id = $1 ORDER BY n.position, p.fy"
    ))
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(progress_from_row)
    .collect::<Result<Vec<_>>>()?;

    let fiscal = sqlx::query(
        "SELECT lgcode, city_name, fy, ratio, value, source FROM fiscal_ratios WHERE plan_id = $1 ORDER BY lgcode, fy, ratio",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| -> Result<FiscalObservation> {
        let ratio: String = r.try_get(3)?;
        let value: String = r.try_get(4)?;
        Ok(FiscalObservation {
            lgcode: LocalGovCode::parse(&r.try_get::<String, _>(0)?).map_err(corrupt)?,
            city: r.try_get(1)?,
            fy: fy_of(r.try_get(2)?)?,
            ratio: FiscalRatio::from_key(&ratio).ok_or_else(|| corrupt(format!("ratio {ratio}")))?,
            value: RatioValue::parse(&value).ok_or_else(|| corrupt(format!("ratio value {value}")))?,
            source: r.try_get(5)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;

    let glossary = sqlx::query("SELECT term, reading, description, note, marks_json FROM glossary_terms WHERE plan_id = $1 ORDER BY position")
        .bind(plan_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| -> Result<GlossaryTerm> {
            Ok(GlossaryTerm {
                term: r.try_get(0)?,
                reading: r.try_get(1)?,
                description: r.try_get(2)?,
                marks: serde_json::from_str(&r.try_get::<String, _>(4)?).map_err(corrupt)?,
                note: r.try_get(3)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PlanDocument {
        header,
        organisation,
        nodes,
        indicators,
        glossary,
        fiscal,
        progress,
        indicator_values,
    })
}

/// Plans whole, their listing and single records: the use cases the
/// import, export and the CLI start from (the yearly cycle, accounts and
/// pages are in their own modules).
impl SqlStore {
    pub async fn import_plan(
        &self,
        doc: &PlanDocument,
        on_existing: OnExisting,
        actor: &str,
    ) -> Result<PlanRef> {
        let h = &doc.header;
        let plan_ref = PlanRef {
            city: h.city.code,
            plan: h.plan.id.clone(),
        };
        let code = h.city.code.to_string();
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query("SELECT id FROM plans WHERE city_code = $1 AND plan_key = $2")
            .bind(&code)
            .bind(&h.plan.id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            match on_existing {
                OnExisting::Refuse => {
                    return Err(StoreError::AlreadyExists(format!(
                        "plan {code}/{}",
                        h.plan.id
                    )));
                }
                OnExisting::Replace | OnExisting::DiscardHistory => {
                    let id: i64 = row.try_get(0)?;
                    if on_existing == OnExisting::Replace {
                        let history = workflow_history(&mut tx, id, doc).await?;
                        if !history.is_empty() {
                            return Err(StoreError::Invalid(history.refusal(&code, &h.plan.id)));
                        }
                    }
                    sqlx::query("DELETE FROM plans WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        sqlx::query(
            "INSERT INTO local_governments (code, name, prefecture) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, prefecture = excluded.prefecture",
        )
        .bind(&code)
        .bind(&h.city.name)
        .bind(&h.city.prefecture)
        .execute(&mut *tx)
        .await?;

        let plan_id = insert_returning_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO plans (city_code, plan_key, title, draft, header_json, organisation_json, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, '{}', '{}', $5, $5) RETURNING id",
            )
            .bind(&code)
            .bind(&h.plan.id)
            .bind(&h.plan.title)
            .bind(h.plan.draft as i64)
            .bind(now_iso()),
        )
        .await?;
        crate::revisions::write_structure(&mut tx, plan_id, doc).await?;
        crate::revisions::add_records(&mut tx, plan_id, doc, actor).await?;
        crate::revisions::insert_revision(
            &mut tx,
            plan_id,
            1,
            &gyokaku_domain::revision::first_entry(doc),
            doc,
            actor,
        )
        .await?;
        let summary = json!({"title": h.plan.title, "rows": doc.count_rows()}).to_string();
        let action = match on_existing {
            OnExisting::Refuse => "import_plan",
            OnExisting::Replace => "import_plan_replace",
            OnExisting::DiscardHistory => "import_plan_discard_history",
        };
        let change = Change {
            entity: "plan",
            key: &h.plan.id,
            before: None,
            after: Some(summary),
        };
        audit(&mut tx, actor, action, &plan_ref, change).await?;
        tx.commit().await?;
        Ok(plan_ref)
    }

    pub async fn export_plan(&self, plan: &PlanRef) -> Result<PlanDocument> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let doc = export_in(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(doc)
    }

    pub async fn list_plans(&self) -> Result<Vec<PlanListing>> {
        let mut tx = self.pool.begin().await?;
        // Items are the nodes at the plan's item level (plan-format.md,
        // "Items"): counted from each plan's levels and its nodes per level.
        let mut per_level: std::collections::HashMap<i64, Vec<(String, i64)>> =
            std::collections::HashMap::new();
        for r in sqlx::query(
            "SELECT plan_id, level_key, COUNT(*) FROM nodes GROUP BY plan_id, level_key",
        )
        .fetch_all(&mut *tx)
        .await?
        {
            per_level
                .entry(r.try_get(0)?)
                .or_default()
                .push((r.try_get(1)?, r.try_get(2)?));
        }
        let rows = sqlx::query(
            "SELECT p.id, p.city_code, g.name, p.plan_key, p.title, p.draft, p.period_from, p.period_to, p.header_json \
             FROM plans p JOIN local_governments g ON g.code = p.city_code ORDER BY p.city_code, p.plan_key",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| -> Result<PlanListing> {
                let period = match (
                    r.try_get::<Option<i64>, _>(6)?,
                    r.try_get::<Option<i64>, _>(7)?,
                ) {
                    (Some(f), Some(t)) => Some((f as i32, t as i32)),
                    _ => None,
                };
                let header: PlanHeader =
                    serde_json::from_str(&r.try_get::<String, _>(8)?).map_err(corrupt)?;
                let counts = per_level
                    .get(&r.try_get::<i64, _>(0)?)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let level = gyokaku_domain::state::item_level_by(&header.levels, |key| {
                    counts.iter().any(|(k, _)| k == key)
                });
                let items = level
                    .and_then(|l| counts.iter().find(|(k, _)| *k == l.key))
                    .map_or(0, |(_, n)| *n);
                Ok(PlanListing {
                    city_code: r.try_get(1)?,
                    city_name: r.try_get(2)?,
                    plan_id: r.try_get(3)?,
                    title: r.try_get(4)?,
                    draft: r.try_get::<i64, _>(5)? != 0,
                    period,
                    items,
                })
            })
            .collect()
    }

    pub async fn record_progress(
        &self,
        plan: &PlanRef,
        progress: &Progress,
        expected_version: Option<i64>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let version = write_progress(
            &mut tx,
            plan,
            plan_id,
            progress,
            expected_version,
            ReportState::Accepted,
            "record_progress",
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    pub async fn progress(
        &self,
        plan: &PlanRef,
        node: &str,
        fy: FiscalYear,
    ) -> Result<Option<StoredProgress>> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let row = sqlx::query(&format!(
            "SELECT {PROGRESS_COLUMNS} FROM progress p JOIN nodes n ON n.id = p.node_id WHERE n.plan_id = $1 AND n.node_key = $2 AND p.fy = $3"
        ))
        .bind(plan_id)
        .bind(node)
        .bind(fy.year() as i64)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.as_ref().map(stored_progress_from_row).transpose()
    }

    pub async fn audit_log(&self, plan: &PlanRef, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE city_code = $1 AND plan_key = $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(plan.city.to_string())
        .bind(&plan.plan)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from_row).collect()
    }
}
