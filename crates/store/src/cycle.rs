//! The yearly cycle (PDCA): the office opens a fiscal year for reporting,
//! departments fill and submit their items, the office accepts or returns
//! them, the council gives opinions, and the office closes the year.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use gyokaku_domain::workflow::{may_opine, transition};
use gyokaku_domain::{
    Action, Actor, Coverage, FiscalYear, IndicatorValue, LocalGovCode, Message, Progress, Refusal,
    Role, Situation,
};

use crate::sql::{
    audit, corrupt, fy_of, stored_progress_from_row, write_progress, Change, SqlStore, Tx,
    PROGRESS_COLUMNS,
};
use crate::{now_iso, PlanRef, Result, StoreError, StoredProgress};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleState {
    Open,
    Closed,
}

/// A plan's reporting cycle for one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cycle {
    pub fy: FiscalYear,
    pub state: CycleState,
    /// 提出期限, `YYYY-MM-DD`.
    pub deadline: Option<String>,
    pub opened_at: String,
    pub opened_by: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub version: i64,
}

/// What a review-thread entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    Submit,
    Return,
    Accept,
    Opinion,
}

impl ReviewKind {
    pub fn key(self) -> &'static str {
        match self {
            ReviewKind::Submit => "submit",
            ReviewKind::Return => "return",
            ReviewKind::Accept => "accept",
            ReviewKind::Opinion => "opinion",
        }
    }
    fn from_key(s: &str) -> Option<ReviewKind> {
        [
            ReviewKind::Submit,
            ReviewKind::Return,
            ReviewKind::Accept,
            ReviewKind::Opinion,
        ]
        .into_iter()
        .find(|k| k.key() == s)
    }
}

/// One entry of an item's (or the plan's) review thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewEntry {
    pub id: i64,
    /// `None` for an opinion on the whole plan.
    pub node: Option<String>,
    pub fy: FiscalYear,
    pub kind: ReviewKind,
    pub author: String,
    pub author_role: String,
    pub body: String,
    pub created_at: String,
}

/// A department's edit of one item for one year: the report and the
/// actuals of the item's indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemEdit {
    pub progress: Progress,
    pub indicator_values: Vec<IndicatorValue>,
}

async fn cycle_in(tx: &mut Tx, plan_id: i64, fy: FiscalYear) -> Result<Option<Cycle>> {
    let row = sqlx::query(
        "SELECT fy, state, deadline, opened_at, opened_by, closed_at, closed_by, version FROM cycles WHERE plan_id = $1 AND fy = $2",
    )
    .bind(plan_id)
    .bind(fy.year() as i64)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(cycle_from_row).transpose()
}

fn cycle_from_row(r: &sqlx::any::AnyRow) -> Result<Cycle> {
    let state: String = r.try_get(1)?;
    Ok(Cycle {
        fy: fy_of(r.try_get(0)?)?,
        state: match state.as_str() {
            "open" => CycleState::Open,
            "closed" => CycleState::Closed,
            other => return Err(corrupt(format!("cycle state {other}"))),
        },
        deadline: r.try_get(2)?,
        opened_at: r.try_get(3)?,
        opened_by: r.try_get(4)?,
        closed_at: r.try_get(5)?,
        closed_by: r.try_get(6)?,
        version: r.try_get(7)?,
    })
}

fn cycle_json(c: &Cycle) -> String {
    json!({"fy": c.fy.year(), "state": c.state, "deadline": c.deadline}).to_string()
}

fn closed_error(fy: FiscalYear) -> StoreError {
    StoreError::Invalid(Message::new(
        format!(
            "{}は報告を受け付けていません（未開始または締切済み）",
            fy.wareki()
        ),
        format!("reporting for {} is not open", fy.english()),
    ))
}

/// Whether the year is open for reporting.
pub(crate) async fn is_open(tx: &mut Tx, plan_id: i64, fy: FiscalYear) -> Result<bool> {
    Ok(matches!(cycle_in(tx, plan_id, fy).await?, Some(c) if c.state == CycleState::Open))
}

/// The plan's organisation as responsibility sees it (a 部 covers its 課),
/// as it stands in the store.
async fn coverage_in(tx: &mut Tx, plan_id: i64) -> Result<Coverage> {
    let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query(
        "SELECT d.dept_key, p.dept_key, d.successor_key FROM departments d LEFT JOIN departments p ON p.id = d.parent_id \
         WHERE d.plan_id = $1",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
    .collect::<Result<_>>()?;
    let successors: Vec<(String, String)> = rows
        .iter()
        .filter_map(|(d, _, s)| Some((d.clone(), s.clone()?)))
        .collect();
    Ok(
        Coverage::from_parents(rows.into_iter().map(|(d, p, _)| (d, p)))
            .with_successors(successors),
    )
}

/// Whether one of the actor's departments answers for a node: one of the
/// node's departments, or a department above one (a 部 for its 課), as
/// the plan's organisation stands in the store.
pub(crate) async fn answers_in(
    tx: &mut Tx,
    plan_id: i64,
    city: &LocalGovCode,
    node: &str,
    actor: &Actor,
) -> Result<bool> {
    let depts: Vec<String> = sqlx::query(
        "SELECT d.dept_key FROM node_departments nd JOIN departments d ON d.id = nd.department_id \
         JOIN nodes n ON n.id = nd.node_id WHERE n.plan_id = $1 AND n.node_key = $2",
    )
    .bind(plan_id)
    .bind(node)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<std::result::Result<_, _>>()?;
    Ok(actor.answers_for(city, &depts, &coverage_in(tx, plan_id).await?))
}

/// Whether the actor may enter an indicator's actuals: the office; an
/// editor whose departments answer for the indicator's node or, where that
/// node names none (a policy above its items), for a node beneath it. A
/// plan-wide indicator is the office's alone.
pub(crate) async fn may_enter_in(
    tx: &mut Tx,
    plan_id: i64,
    city: &LocalGovCode,
    indicator: &str,
    actor: &Actor,
) -> Result<()> {
    match actor.role {
        Role::Office => return Ok(()),
        Role::Editor => {}
        r => return Err(StoreError::Refused(Refusal::Role(r))),
    }
    let node: Option<i64> =
        sqlx::query("SELECT node_id FROM indicators WHERE plan_id = $1 AND indicator_key = $2")
            .bind(plan_id)
            .bind(indicator)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("indicator {indicator}")))?
            .try_get(0)?;
    let Some(node) = node else {
        return Err(StoreError::Refused(Refusal::NotResponsible));
    };
    let parents: Vec<(i64, Option<i64>)> =
        sqlx::query("SELECT id, parent_id FROM nodes WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_>>()?;
    let named: Vec<(i64, String)> = sqlx::query(
        "SELECT nd.node_id, d.dept_key FROM node_departments nd JOIN departments d ON d.id = nd.department_id \
         WHERE d.plan_id = $1",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_>>()?;
    let of = |n: i64| {
        named
            .iter()
            .filter(move |(m, _)| *m == n)
            .map(|(_, d)| d.clone())
    };
    let mut depts: Vec<String> = of(node).collect();
    if depts.is_empty() {
        // Every node beneath: walk down from the indicator's node.
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            for (child, _) in parents.iter().filter(|(_, p)| *p == Some(n)) {
                depts.extend(of(*child));
                stack.push(*child);
            }
        }
    }
    if actor.answers_for(city, &depts, &coverage_in(tx, plan_id).await?) {
        Ok(())
    } else {
        Err(StoreError::Refused(Refusal::NotResponsible))
    }
}

pub(crate) async fn require_open(tx: &mut Tx, plan_id: i64, fy: FiscalYear) -> Result<()> {
    match cycle_in(tx, plan_id, fy).await? {
        Some(c) if c.state == CycleState::Open => Ok(()),
        _ => Err(closed_error(fy)),
    }
}

async fn node_id_in(tx: &mut Tx, plan_id: i64, node: &str) -> Result<i64> {
    sqlx::query("SELECT id FROM nodes WHERE plan_id = $1 AND node_key = $2")
        .bind(plan_id)
        .bind(node)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("item {node}")))
}

async fn current_progress(
    tx: &mut Tx,
    plan_id: i64,
    node: &str,
    fy: FiscalYear,
) -> Result<Option<StoredProgress>> {
    let row = sqlx::query(&format!(
        "SELECT {PROGRESS_COLUMNS} FROM progress p JOIN nodes n ON n.id = p.node_id WHERE n.plan_id = $1 AND n.node_key = $2 AND p.fy = $3"
    ))
    .bind(plan_id)
    .bind(node)
    .bind(fy.year() as i64)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(stored_progress_from_row).transpose()
}

#[allow(clippy::too_many_arguments)]
async fn add_review(
    tx: &mut Tx,
    plan_id: i64,
    node_id: Option<i64>,
    fy: FiscalYear,
    kind: ReviewKind,
    actor: &str,
    role: &str,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO reviews (plan_id, node_id, fy, kind, author, author_role, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(plan_id)
    .bind(node_id)
    .bind(fy.year() as i64)
    .bind(kind.key())
    .bind(actor)
    .bind(role)
    .bind(body)
    .bind(now_iso())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl SqlStore {
    pub async fn cycles(&self, plan: &PlanRef) -> Result<Vec<Cycle>> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let cycles = cycles_in(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(cycles)
    }

    /// Opens a year for reporting, changes its deadline, or reopens a
    /// closed year (an audited act of its own).
    pub async fn open_cycle(
        &self,
        plan: &PlanRef,
        fy: FiscalYear,
        deadline: Option<&str>,
        actor: &str,
    ) -> Result<Cycle> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let before = cycle_in(&mut tx, plan_id, fy).await?;
        let now = now_iso();
        let action = match &before {
            None => {
                sqlx::query(
                    "INSERT INTO cycles (plan_id, fy, state, deadline, opened_at, opened_by, version) VALUES ($1, $2, 'open', $3, $4, $5, 1)",
                )
                .bind(plan_id)
                .bind(fy.year() as i64)
                .bind(deadline)
                .bind(&now)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
                "open_cycle"
            }
            Some(c) => {
                sqlx::query(
                    "UPDATE cycles SET state = 'open', deadline = $1, closed_at = NULL, closed_by = NULL, version = version + 1 WHERE plan_id = $2 AND fy = $3",
                )
                .bind(deadline)
                .bind(plan_id)
                .bind(fy.year() as i64)
                .execute(&mut *tx)
                .await?;
                if c.state == CycleState::Closed {
                    "reopen_cycle"
                } else {
                    "set_deadline"
                }
            }
        };
        let after = cycle_in(&mut tx, plan_id, fy)
            .await?
            .ok_or_else(|| corrupt("cycle vanished"))?;
        audit(
            &mut tx,
            actor,
            action,
            plan,
            Change {
                entity: "cycle",
                key: &fy.year().to_string(),
                before: before.as_ref().map(cycle_json),
                after: Some(cycle_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Closes (freezes) a year: no report of it can change until reopened.
    pub async fn close_cycle(&self, plan: &PlanRef, fy: FiscalYear, actor: &str) -> Result<Cycle> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let before = cycle_in(&mut tx, plan_id, fy).await?;
        if before.as_ref().map(|c| c.state) != Some(CycleState::Open) {
            return Err(closed_error(fy));
        }
        sqlx::query(
            "UPDATE cycles SET state = 'closed', closed_at = $1, closed_by = $2, version = version + 1 WHERE plan_id = $3 AND fy = $4",
        )
        .bind(now_iso())
        .bind(actor)
        .bind(plan_id)
        .bind(fy.year() as i64)
        .execute(&mut *tx)
        .await?;
        let after = cycle_in(&mut tx, plan_id, fy)
            .await?
            .ok_or_else(|| corrupt("cycle vanished"))?;
        audit(
            &mut tx,
            actor,
            "close_cycle",
            plan,
            Change {
                entity: "cycle",
                key: &fy.year().to_string(),
                before: before.as_ref().map(cycle_json),
                after: Some(cycle_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A department saves (or, with `submit`, submits) an item's report
    /// and its indicator actuals, in one transaction. The workflow decides,
    /// inside it: the year must be open, the actor the office or an editor
    /// answerable for the item, and the report not already submitted or
    /// accepted.
    pub async fn save_item(
        &self,
        plan: &PlanRef,
        edit: &ItemEdit,
        expected_version: Option<i64>,
        submit: bool,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let version = save_item_in(
            &mut tx,
            plan,
            plan_id,
            edit,
            expected_version,
            submit,
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The office accepts a submitted report, or returns it with a comment.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_item(
        &self,
        plan: &PlanRef,
        node: &str,
        fy: FiscalYear,
        accept: bool,
        comment: &str,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let open = is_open(&mut tx, plan_id, fy).await?;
        let current = current_progress(&mut tx, plan_id, node, fy)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("report {node}/{}", fy.year())))?;
        if current.version != expected_version {
            return Err(StoreError::Conflict {
                expected: expected_version,
                current: current.version,
            });
        }
        let action = if accept {
            Action::Accept
        } else {
            Action::Return
        };
        let at = Situation {
            open,
            responsible: false,
        };
        let state = transition(Some(current.state), action, actor, at)?;
        if !accept && comment.trim().is_empty() {
            return Err(StoreError::Invalid(Message::new(
                "差戻しには理由を書いてください",
                "a return needs a comment",
            )));
        }
        let kind = if accept {
            ReviewKind::Accept
        } else {
            ReviewKind::Return
        };
        let version = write_progress(
            &mut tx,
            plan,
            plan_id,
            &current.progress,
            Some(current.version),
            state,
            action.key(),
            &actor.login,
        )
        .await?;
        let node_id = node_id_in(&mut tx, plan_id, node).await?;
        add_review(
            &mut tx,
            plan_id,
            Some(node_id),
            fy,
            kind,
            &actor.login,
            actor.role.key(),
            comment.trim(),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// A council opinion on an item (`node`) or on the whole plan's year.
    pub async fn add_opinion(
        &self,
        plan: &PlanRef,
        node: Option<&str>,
        fy: FiscalYear,
        body: &str,
        actor: &Actor,
    ) -> Result<()> {
        if body.trim().is_empty() {
            return Err(StoreError::Invalid(Message::new(
                "意見が空です",
                "the opinion is empty",
            )));
        }
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let open = is_open(&mut tx, plan_id, fy).await?;
        if !open {
            return Err(closed_error(fy));
        }
        may_opine(actor, open)?;
        let node_id = match node {
            Some(n) => Some(node_id_in(&mut tx, plan_id, n).await?),
            None => None,
        };
        add_review(
            &mut tx,
            plan_id,
            node_id,
            fy,
            ReviewKind::Opinion,
            &actor.login,
            actor.role.key(),
            body.trim(),
        )
        .await?;
        audit(
            &mut tx,
            &actor.login,
            "add_opinion",
            plan,
            Change {
                entity: "opinion",
                key: &format!("{}/{}", node.unwrap_or("*"), fy.year()),
                before: None,
                after: Some(json!({"body": body.trim()}).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Review-thread entries of a plan, oldest first: for one year and/or
    /// one item (`Some("")` selects plan-level opinions only).
    pub async fn reviews(
        &self,
        plan: &PlanRef,
        fy: Option<FiscalYear>,
        node: Option<&str>,
    ) -> Result<Vec<ReviewEntry>> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let out = reviews_in(&mut tx, plan_id, fy, node).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Every stored report of a plan (all items, all years) with its state
    /// and version; `fy` narrows to one year.
    pub async fn reports(
        &self,
        plan: &PlanRef,
        fy: Option<FiscalYear>,
    ) -> Result<Vec<StoredProgress>> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let out = reports_in(&mut tx, plan_id, fy).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// Every cycle of a plan inside a transaction the caller owns.
pub(crate) async fn cycles_in(tx: &mut Tx, plan_id: i64) -> Result<Vec<Cycle>> {
    let rows = sqlx::query(
        "SELECT fy, state, deadline, opened_at, opened_by, closed_at, closed_by, version FROM cycles WHERE plan_id = $1 ORDER BY fy",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(cycle_from_row).collect()
}

/// Stored reports inside a transaction the caller owns.
pub(crate) async fn reports_in(
    tx: &mut Tx,
    plan_id: i64,
    fy: Option<FiscalYear>,
) -> Result<Vec<StoredProgress>> {
    let rows = sqlx::query(&format!(
        "SELECT {PROGRESS_COLUMNS} FROM progress p JOIN nodes n ON n.id = p.node_id \
         WHERE n.plan_id = $1 AND ($2 = 0 OR p.fy = $2) ORDER BY n.position, p.fy"
    ))
    .bind(plan_id)
    .bind(fy.map(|f| f.year() as i64).unwrap_or(0))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(stored_progress_from_row).collect()
}

/// Review-thread entries inside a transaction the caller owns.
pub(crate) async fn reviews_in(
    tx: &mut Tx,
    plan_id: i64,
    fy: Option<FiscalYear>,
    node: Option<&str>,
) -> Result<Vec<ReviewEntry>> {
    let rows = sqlx::query(
        "SELECT r.id, n.node_key, r.fy, r.kind, r.author, r.author_role, r.body, r.created_at \
             FROM reviews r LEFT JOIN nodes n ON n.id = r.node_id \
             WHERE r.plan_id = $1 AND ($2 = 0 OR r.fy = $2) \
             AND ($3 = '*' OR ($3 = '' AND r.node_id IS NULL) OR n.node_key = $3) ORDER BY r.id",
    )
    .bind(plan_id)
    .bind(fy.map(|f| f.year() as i64).unwrap_or(0))
    .bind(node.unwrap_or("*"))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| -> Result<ReviewEntry> {
            let kind: String = r.try_get(3)?;
            Ok(ReviewEntry {
                id: r.try_get(0)?,
                node: r.try_get(1)?,
                fy: fy_of(r.try_get(2)?)?,
                kind: ReviewKind::from_key(&kind)
                    .ok_or_else(|| corrupt(format!("review kind {kind}")))?,
                author: r.try_get(4)?,
                author_role: r.try_get(5)?,
                body: r.try_get(6)?,
                created_at: r.try_get(7)?,
            })
        })
        .collect()
}

/// `save_item` inside a transaction the caller owns (one item of a batch
/// is checked and written exactly as a single save is).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_item_in(
    tx: &mut Tx,
    plan: &PlanRef,
    plan_id: i64,
    edit: &ItemEdit,
    expected_version: Option<i64>,
    submit: bool,
    actor: &Actor,
) -> Result<i64> {
    let p = &edit.progress;
    let open = is_open(tx, plan_id, p.fy).await?;
    if !open {
        return Err(closed_error(p.fy));
    }
    let current = current_progress(tx, plan_id, &p.node, p.fy).await?;
    let stored = current.as_ref().map(|c| c.version);
    if stored.is_some() && stored != expected_version {
        // Someone saved first: show both (nothing is written).
        return Err(StoreError::Conflict {
            expected: expected_version.unwrap_or(0),
            current: stored.unwrap_or(0),
        });
    }
    let responsible = match actor.role {
        Role::Editor => answers_in(tx, plan_id, &plan.city, &p.node, actor).await?,
        _ => false,
    };
    let action = if submit { Action::Submit } else { Action::Save };
    let at = Situation { open, responsible };
    let state = transition(current.map(|c| c.state), action, actor, at)?;
    let role = actor.role.key();
    let actor = actor.login.as_str();
    let node_id = node_id_in(tx, plan_id, &p.node).await?;
    let version = write_progress(
        tx,
        plan,
        plan_id,
        p,
        expected_version,
        state,
        action.key(),
        actor,
    )
    .await?;
    for v in &edit.indicator_values {
        write_indicator_value(tx, plan, plan_id, Some(node_id), v, None, actor).await?;
    }
    if submit {
        add_review(
            tx,
            plan_id,
            Some(node_id),
            p.fy,
            ReviewKind::Submit,
            actor,
            role,
            "",
        )
        .await?;
    }
    Ok(version)
}

/// Stores one indicator actual. The indicator must belong to the plan and,
/// when entered with an item's report (`node_id`), to that item (or none).
/// With `expected`, the stored value must still be that version (`None`:
/// there was none), else nothing is written and the conflict returned.
/// Returns whether anything changed.
pub(crate) async fn write_indicator_value(
    tx: &mut Tx,
    plan: &PlanRef,
    plan_id: i64,
    node_id: Option<i64>,
    v: &IndicatorValue,
    expected: Option<Option<i64>>,
    actor: &str,
) -> Result<bool> {
    let row =
        sqlx::query("SELECT id, node_id FROM indicators WHERE plan_id = $1 AND indicator_key = $2")
            .bind(plan_id)
            .bind(&v.indicator)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("indicator {}", v.indicator)))?;
    let indicator_id: i64 = row.try_get(0)?;
    let owner: Option<i64> = row.try_get(1)?;
    if matches!((node_id, owner), (Some(n), Some(o)) if n != o) {
        return Err(StoreError::Invalid(Message::new(
            format!("指標 {} はこの取組の指標ではありません", v.indicator),
            format!("indicator {} does not belong to this item", v.indicator),
        )));
    }
    let stored: Option<(String, Option<String>, i64)> = sqlx::query(
        "SELECT value, note, version FROM indicator_values WHERE indicator_id = $1 AND fy = $2",
    )
    .bind(indicator_id)
    .bind(v.fy.year() as i64)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| -> Result<(String, Option<String>, i64)> {
        Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
    })
    .transpose()?;
    let current = stored.as_ref().map(|(_, _, version)| *version);
    if let Some(expected) = expected.filter(|e| *e != current) {
        return Err(StoreError::Conflict {
            expected: expected.unwrap_or(0),
            current: current.unwrap_or(0),
        });
    }
    let before = stored.map(|(value, note, _)| (value, note));
    let value = v.value.to_string();
    // A report's form and workbook carry no notes: there, none given keeps
    // the stored one.
    let note = match (&v.note, node_id, &before) {
        (None, Some(_), Some((_, kept))) => kept.clone(),
        _ => v.note.clone().filter(|n| !n.trim().is_empty()),
    };
    if before.as_ref() == Some(&(value.clone(), note.clone())) {
        return Ok(false);
    }
    crate::sql::bump_revision(tx, plan_id).await?;
    match &before {
        None => {
            sqlx::query(
                "INSERT INTO indicator_values (indicator_id, fy, value, note, demo, version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
            )
            .bind(indicator_id)
            .bind(v.fy.year() as i64)
            .bind(&value)
            .bind(note.clone())
            .bind(v.demo as i64)
            .bind(now_iso())
            .execute(&mut **tx)
            .await?;
        }
        Some(_) => {
            sqlx::query(
                "UPDATE indicator_values SET value = $1, note = $2, demo = $3, version = version + 1, updated_at = $4 WHERE indicator_id = $5 AND fy = $6",
            )
            .bind(&value)
            .bind(note.clone())
            .bind(v.demo as i64)
            .bind(now_iso())
            .bind(indicator_id)
            .bind(v.fy.year() as i64)
            .execute(&mut **tx)
            .await?;
        }
    }
    audit(
        tx,
        actor,
        "record_indicator_value",
        plan,
        Change {
            entity: "indicator_value",
            key: &format!("{}/{}", v.indicator, v.fy.year()),
            before: before.map(|(b, n)| json!({"value": b, "note": n}).to_string()),
            after: Some(json!({"value": value, "note": note}).to_string()),
        },
    )
    .await?;
    Ok(true)
}
