//! Plan revisions (見直し): the plan's structure written so that every
//! node and indicator keeps its row (and with it its reports, reviews and
//! actuals) from one revision to the next, each revision's whole structure
//! kept for the years it applies to, and the import that makes a revision.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::json;
use sqlx::Row;

use gyokaku_domain::diff::diff;
use gyokaku_domain::present::Lang;
use gyokaku_domain::revision::{self, Applies, RevisionOptions};
use gyokaku_domain::{walk_nodes, AxisMark, FiscalYear, Message, PlanDate, PlanDocument, Revision};

use crate::sql::{
    audit, corrupt, enum_key, export_in, fy_of, insert_progress, insert_returning_id, Change, Tx,
};
use crate::{PlanRef, ReportState, Result, SqlStore, StoreError};

/// A revision as stored: its number (1 = the plan as first stored), the
/// step of the plan's history it records, and who stored it when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRevision {
    pub number: u32,
    pub entry: Revision,
    pub created_at: String,
    pub created_by: String,
}

impl StoredRevision {
    pub fn applies(&self) -> Applies {
        Applies {
            number: self.number,
            from: self.entry.applies_from,
        }
    }
}

/// What an import of an existing plan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revised {
    /// The folder's structure is the stored one: nothing written.
    Unchanged,
    /// A new revision, with what changed.
    Revision {
        number: u32,
        entry: Revision,
        changes: Vec<gyokaku_domain::diff::Change>,
    },
}

/// A revision's structure as stored: the plan without its records.
#[derive(serde::Serialize, serde::Deserialize)]
struct Structure {
    header: gyokaku_domain::PlanHeader,
    organisation: gyokaku_domain::Organisation,
    nodes: Vec<gyokaku_domain::Node>,
    indicators: Vec<gyokaku_domain::Indicator>,
    glossary: Vec<gyokaku_domain::GlossaryTerm>,
}

pub(crate) fn structure_json(doc: &PlanDocument) -> Result<String> {
    json_of(&Structure {
        header: doc.header.clone(),
        organisation: doc.organisation.clone(),
        nodes: doc.nodes.clone(),
        indicators: doc.indicators.clone(),
        glossary: doc.glossary.clone(),
    })
}

pub(crate) fn structure_of(json: &str) -> Result<PlanDocument> {
    let s: Structure = serde_json::from_str(json).map_err(corrupt)?;
    Ok(PlanDocument {
        header: s.header,
        organisation: s.organisation,
        nodes: s.nodes,
        indicators: s.indicators,
        glossary: s.glossary,
        fiscal: Vec::new(),
        progress: Vec::new(),
        indicator_values: Vec::new(),
    })
}

fn json_of<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(corrupt)
}

fn unknown(what: &str, what_en: &str, key: &str) -> StoreError {
    StoreError::Invalid(Message::new(
        format!("{what}「{key}」はこの計画にありません"),
        format!("unknown {what_en} {key}"),
    ))
}

/// Writes `doc`'s structure over the plan's rows: the plan's facts, its
/// scale, departments, axes marks and glossary are rewritten; nodes and
/// indicators are updated in place by id (inserted when new), so nothing
/// hanging from them moves. Every node and indicator already stored must
/// be in `doc` (a revision retires, it never drops).
pub(crate) async fn write_structure(tx: &mut Tx, plan_id: i64, doc: &PlanDocument) -> Result<()> {
    let h = &doc.header;
    let mut header = h.clone();
    header.status_scale.clear();
    let org = gyokaku_domain::Organisation {
        departments: Vec::new(),
        ..doc.organisation.clone()
    };
    sqlx::query(
        "UPDATE plans SET title = $1, draft = $2, period_from = $3, period_to = $4, header_json = $5, \
         organisation_json = $6, updated_at = $7, structure_revision = structure_revision + 1 WHERE id = $8",
    )
    .bind(&h.plan.title)
    .bind(h.plan.draft as i64)
    .bind(h.plan.period.map(|p| p.from.year() as i64))
    .bind(h.plan.period.map(|p| p.to.year() as i64))
    .bind(json_of(&header)?)
    .bind(json_of(&org)?)
    .bind(crate::now_iso())
    .bind(plan_id)
    .execute(&mut **tx)
    .await?;

    sqlx::query("DELETE FROM status_levels WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    for (i, s) in h.status_scale.iter().enumerate() {
        sqlx::query("INSERT INTO status_levels (plan_id, position, code, label, label_en, achieved) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan_id)
            .bind(i as i64)
            .bind(&s.code)
            .bind(&s.label)
            .bind(s.label_en.clone())
            .bind(s.achieved as i64)
            .execute(&mut **tx)
            .await?;
    }

    // Departments carry nothing but the structure (accounts name them by
    // key): rewritten whole, with the nodes' links to them.
    sqlx::query("DELETE FROM departments WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    let mut dept_ids: HashMap<&str, i64> = HashMap::new();
    for (i, (d, parent)) in doc.organisation.flatten().into_iter().enumerate() {
        let parent_id = parent.and_then(|p| dept_ids.get(p).copied());
        let id = insert_returning_id(
            tx,
            sqlx::query(
                "INSERT INTO departments (plan_id, dept_key, parent_id, position, name, abbreviation, kind, valid_from, valid_to, successor_key, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(plan_id)
            .bind(&d.id)
            .bind(parent_id)
            .bind(i as i64)
            .bind(&d.name)
            .bind(d.abbreviation.clone())
            .bind(enum_key(&d.kind))
            .bind(d.valid_from.map(|v| v.to_string()))
            .bind(d.valid_to.map(|v| v.to_string()))
            .bind(d.successor.clone())
            .bind(d.note.clone()),
        )
        .await?;
        dept_ids.insert(&d.id, id);
    }

    let mut node_ids: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT node_key, id FROM nodes WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_all(&mut **tx)
        .await?
    {
        node_ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    let walked = walk_nodes(&doc.nodes);
    let listed: HashSet<&str> = walked.iter().map(|(n, _, _)| n.id.as_str()).collect();
    if let Some(gone) = node_ids.keys().find(|k| !listed.contains(k.as_str())) {
        return Err(corrupt(format!("a revision would drop node {gone}")));
    }
    for table in ["node_tags", "node_sdgs"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE node_id IN (SELECT id FROM nodes WHERE plan_id = $1)"
        ))
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    }
    for (i, (n, _depth, parent)) in walked.into_iter().enumerate() {
        let parent_id = parent.and_then(|p| node_ids.get(&p.id).copied());
        let retired = n.retired.as_ref().map(json_of).transpose()?;
        // One statement for a node already stored (updated in place, its
        // row and what hangs from it kept) and a new one.
        let id = insert_returning_id(
            tx,
            sqlx::query(
                "INSERT INTO nodes (plan_id, node_key, parent_id, position, level_key, number, title, title_en, body, sections_json, schedule_json, period_from, period_to, note, numbers_json, retired_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 ON CONFLICT (plan_id, node_key) DO UPDATE SET parent_id = excluded.parent_id, position = excluded.position, \
                 level_key = excluded.level_key, number = excluded.number, title = excluded.title, title_en = excluded.title_en, \
                 body = excluded.body, sections_json = excluded.sections_json, schedule_json = excluded.schedule_json, \
                 period_from = excluded.period_from, period_to = excluded.period_to, note = excluded.note, \
                 numbers_json = excluded.numbers_json, retired_json = excluded.retired_json RETURNING id",
            )
            .bind(plan_id)
            .bind(&n.id)
            .bind(parent_id)
            .bind(i as i64)
            .bind(&n.level)
            .bind(n.number.map(|v| v as i64))
            .bind(&n.title)
            .bind(n.title_en.clone())
            .bind(n.body.clone())
            .bind(json_of(&n.sections)?)
            .bind(json_of(&n.schedule)?)
            .bind(n.period.map(|p| p.from.year() as i64))
            .bind(n.period.map(|p| p.to.year() as i64))
            .bind(n.note.clone())
            .bind(json_of(&n.numbers)?)
            .bind(retired),
        )
        .await?;
        node_ids.insert(n.id.clone(), id);
        for (j, d) in n.departments.iter().enumerate() {
            let dept = dept_ids
                .get(d.as_str())
                .copied()
                .ok_or_else(|| unknown("部署", "department", d))?;
            sqlx::query("INSERT INTO node_departments (node_id, department_id, position) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(dept)
                .bind(j as i64)
                .execute(&mut **tx)
                .await?;
        }
        for (axis, mark) in &n.axes {
            let codes: Vec<String> = match mark {
                AxisMark::Flag(b) => vec![b.to_string()],
                AxisMark::Codes(c) => c.clone(),
            };
            for (j, c) in codes.iter().enumerate() {
                sqlx::query("INSERT INTO node_tags (node_id, axis_key, value_code, position) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(axis)
                    .bind(c)
                    .bind(j as i64)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        for (j, g) in n.sdgs.iter().enumerate() {
            sqlx::query("INSERT INTO node_sdgs (node_id, goal, position) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*g as i64)
                .bind(j as i64)
                .execute(&mut **tx)
                .await?;
        }
    }

    let mut ind_ids: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT indicator_key, id FROM indicators WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_all(&mut **tx)
        .await?
    {
        ind_ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    if let Some(gone) = ind_ids
        .keys()
        .find(|k| !doc.indicators.iter().any(|i| &i.id == *k))
    {
        return Err(corrupt(format!("a revision would drop indicator {gone}")));
    }
    for (i, ind) in doc.indicators.iter().enumerate() {
        let node_id = match &ind.node {
            Some(k) => Some(
                node_ids
                    .get(k)
                    .copied()
                    .ok_or_else(|| unknown("取組", "node", k))?,
            ),
            None => None,
        };
        let baseline = ind.baseline.as_ref().map(json_of).transpose()?;
        let target = ind.target.as_ref().map(json_of).transpose()?;
        let retired = ind.retired.as_ref().map(json_of).transpose()?;
        sqlx::query(
            "INSERT INTO indicators (node_id, position, kind, name, definition, unit, source, cumulative, challenge, baseline_json, target_json, note, retired_json, plan_id, indicator_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (plan_id, indicator_key) DO UPDATE SET node_id = excluded.node_id, position = excluded.position, \
             kind = excluded.kind, name = excluded.name, definition = excluded.definition, unit = excluded.unit, \
             source = excluded.source, cumulative = excluded.cumulative, challenge = excluded.challenge, \
             baseline_json = excluded.baseline_json, target_json = excluded.target_json, note = excluded.note, \
             retired_json = excluded.retired_json",
        )
        .bind(node_id)
        .bind(i as i64)
        .bind(ind.kind.key())
        .bind(&ind.name)
        .bind(ind.definition.clone())
        .bind(ind.unit.clone())
        .bind(ind.source.clone())
        .bind(ind.cumulative as i64)
        .bind(ind.challenge as i64)
        .bind(baseline)
        .bind(target)
        .bind(ind.note.clone())
        .bind(retired)
        .bind(plan_id)
        .bind(&ind.id)
        .execute(&mut **tx)
        .await?;
    }

    sqlx::query("DELETE FROM glossary_terms WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    for (i, g) in doc.glossary.iter().enumerate() {
        sqlx::query("INSERT INTO glossary_terms (plan_id, position, term, reading, description, note, marks_json) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(plan_id)
            .bind(i as i64)
            .bind(&g.term)
            .bind(g.reading.clone())
            .bind(&g.description)
            .bind(g.note.clone())
            .bind(json_of(&g.marks)?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds the records a plan folder carries (reports as accepted, indicator
/// actuals, fiscal ratios) that the plan does not hold yet; a record
/// already stored is left as it is (the web app is where they change).
pub(crate) async fn add_records(
    tx: &mut Tx,
    plan_id: i64,
    doc: &PlanDocument,
    actor: &str,
) -> Result<()> {
    let ids = |sql: &'static str| sqlx::query(sql).bind(plan_id);
    let mut node_ids: HashMap<String, i64> = HashMap::new();
    for r in ids("SELECT node_key, id FROM nodes WHERE plan_id = $1")
        .fetch_all(&mut **tx)
        .await?
    {
        node_ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    let mut ind_ids: HashMap<String, i64> = HashMap::new();
    for r in ids("SELECT indicator_key, id FROM indicators WHERE plan_id = $1")
        .fetch_all(&mut **tx)
        .await?
    {
        ind_ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    let mut reported: HashSet<(i64, i64)> = HashSet::new();
    for r in ids("SELECT p.node_id, p.fy FROM progress p JOIN nodes n ON n.id = p.node_id WHERE n.plan_id = $1")
        .fetch_all(&mut **tx)
        .await?
    {
        reported.insert((r.try_get(0)?, r.try_get(1)?));
    }
    let now = crate::now_iso();
    for v in &doc.indicator_values {
        let id = ind_ids
            .get(&v.indicator)
            .copied()
            .ok_or_else(|| unknown("指標", "indicator", &v.indicator))?;
        sqlx::query(
            "INSERT INTO indicator_values (indicator_id, fy, value, note, demo, version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6) \
             ON CONFLICT (indicator_id, fy) DO NOTHING",
        )
        .bind(id)
        .bind(v.fy.year() as i64)
        .bind(v.value.to_string())
        .bind(v.note.clone())
        .bind(v.demo as i64)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    for p in &doc.progress {
        let id = node_ids
            .get(&p.node)
            .copied()
            .ok_or_else(|| unknown("取組", "node", &p.node))?;
        if reported.insert((id, p.fy.year() as i64)) {
            insert_progress(tx, id, p, ReportState::Accepted, actor).await?;
        }
    }
    for f in &doc.fiscal {
        sqlx::query(
            "INSERT INTO fiscal_ratios (plan_id, lgcode, city_name, fy, ratio, value, source) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (plan_id, lgcode, fy, ratio) DO NOTHING",
        )
        .bind(plan_id)
        .bind(f.lgcode.to_string())
        .bind(&f.city)
        .bind(f.fy.year() as i64)
        .bind(f.ratio.key())
        .bind(f.value.to_string())
        .bind(f.source.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Records revision `number` of a plan: its history entry and its whole
/// structure.
pub(crate) async fn insert_revision(
    tx: &mut Tx,
    plan_id: i64,
    number: u32,
    entry: &Revision,
    doc: &PlanDocument,
    actor: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_revisions (plan_id, number, kind, title, decided_on, applies_from, reason, decided_by, document_json, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(plan_id)
    .bind(number as i64)
    .bind(&entry.kind)
    .bind(entry.title.clone())
    .bind(entry.date.map(|d| d.to_string()))
    .bind(entry.applies_from.map(|y| y.year() as i64))
    .bind(entry.reason.clone())
    .bind(entry.decided_by.clone())
    .bind(structure_json(doc)?)
    .bind(crate::now_iso())
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A plan's revisions, oldest first.
pub(crate) async fn revisions_in(tx: &mut Tx, plan_id: i64) -> Result<Vec<StoredRevision>> {
    sqlx::query(
        "SELECT number, kind, title, decided_on, applies_from, reason, decided_by, created_at, created_by \
         FROM plan_revisions WHERE plan_id = $1 ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        let date: Option<String> = r.try_get(3)?;
        Ok(StoredRevision {
            number: r.try_get::<i64, _>(0)? as u32,
            entry: Revision {
                kind: r.try_get(1)?,
                title: r.try_get(2)?,
                date: date.map(|d| PlanDate::parse(&d).map_err(corrupt)).transpose()?,
                applies_from: r.try_get::<Option<i64>, _>(4)?.map(fy_of).transpose()?,
                period: None,
                reason: r.try_get(5)?,
                decided_by: r.try_get(6)?,
                note: None,
            },
            created_at: r.try_get(7)?,
            created_by: r.try_get(8)?,
        })
    })
    .collect()
}

/// The structure of one revision as stored.
pub(crate) async fn revision_doc_in(
    tx: &mut Tx,
    plan_id: i64,
    number: u32,
) -> Result<PlanDocument> {
    let row =
        sqlx::query("SELECT document_json FROM plan_revisions WHERE plan_id = $1 AND number = $2")
            .bind(plan_id)
            .bind(number as i64)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("revision {number}")))?;
    structure_of(&row.try_get::<String, _>(0)?)
}

/// Gives every plan stored before revisions existed its revision 1: the
/// plan as it stands, with its workflow untouched.
pub(crate) async fn backfill(store: &SqlStore) -> Result<()> {
    let missing: Vec<i64> = sqlx::query(
        "SELECT id FROM plans p WHERE NOT EXISTS (SELECT 1 FROM plan_revisions r WHERE r.plan_id = p.id)",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<std::result::Result<_, _>>()?;
    for plan_id in missing {
        let mut tx = store.begin_write().await?;
        let doc = export_in(&mut tx, plan_id).await?;
        let exists = sqlx::query("SELECT 1 FROM plan_revisions WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            insert_revision(
                &mut tx,
                plan_id,
                1,
                &revision::first_entry(&doc),
                &doc,
                "migration",
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Why a revision may not start in `first_year`: a closed year it would
/// apply to, or a year before the revision in force.
fn check_first_year(
    first_year: FiscalYear,
    closed: &[FiscalYear],
    latest: Option<&StoredRevision>,
) -> Option<Message> {
    if let Some(y) = closed.iter().find(|y| **y >= first_year) {
        return Some(Message::new(
            format!(
                "{}は締め切られています。改訂は締め切った年度に適用できません（最初の年度を{}より後にしてください）",
                y.wareki(),
                y.wareki()
            ),
            format!(
                "{} is closed; a revision never applies to a closed year (make its first year later than {})",
                y.english(),
                y.english()
            ),
        ));
    }
    let from = latest.filter(|r| r.number > 1)?.entry.applies_from?;
    (first_year < from).then(|| {
        Message::new(
            format!(
                "最初の年度（{}）が現在の改訂の最初の年度（{}）より前です",
                first_year.wareki(),
                from.wareki()
            ),
            format!(
                "the first year ({}) is before the first year of the revision in force ({})",
                first_year.english(),
                from.english()
            ),
        )
    })
}

impl SqlStore {
    /// A plan's revisions, oldest first.
    pub async fn revisions(&self, plan: &PlanRef) -> Result<Vec<StoredRevision>> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let out = revisions_in(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The structure of one revision (no reports, actuals or fiscal ratios).
    pub async fn revision_structure(&self, plan: &PlanRef, number: u32) -> Result<PlanDocument> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let doc = revision_doc_in(&mut tx, plan_id, number).await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// One revision as a plan folder would hold it: its structure, with the
    /// accepted reports and actuals of the nodes and indicators it has.
    pub async fn export_revision(&self, plan: &PlanRef, number: u32) -> Result<PlanDocument> {
        let mut tx = self.begin_snapshot().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let mut doc = revision_doc_in(&mut tx, plan_id, number).await?;
        let all = export_in(&mut tx, plan_id).await?;
        tx.commit().await?;
        let nodes: HashSet<String> = walk_nodes(&doc.nodes)
            .into_iter()
            .map(|(n, _, _)| n.id.clone())
            .collect();
        doc.progress = all
            .progress
            .into_iter()
            .filter(|p| nodes.contains(&p.node))
            .collect();
        doc.indicator_values = all
            .indicator_values
            .into_iter()
            .filter(|v| doc.indicators.iter().any(|i| i.id == v.indicator))
            .collect();
        doc.fiscal = all.fiscal;
        Ok(doc)
    }

    /// Imports a new version of a stored plan as its next revision, in one
    /// transaction: nodes and indicators are matched by id and updated in
    /// place; those the folder no longer lists are retired, not dropped;
    /// every report, review, cycle, actual and audit record stays. A folder
    /// with the stored structure writes nothing. `base` is the revision the
    /// caller previewed: another revision stored meanwhile is a conflict.
    pub async fn revise_plan(
        &self,
        folder: &PlanDocument,
        options: &RevisionOptions,
        base: Option<u32>,
        actor: &str,
    ) -> Result<Revised> {
        let plan = PlanRef {
            city: folder.header.city.code,
            plan: folder.header.plan.id.clone(),
        };
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, &plan).await?;
        let done = revise_in(&mut tx, &plan, plan_id, folder, options, base, actor).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// Records the next revision of a plan inside the caller's transaction
/// (see [`SqlStore::revise_plan`]); the caller commits.
pub(crate) async fn revise_in(
    tx: &mut Tx,
    plan: &PlanRef,
    plan_id: i64,
    folder: &PlanDocument,
    options: &RevisionOptions,
    base: Option<u32>,
    actor: &str,
) -> Result<Revised> {
    // Serialises revisions of one plan on PostgreSQL too (SQLite's
    // BEGIN IMMEDIATE already holds the write lock).
    sqlx::query("UPDATE plans SET updated_at = updated_at WHERE id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    let revisions = revisions_in(tx, plan_id).await?;
    let latest = revisions.last();
    let current_number = latest.map_or(1, |r| r.number);
    if let Some(b) = base {
        if b != current_number {
            return Err(StoreError::RevisionConflict {
                base: b,
                current: current_number,
            });
        }
    }
    let current = export_in(tx, plan_id).await?;
    if revision::same_structure(&revision::structure(&current), &revision::structure(folder)) {
        add_records(tx, plan_id, folder, actor).await?;
        return Ok(Revised::Unchanged);
    }
    let (next, entry) =
        revision::prepare(&current, folder, options).map_err(StoreError::Invalid)?;
    let first_year = entry
        .applies_from
        .ok_or_else(|| corrupt("prepared revision without a first year"))?;
    let closed: Vec<FiscalYear> =
        sqlx::query("SELECT fy FROM cycles WHERE plan_id = $1 AND state = 'closed' ORDER BY fy")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| fy_of(r.try_get(0)?))
            .collect::<Result<_>>()?;
    if let Some(m) = check_first_year(first_year, &closed, latest) {
        return Err(StoreError::Invalid(m));
    }
    let reported: Vec<(String, FiscalYear)> = sqlx::query(
        "SELECT n.node_key, p.fy FROM progress p JOIN nodes n ON n.id = p.node_id \
             WHERE n.plan_id = $1 AND p.fy >= $2 AND p.state IN ('submitted', 'accepted')",
    )
    .bind(plan_id)
    .bind(first_year.year() as i64)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, fy_of(r.try_get(1)?)?)))
    .collect::<Result<_>>()?;
    if let Some(m) = revision::check_retirements(&next, first_year, &reported)
        .into_iter()
        .next()
    {
        return Err(StoreError::Invalid(m));
    }
    if latest.is_none() {
        // A plan stored before revisions, not yet backfilled.
        insert_revision(
            tx,
            plan_id,
            1,
            &revision::first_entry(&current),
            &current,
            "migration",
        )
        .await?;
    }
    write_structure(tx, plan_id, &next).await?;
    add_records(tx, plan_id, folder, actor).await?;
    let number = current_number + 1;
    insert_revision(tx, plan_id, number, &entry, &next, actor).await?;
    let changes = diff(&revision::structure(&current), &next);
    let lines: Vec<String> = changes.iter().map(|c| c.line(Lang::Ja)).collect();
    let after = json!({
        "number": number,
        "kind": entry.kind,
        "date": entry.date.map(|d| d.to_string()),
        "applies_from": first_year.year(),
        "reason": entry.reason,
        "decided_by": entry.decided_by,
        "changes": lines,
    })
    .to_string();
    audit(
        tx,
        actor,
        "revise_plan",
        plan,
        Change {
            entity: "revision",
            key: &number.to_string(),
            before: Some(json!({"number": current_number}).to_string()),
            after: Some(after),
        },
    )
    .await?;
    Ok(Revised::Revision {
        number,
        entry,
        changes,
    })
}

/// Revisions with their structures, for a snapshot: the latest one's is
/// the plan as its tables hold it (`doc`), so only earlier ones are read.
pub(crate) async fn earlier_docs_in(
    tx: &mut Tx,
    plan_id: i64,
    revisions: &[StoredRevision],
) -> Result<BTreeMap<u32, PlanDocument>> {
    let mut out = BTreeMap::new();
    if let Some((_, earlier)) = revisions.split_last() {
        for r in earlier {
            out.insert(r.number, revision_doc_in(tx, plan_id, r.number).await?);
        }
    }
    Ok(out)
}
