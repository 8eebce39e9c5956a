//! The office's draft revision of a plan: edited one change at a time in
//! the web app (each edit checked by the domain, versioned, audited), read
//! by the council, then adopted as the plan's next revision or discarded.

use serde_json::json;
use sqlx::Row;

use gyokaku_domain::edit::{apply, Edit};
use gyokaku_domain::revision::{self, RevisionOptions};
use gyokaku_domain::{Actor, Message, PlanDocument, Refusal, Role};

use crate::revisions::{revise_in, revisions_in, structure_json, structure_of, Revised};
use crate::sql::{audit, export_in, Change, Tx};
use crate::{now_iso, PlanRef, Result, SqlStore, StoreError};

/// A plan's draft revision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The revision it started from.
    pub base: u32,
    /// The whole structure as edited so far.
    pub doc: PlanDocument,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
}

fn office_only(actor: &Actor) -> Result<()> {
    match actor.role {
        Role::Office => Ok(()),
        r => Err(StoreError::Refused(Refusal::Role(r))),
    }
}

/// A discarded or adopted draft keeps its row with an empty document, so
/// that the next draft's versions go on from its last: a form or workbook
/// of an old draft never matches a new one.
async fn draft_in(tx: &mut Tx, plan_id: i64) -> Result<Option<Draft>> {
    let Some(r) = sqlx::query(
        "SELECT base_revision, document_json, version, updated_at, updated_by FROM plan_drafts WHERE plan_id = $1 AND document_json <> ''",
    )
    .bind(plan_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(Draft {
        base: r.try_get::<i64, _>(0)? as u32,
        doc: structure_of(&r.try_get::<String, _>(1)?)?,
        version: r.try_get(2)?,
        updated_at: r.try_get(3)?,
        updated_by: r.try_get(4)?,
    }))
}

/// What the office works on: the draft, or where none is begun the latest
/// revision's structure (what a first edit would start from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Working {
    pub doc: PlanDocument,
    /// The revision the draft started from, or the latest.
    pub base: u32,
    /// The draft as stored, without its document; `None`: no draft.
    pub draft: Option<DraftStamp>,
}

/// A draft's version and last change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftStamp {
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
}

impl Working {
    /// What a plan workbook made from this says it came from.
    pub fn origin(&self) -> gyokaku_interchange::plan_book::Origin {
        gyokaku_interchange::plan_book::Origin {
            revision: Some(self.base),
            draft: self.draft.as_ref().map(|d| d.version),
        }
    }
}

async fn working_in(tx: &mut Tx, plan_id: i64, draft: Option<Draft>) -> Result<Working> {
    Ok(match draft {
        Some(d) => Working {
            doc: d.doc,
            base: d.base,
            draft: Some(DraftStamp {
                version: d.version,
                updated_at: d.updated_at,
                updated_by: d.updated_by,
            }),
        },
        None => Working {
            base: revisions_in(tx, plan_id)
                .await?
                .last()
                .map_or(1, |r| r.number),
            doc: revision::structure(&export_in(tx, plan_id).await?),
            draft: None,
        },
    })
}

/// The draft's version must be the one the edit was based on (`None`: no
/// draft yet).
fn check_version(draft: Option<&Draft>, expected: Option<i64>) -> Result<()> {
    let current = draft.map(|d| d.version);
    if current == expected {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            expected: expected.unwrap_or(0),
            current: current.unwrap_or(0),
        })
    }
}

/// Writes the draft's structure at the next version after `expected`
/// (inserting it when there is none) and audits it as `after`.
#[allow(clippy::too_many_arguments)]
async fn write_draft(
    tx: &mut Tx,
    plan: &PlanRef,
    plan_id: i64,
    base: u32,
    doc: &PlanDocument,
    expected: Option<i64>,
    actor: &Actor,
    (action, after): (&str, String),
) -> Result<i64> {
    let now = now_iso();
    let body = structure_json(doc)?;
    let closed: Option<i64> = match expected {
        Some(_) => None,
        None => {
            sqlx::query_scalar(
                "SELECT version FROM plan_drafts WHERE plan_id = $1 AND document_json = ''",
            )
            .bind(plan_id)
            .fetch_optional(&mut **tx)
            .await?
        }
    };
    let version = expected.or(closed).unwrap_or(0) + 1;
    let done = match (expected, closed) {
        (None, None) => sqlx::query(
            "INSERT INTO plan_drafts (plan_id, base_revision, document_json, version, created_at, created_by, updated_at, updated_by) \
             VALUES ($1, $2, $3, 1, $4, $5, $4, $5)",
        )
        .bind(plan_id)
        .bind(base as i64)
        .bind(body)
        .bind(&now)
        .bind(&actor.login)
        .execute(&mut **tx)
        .await,
        (None, Some(last)) => sqlx::query(
            "UPDATE plan_drafts SET base_revision = $1, document_json = $2, version = $3, created_at = $4, created_by = $5, updated_at = $4, updated_by = $5 \
             WHERE plan_id = $6 AND version = $7 AND document_json = ''",
        )
        .bind(base as i64)
        .bind(body)
        .bind(version)
        .bind(&now)
        .bind(&actor.login)
        .bind(plan_id)
        .bind(last)
        .execute(&mut **tx)
        .await,
        (Some(v), _) => sqlx::query(
            "UPDATE plan_drafts SET base_revision = $1, document_json = $2, version = $3, updated_at = $4, updated_by = $5 \
             WHERE plan_id = $6 AND version = $7 AND document_json <> ''",
        )
        .bind(base as i64)
        .bind(body)
        .bind(version)
        .bind(&now)
        .bind(&actor.login)
        .bind(plan_id)
        .bind(v)
        .execute(&mut **tx)
        .await,
    };
    match done {
        Ok(r) if r.rows_affected() == 1 => {}
        Ok(_) => {
            return Err(StoreError::Conflict {
                expected: expected.unwrap_or(0),
                current: version,
            })
        }
        // Another office user started a draft meanwhile.
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            return Err(StoreError::Conflict {
                expected: 0,
                current: version,
            })
        }
        Err(e) => return Err(e.into()),
    }
    audit(
        tx,
        &actor.login,
        action,
        plan,
        Change {
            entity: "draft",
            key: &version.to_string(),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(version)
}

impl SqlStore {
    /// The plan's draft revision, if the office has started one.
    pub async fn draft(&self, plan: &PlanRef) -> Result<Option<Draft>> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let d = draft_in(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Revision `n`'s structure (no draft), or for `None` what the office
    /// works on: what a plan workbook is made from.
    pub async fn structure_or_working(&self, plan: &PlanRef, n: Option<u32>) -> Result<Working> {
        match n {
            Some(n) => Ok(Working {
                doc: self.revision_structure(plan, n).await?,
                base: n,
                draft: None,
            }),
            None => self.working(plan).await,
        }
    }

    /// The draft, or the latest revision's structure where none is begun.
    pub async fn working(&self, plan: &PlanRef) -> Result<Working> {
        let mut tx = self.pool.begin().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let draft = draft_in(&mut tx, plan_id).await?;
        let w = working_in(&mut tx, plan_id, draft).await?;
        tx.commit().await?;
        Ok(w)
    }

    /// Applies one edit to the plan's draft (started from the latest
    /// revision if there is none), the office alone, based on the draft's
    /// `expected` version (`None` when there is no draft yet); returns the
    /// new version. A refused edit writes nothing.
    pub async fn edit_draft(
        &self,
        plan: &PlanRef,
        edit: &Edit,
        expected: Option<i64>,
        actor: &Actor,
    ) -> Result<i64> {
        office_only(actor)?;
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let draft = draft_in(&mut tx, plan_id).await?;
        check_version(draft.as_ref(), expected)?;
        let Working { base, mut doc, .. } = working_in(&mut tx, plan_id, draft).await?;
        apply(&mut doc, edit).map_err(|e| {
            StoreError::Invalid(Message::new(
                format!("{}: {}", e.field, e.message.ja),
                format!("{}: {}", e.field, e.message.en),
            ))
        })?;
        // The whole plan as a folder is checked: an edit that leaves it
        // inconsistent (a node on a value no longer there …) is refused.
        if let Err(errors) = gyokaku_interchange::check_document(&mut doc.clone()) {
            let first = errors.0.iter().take(3);
            let (ja, en): (Vec<String>, Vec<String>) =
                first.map(|e| (e.ja.clone(), e.en.clone())).unzip();
            return Err(StoreError::Invalid(Message::new(
                ja.join(" / "),
                en.join(" / "),
            )));
        }
        let after = serde_json::to_string(edit).map_err(crate::sql::corrupt)?;
        let version = write_draft(
            &mut tx,
            plan,
            plan_id,
            base,
            &doc,
            expected,
            actor,
            ("edit_draft", after),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Replaces the draft's whole structure with `doc` (a plan workbook
    /// read back): based on revision `revision` and, when the workbook was
    /// the draft's, on the draft's `expected` version. Refused as a
    /// conflict when another revision was recorded since, when the draft
    /// changed, or when a draft was started since a revision's workbook
    /// was downloaded: nobody's edits are overwritten unseen.
    pub async fn replace_draft(
        &self,
        plan: &PlanRef,
        doc: &PlanDocument,
        revision: u32,
        expected: Option<i64>,
        file_name: &str,
        actor: &Actor,
    ) -> Result<i64> {
        office_only(actor)?;
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let latest = revisions_in(&mut tx, plan_id)
            .await?
            .last()
            .map_or(1, |r| r.number);
        if latest != revision {
            return Err(StoreError::RevisionConflict {
                base: revision,
                current: latest,
            });
        }
        let draft = draft_in(&mut tx, plan_id).await?;
        check_version(draft.as_ref(), expected)?;
        let after = json!({"workbook": file_name, "nodes": gyokaku_domain::walk_nodes(&doc.nodes).len(), "indicators": doc.indicators.len()}).to_string();
        let structure = revision::structure(doc);
        let version = write_draft(
            &mut tx,
            plan,
            plan_id,
            latest,
            &structure,
            expected,
            actor,
            ("upload_plan_workbook", after),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Throws the draft away (the office, at its current version).
    pub async fn discard_draft(&self, plan: &PlanRef, expected: i64, actor: &Actor) -> Result<()> {
        office_only(actor)?;
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let draft = draft_in(&mut tx, plan_id).await?;
        check_version(draft.as_ref(), Some(expected))?;
        sqlx::query("UPDATE plan_drafts SET document_json = '' WHERE plan_id = $1")
            .bind(plan_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            &actor.login,
            "discard_draft",
            plan,
            Change {
                entity: "draft",
                key: &expected.to_string(),
                before: draft.map(|d| json!({"base": d.base}).to_string()),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adopts the draft as the plan's next revision (kind, date, first
    /// year, reason and deciding body from `options`), in one transaction
    /// with the draft's removal. Refused as a conflict when another
    /// revision was recorded since the draft began.
    pub async fn adopt_draft(
        &self,
        plan: &PlanRef,
        options: &RevisionOptions,
        expected: i64,
        actor: &Actor,
    ) -> Result<Revised> {
        office_only(actor)?;
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let draft = draft_in(&mut tx, plan_id).await?;
        check_version(draft.as_ref(), Some(expected))?;
        let draft = draft.ok_or_else(|| StoreError::NotFound("draft".into()))?;
        let done = revise_in(
            &mut tx,
            plan,
            plan_id,
            &draft.doc,
            options,
            Some(draft.base),
            &actor.login,
        )
        .await?;
        sqlx::query("UPDATE plan_drafts SET document_json = '' WHERE plan_id = $1")
            .bind(plan_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done)
    }
}
