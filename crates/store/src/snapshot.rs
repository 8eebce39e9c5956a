//! One consistent read of a plan: everything an output renders from, read
//! in a single transaction so that no write lands between its parts.

use std::collections::BTreeMap;

use gyokaku_domain::revision::{self, Step};
use gyokaku_domain::{FiscalYear, PlanDocument, Report};

use crate::cycle::{cycles_in, reports_in, reviews_in};
use crate::revisions::{earlier_docs_in, revisions_in, StoredRevision};
use crate::sql::{export_in, SqlStore};
use crate::{Cycle, PlanRef, Result, ReviewEntry};

/// A plan as stored at one moment: its document (structure, actuals and
/// fiscal ratios), every report with its state, the cycles and the review
/// threads.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The plan; `doc.progress` is emptied: reports are in `reports`, with
    /// where each stands in the cycle.
    pub doc: PlanDocument,
    pub reports: Vec<Report>,
    pub cycles: Vec<Cycle>,
    pub reviews: Vec<ReviewEntry>,
    /// Every revision, oldest first; the latest is `doc`'s structure.
    pub revisions: Vec<StoredRevision>,
    /// The structures of the earlier revisions, by number.
    pub earlier: BTreeMap<u32, PlanDocument>,
}

impl Snapshot {
    /// The revision a year is reported and published against.
    pub fn in_force(&self, fy: FiscalYear) -> Option<u32> {
        let applies: Vec<_> = self.revisions.iter().map(StoredRevision::applies).collect();
        revision::in_force(&applies, fy)
    }

    /// The structure of revision `number` (without records).
    pub fn structure(&self, number: u32) -> Option<PlanDocument> {
        if self.revisions.last().is_some_and(|r| r.number == number) {
            return Some(revision::structure(&self.doc));
        }
        self.earlier.get(&number).cloned()
    }

    /// The plan as year `fy` sees it: the structure of the revision in
    /// force for it, with every actual and fiscal ratio on record.
    pub fn doc_for(&self, fy: FiscalYear) -> PlanDocument {
        match self.in_force(fy).and_then(|n| self.earlier.get(&n)) {
            Some(earlier) => PlanDocument {
                indicator_values: self.doc.indicator_values.clone(),
                fiscal: self.doc.fiscal.clone(),
                progress: Vec::new(),
                ..earlier.clone()
            },
            None => self.doc.clone(),
        }
    }

    /// The revision history as of year `fy`: every revision up to the one
    /// in force for it, each with what changed from the one before.
    pub fn history(&self, fy: FiscalYear) -> Vec<Step> {
        let upto = self.in_force(fy).unwrap_or(0);
        let mut out = Vec::new();
        let mut before: Option<PlanDocument> = None;
        for r in self.revisions.iter().filter(|r| r.number <= upto) {
            let Some(now) = self.structure(r.number) else {
                continue;
            };
            let changes = before
                .as_ref()
                .map(|b| gyokaku_domain::diff::diff(b, &now))
                .unwrap_or_default();
            out.push(Step {
                number: r.number,
                entry: r.entry.clone(),
                changes,
            });
            before = Some(now);
        }
        out
    }
}

impl SqlStore {
    /// Reads a plan's snapshot in one transaction.
    pub async fn snapshot(&self, plan: &PlanRef) -> Result<Snapshot> {
        let mut tx = self.begin_snapshot().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let mut doc = export_in(&mut tx, plan_id).await?;
        doc.progress = Vec::new();
        let reports = reports_in(&mut tx, plan_id, None)
            .await?
            .into_iter()
            .map(|p| Report {
                progress: p.progress,
                state: p.state,
            })
            .collect();
        let cycles = cycles_in(&mut tx, plan_id).await?;
        let reviews = reviews_in(&mut tx, plan_id, None, None).await?;
        let revisions = revisions_in(&mut tx, plan_id).await?;
        let earlier = earlier_docs_in(&mut tx, plan_id, &revisions).await?;
        tx.commit().await?;
        Ok(Snapshot {
            doc,
            reports,
            cycles,
            reviews,
            revisions,
            earlier,
        })
    }
}
