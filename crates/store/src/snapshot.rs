//! One consistent read of a plan: everything an output renders from, read
//! in a single transaction so that no write lands between its parts.

use gyokaku_domain::{PlanDocument, Report};

use crate::cycle::{cycles_in, reports_in, reviews_in};
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
        tx.commit().await?;
        Ok(Snapshot {
            doc,
            reports,
            cycles,
            reviews,
        })
    }
}
