//! Tables sent on their own after a plan's import: indicator actuals (a
//! department's yearly figures) and fiscal ratios of several cities (a
//! peer table, as 安中's 図表-5). Each is one transaction: all or nothing.

use serde_json::json;
use sqlx::Row;

use gyokaku_domain::{FiscalObservation, IndicatorValue};

use crate::cycle::{may_enter_in, require_open, write_indicator_value};
use crate::sql::{audit, bump_revision, Change, SqlStore};
use crate::{Actor, PlanRef, Result};

/// An actual entered in the yearly cycle, with the version of the stored
/// value the user saw (`None`: there was none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueEntry {
    pub value: IndicatorValue,
    pub expected_version: Option<i64>,
}

impl SqlStore {
    /// Stores indicator actuals (new or changed; unchanged ones are left
    /// alone and not audited). Returns how many rows were given.
    pub async fn record_indicator_values(
        &self,
        plan: &PlanRef,
        values: &[IndicatorValue],
        actor: &str,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        for v in values {
            write_indicator_value(&mut tx, plan, plan_id, None, v, None, actor).await?;
        }
        tx.commit().await?;
        Ok(values.len())
    }

    /// Actuals entered in the yearly cycle (an indicator's page, or a table
    /// uploaded in the web app), in one transaction: every year must be
    /// open, and every stored value must still be the version the user saw,
    /// else nothing is written and the conflict is returned. Returns how
    /// many values changed (unchanged ones are not audited).
    pub async fn enter_indicator_values(
        &self,
        plan: &PlanRef,
        entries: &[ValueEntry],
        actor: &Actor,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        let mut changed = 0;
        for e in entries {
            require_open(&mut tx, plan_id, e.value.fy).await?;
            // Who may enter what is decided here too, whatever the caller
            // checked first.
            may_enter_in(&mut tx, plan_id, &plan.city, &e.value.indicator, actor).await?;
            let expected = Some(e.expected_version);
            if write_indicator_value(
                &mut tx,
                plan,
                plan_id,
                None,
                &e.value,
                expected,
                &actor.login,
            )
            .await?
            {
                changed += 1;
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Adds or replaces fiscal ratios (by city, year and ratio).
    pub async fn upsert_fiscal(
        &self,
        plan: &PlanRef,
        rows: &[FiscalObservation],
        actor: &str,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.plan_id(&mut tx, plan).await?;
        for o in rows {
            let key = format!("{}/{}/{}", o.lgcode, o.fy.year(), o.ratio.key());
            let before: Option<String> = sqlx::query(
                "SELECT value FROM fiscal_ratios WHERE plan_id = $1 AND lgcode = $2 AND fy = $3 AND ratio = $4",
            )
            .bind(plan_id)
            .bind(o.lgcode.to_string())
            .bind(o.fy.year() as i64)
            .bind(o.ratio.key())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
            let value = o.value.to_string();
            if before.as_deref() == Some(value.as_str()) {
                continue;
            }
            sqlx::query(
                "DELETE FROM fiscal_ratios WHERE plan_id = $1 AND lgcode = $2 AND fy = $3 AND ratio = $4",
            )
            .bind(plan_id)
            .bind(o.lgcode.to_string())
            .bind(o.fy.year() as i64)
            .bind(o.ratio.key())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO fiscal_ratios (plan_id, lgcode, city_name, fy, ratio, value, source) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(plan_id)
            .bind(o.lgcode.to_string())
            .bind(&o.city)
            .bind(o.fy.year() as i64)
            .bind(o.ratio.key())
            .bind(&value)
            .bind(o.source.clone())
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor,
                "record_fiscal_ratio",
                plan,
                Change {
                    entity: "fiscal_ratio",
                    key: &key,
                    before: before.map(|b| json!({ "value": b }).to_string()),
                    after: Some(json!({ "city": o.city, "value": value }).to_string()),
                },
            )
            .await?;
        }
        sqlx::query("UPDATE plans SET structure_revision = structure_revision + 1 WHERE id = $1")
            .bind(plan_id)
            .execute(&mut *tx)
            .await?;
        bump_revision(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}

impl SqlStore {
    /// Records an act that changes no table of the plan (a publication)
    /// in the plan's audit log.
    pub async fn audit_event(
        &self,
        plan: &PlanRef,
        action: &str,
        entity: &str,
        key: &str,
        detail: serde_json::Value,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        self.plan_id(&mut tx, plan).await?;
        audit(
            &mut tx,
            actor,
            action,
            plan,
            Change {
                entity,
                key,
                before: None,
                after: Some(detail.to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
