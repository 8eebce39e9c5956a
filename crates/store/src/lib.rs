//! The store: what gyokaku keeps, in the language of its use cases, on
//! embedded SQLite (the default) or PostgreSQL (production, many cities).
//! One implementation over sqlx's `Any` driver; the schema and migrations are
//! written per backend, and the same conformance suite runs on both.
#![forbid(unsafe_code)]

mod accounts;
mod batch;
mod clock;
mod cycle;
mod drafts;
mod error;
mod imports;
mod migrate;
mod pages;
mod revisions;
mod snapshot;
mod sql;

use gyokaku_domain::{LocalGovCode, Progress};
use serde::Serialize;

pub use accounts::{NewUser, Session, User, UserUpdate};
pub use clock::{iso_in, now_iso, now_unix};
pub use cycle::{Cycle, CycleState, ItemEdit, ReviewEntry, ReviewKind};
pub use drafts::{Draft, DraftStamp, Working};
pub use error::{Result, StoreError};
pub use gyokaku_domain::{Actor, DeptRef, ReportState, Role};
pub use imports::ValueEntry;
pub use pages::{PlanStamp, StoredValue};
pub use revisions::{Revised, StoredRevision};
pub use snapshot::Snapshot;
pub use sql::{Backend, SqlStore};

/// A plan as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanListing {
    pub city_code: String,
    pub city_name: String,
    pub plan_id: String,
    pub title: String,
    pub draft: bool,
    pub period: Option<(i32, i32)>,
    pub items: i64,
}

/// Identifies a plan: the city's code and the plan's id within the city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRef {
    pub city: LocalGovCode,
    pub plan: String,
}

/// A yearly progress record as stored, with the version edits must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProgress {
    pub progress: Progress,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
    /// Where the report stands in the yearly cycle.
    pub state: ReportState,
}

/// One audit record: who did what, when, with the state before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    /// The plan the change belongs to (`""` for accounts).
    pub city: String,
    pub plan: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// How an import treats a plan that is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    Refuse,
    /// Replace a plan that holds nothing but what a plan folder holds: no
    /// yearly cycle, no review or opinion, no report other than an accepted
    /// one. A plan with workflow history is refused (nothing a user entered
    /// is destroyed by an import).
    Replace,
    /// Replace it with everything hanging from it, history included. The
    /// caller backs it up first (the CLI's `--discard-history`; the demo and
    /// the benchmarks, which rebuild their own databases).
    DiscardHistory,
}
