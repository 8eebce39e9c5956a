//! The plan's revisions (改訂履歴) for the office and the council: every
//! stored revision with its kind, date, first year, reason and deciding
//! body, and what changed between any two of them, field by field.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use gyokaku_domain::diff::{diff, field_label};
use gyokaku_domain::present;
use gyokaku_store::{PlanRef, Role};

use crate::auth::Auth;
use crate::error::AppError;
use crate::handlers::html;
use crate::views::Chrome;
use crate::AppState;

pub struct RevisionRow {
    pub number: u32,
    pub kind: String,
    pub date: String,
    pub applies_from: String,
    pub reason: String,
    pub decided_by: String,
    pub recorded: String,
}

/// One change between two revisions as a table row shows it.
pub struct ChangeRow {
    pub kind: &'static str,
    pub subject: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The changes from `a` to `b` as rows, in the reader's language (the
/// revisions page and the draft's preview).
pub fn change_rows(
    a: &gyokaku_domain::PlanDocument,
    b: &gyokaku_domain::PlanDocument,
    lang: gyokaku_domain::present::Lang,
) -> Vec<ChangeRow> {
    diff(a, b)
        .iter()
        .map(|c| ChangeRow {
            kind: c.kind.label(lang),
            subject: c.subject.label(lang),
            field: c
                .field
                .map(|f| field_label(f, lang).to_string())
                .unwrap_or_default(),
            before: c.before.clone().unwrap_or_default(),
            after: c.after.clone().unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "revisions.html")]
struct RevisionsPage {
    chrome: Chrome,
    heading: String,
    action: String,
    rows: Vec<RevisionRow>,
    from: u32,
    to: u32,
    changes: Vec<ChangeRow>,
}

#[derive(Deserialize)]
pub struct Compare {
    from: Option<String>,
    to: Option<String>,
    /// A notice after a redirect (a draft adopted).
    done: Option<String>,
}

/// A revision number from the query, or `default`; one not stored is a 404.
fn pick(asked: Option<&str>, default: u32, known: &[u32]) -> Result<u32, AppError> {
    match asked.filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| known.contains(n))
            .ok_or(AppError::NotFound),
    }
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<Compare>,
) -> Result<Response, AppError> {
    if !matches!(auth.user().role, Role::Office | Role::Council) {
        return Err(AppError::Forbidden);
    }
    let r = PlanRef {
        city: gyokaku_domain::LocalGovCode::parse(&city).map_err(|_| AppError::NotFound)?,
        plan,
    };
    let revisions = match state.store.revisions(&r).await {
        Ok(s) => s,
        Err(gyokaku_store::StoreError::NotFound(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let tr = auth.tr;
    let lang = tr.lang;
    let known: Vec<u32> = revisions.iter().map(|r| r.number).collect();
    let latest = known.last().copied().unwrap_or(1);
    let to = pick(q.to.as_deref(), latest, &known)?;
    let from = pick(q.from.as_deref(), to.saturating_sub(1).max(1), &known)?;
    // Only the two structures compared are read.
    let newer = state.store.revision_structure(&r, to).await?;
    let changes = if from == to {
        Vec::new()
    } else {
        let older = state.store.revision_structure(&r, from).await?;
        change_rows(&older, &newer, lang)
    };
    let rows = revisions
        .iter()
        .map(|s| RevisionRow {
            number: s.number,
            kind: s.entry.kind.clone(),
            date: s
                .entry
                .date
                .map(|d| present::date(lang, d))
                .unwrap_or_default(),
            applies_from: s
                .entry
                .applies_from
                .map(|y| present::fiscal_year(lang, y))
                .unwrap_or_default(),
            reason: s.entry.reason.clone().unwrap_or_default(),
            decided_by: s.entry.decided_by.clone().unwrap_or_default(),
            recorded: format!("{} {}", s.created_at, s.created_by),
        })
        .collect();
    let title = if to == latest {
        newer.header.plan.title.clone()
    } else {
        state
            .store
            .revision_structure(&r, latest)
            .await?
            .header
            .plan
            .title
    };
    let base = format!("/p/{}/{}", r.city, r.plan);
    html(&RevisionsPage {
        chrome: Chrome::new(&auth, tr.s("revisions.title"), format!("{base}/revisions"))
            .crumb(tr.s("home.title"), "/")
            .crumb(title.clone(), base.clone())
            .with_notice(q.done.as_deref()),
        heading: format!("{} — {title}", tr.s("revisions.title")),
        action: format!("{base}/revisions"),
        rows,
        from,
        to,
        changes,
    })
}
