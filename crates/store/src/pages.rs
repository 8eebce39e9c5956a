//! Read models for the web app's pages: narrow queries, so that a page
//! reads what it shows and not the whole plan.

use sqlx::Row;

use gyokaku_domain::{FiscalYear, IndicatorValue};

use crate::sql::{
    audit_from_row, indicator_value_from_row, stored_progress_from_row, SqlStore, AUDIT_COLUMNS,
    PROGRESS_COLUMNS, VALUE_COLUMNS,
};
use crate::{AuditEntry, PlanRef, Result, StoreError, StoredProgress};

/// See `SqlStore::plan_stamp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStamp {
    pub structure: String,
    pub revision: i64,
}

impl SqlStore {
    /// What a reader needs to know to cache a plan: its structure changes
    /// by an import, which gives it a new id, or by a change to its content
    /// (structure revision); its revision grows with every audited change (a
    /// report, an actual, a cycle, an opinion, a publication).
    pub async fn plan_stamp(&self, plan: &PlanRef) -> Result<PlanStamp> {
        let row = sqlx::query(
            "SELECT id, structure_revision, revision FROM plans WHERE city_code = $1 AND plan_key = $2",
        )
        .bind(plan.city.to_string())
        .bind(&plan.plan)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("plan {}/{}", plan.city, plan.plan)))?;
        Ok(PlanStamp {
            structure: format!(
                "{}@{}",
                row.try_get::<i64, _>(0)?,
                row.try_get::<i64, _>(1)?
            ),
            revision: row.try_get(2)?,
        })
    }

    /// The reports of one year, in the plan's order.
    pub async fn year_reports(
        &self,
        plan: &PlanRef,
        fy: FiscalYear,
    ) -> Result<Vec<StoredProgress>> {
        sqlx::query(&format!(
            "SELECT {PROGRESS_COLUMNS} FROM plans pl JOIN nodes n ON n.plan_id = pl.id \
             JOIN progress p ON p.node_id = n.id AND p.fy = $3 \
             WHERE pl.city_code = $1 AND pl.plan_key = $2 ORDER BY n.position"
        ))
        .bind(plan.city.to_string())
        .bind(&plan.plan)
        .bind(fy.year() as i64)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(stored_progress_from_row)
        .collect()
    }

    /// Every report of one item, all years, oldest first.
    pub async fn item_reports(&self, plan: &PlanRef, node: &str) -> Result<Vec<StoredProgress>> {
        sqlx::query(&format!(
            "SELECT {PROGRESS_COLUMNS} FROM progress p JOIN nodes n ON n.id = p.node_id \
             JOIN plans pl ON pl.id = n.plan_id WHERE pl.city_code = $1 AND pl.plan_key = $2 \
             AND n.node_key = $3 ORDER BY p.fy"
        ))
        .bind(plan.city.to_string())
        .bind(&plan.plan)
        .bind(node)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(stored_progress_from_row)
        .collect()
    }

    /// The actuals of the indicators attached to one item.
    pub async fn item_indicator_values(
        &self,
        plan: &PlanRef,
        node: &str,
    ) -> Result<Vec<IndicatorValue>> {
        sqlx::query(&format!(
            "SELECT {VALUE_COLUMNS} FROM indicator_values v \
             JOIN indicators i ON i.id = v.indicator_id JOIN nodes n ON n.id = i.node_id \
             JOIN plans pl ON pl.id = i.plan_id WHERE pl.city_code = $1 AND pl.plan_key = $2 \
             AND n.node_key = $3 ORDER BY i.position, v.fy"
        ))
        .bind(plan.city.to_string())
        .bind(&plan.plan)
        .bind(node)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(indicator_value_from_row)
        .collect()
    }

    /// The newest audit records of a plan whose key starts with one of
    /// `prefixes` (an item's `1-2/`, its indicators' `r1-1/`).
    pub async fn audit_for(
        &self,
        plan: &PlanRef,
        prefixes: &[String],
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let mut out = Vec::new();
        for prefix in prefixes {
            let escaped = prefix
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let rows = sqlx::query(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE city_code = $1 AND plan_key = $2 \
                 AND entity_key LIKE $3 ESCAPE '\\' ORDER BY id DESC LIMIT $4"
            ))
            .bind(plan.city.to_string())
            .bind(&plan.plan)
            .bind(format!("{escaped}%"))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                out.push(audit_from_row(r)?);
            }
        }
        out.sort_by_key(|e| std::cmp::Reverse(e.id));
        out.truncate(limit as usize);
        Ok(out)
    }
}

/// An indicator actual as stored: the version an edit must name, and when
/// it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredValue {
    pub value: IndicatorValue,
    pub version: i64,
    pub updated_at: String,
}

impl SqlStore {
    /// Every actual of a plan's indicators, with its version and when it
    /// was last written, in the plan's indicator order, then by year.
    pub async fn plan_indicator_values(&self, plan: &PlanRef) -> Result<Vec<StoredValue>> {
        sqlx::query(&format!(
            "SELECT {VALUE_COLUMNS}, v.updated_at, v.version FROM indicator_values v \
             JOIN indicators i ON i.id = v.indicator_id JOIN plans pl ON pl.id = i.plan_id \
             WHERE pl.city_code = $1 AND pl.plan_key = $2 ORDER BY i.position, v.fy"
        ))
        .bind(plan.city.to_string())
        .bind(&plan.plan)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| -> Result<StoredValue> {
            Ok(StoredValue {
                value: indicator_value_from_row(r)?,
                updated_at: r.try_get(5)?,
                version: r.try_get(6)?,
            })
        })
        .collect()
    }
}
