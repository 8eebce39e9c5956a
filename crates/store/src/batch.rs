//! Several items' reports saved together, all or nothing: what a
//! department's workbook (実績報告の Excel) brings back in one upload.

use std::collections::HashSet;

use gyokaku_domain::Message;

use crate::cycle::{save_item_in, ItemEdit};
use crate::sql::SqlStore;
use crate::{Actor, PlanRef, Result, StoreError};

impl SqlStore {
    /// Saves (or, with `submit`, submits) every edit in ONE transaction.
    /// Each edit is checked exactly as `save_item` checks one: the year is
    /// open, the report is not submitted or accepted, and the stored
    /// version is the one the edit names (`None`: no report yet). The
    /// first refusal (a `Conflict`, `Invalid` or `NotFound`) rolls back
    /// every edit before it. Returns the new versions, in order.
    pub async fn save_items(
        &self,
        plan: &PlanRef,
        edits: &[(ItemEdit, Option<i64>)],
        submit: bool,
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        let mut seen = HashSet::new();
        for (edit, _) in edits {
            let p = &edit.progress;
            if !seen.insert((p.node.as_str(), p.fy)) {
                return Err(StoreError::Invalid(Message::new(
                    format!(
                        "取組 {} の{}の報告が一括保存に二度含まれています",
                        p.node,
                        p.fy.wareki()
                    ),
                    format!(
                        "item {} appears twice for {} in one batch",
                        p.node,
                        p.fy.english()
                    ),
                )));
            }
        }
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let mut versions = Vec::with_capacity(edits.len());
        for (edit, expected) in edits {
            // Dropping `tx` on an error rolls back every earlier edit.
            let v = save_item_in(&mut tx, plan, plan_id, edit, *expected, submit, actor).await?;
            versions.push(v);
        }
        tx.commit().await?;
        Ok(versions)
    }
}
