//! The plan as an Excel workbook in the web app: the office and council
//! download the draft or any revision; the office uploads an edited
//! workbook, sees the draft revision it would make as a diff (or every
//! problem by sheet and cell), and takes it into the draft, all or
//! nothing; a blank workbook filled in starts a new plan.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use gyokaku_domain::{revision, Bilingual, PlanDocument};
use gyokaku_interchange::plan_book::{self, Origin};
use gyokaku_interchange::workbook::CellError;
use gyokaku_store::{OnExisting, StoreError};

use crate::auth::Auth;
use crate::error::AppError;
use crate::form::{CsrfForm, Upload};
use crate::handlers::drafts::{not_found, office, office_or_council, plan_ref};
use crate::handlers::revisions::{change_rows, ChangeRow};
use crate::handlers::workbook::{attachment, xlsx};
use crate::handlers::{html, see_other};
use crate::views::Chrome;
use crate::AppState;

/// A previewed plan workbook waiting for the office's confirmation.
pub struct PendingPlan {
    doc: PlanDocument,
    revision: u32,
    draft: Option<i64>,
    file_name: String,
}

#[derive(Template)]
#[template(path = "plan_workbook.html")]
struct PreviewPage {
    chrome: Chrome,
    /// The draft page (the confirm form posts under it), or the new plan
    /// page.
    back_href: String,
    file_name: String,
    errors: Vec<String>,
    changes: Vec<ChangeRow>,
    replaces_draft: bool,
    token: String,
}

#[derive(Deserialize, Default)]
pub struct RevisionQuery {
    revision: Option<u32>,
}

/// GET `/p/{city}/{plan}/plan.xlsx[?revision=N]`: the draft (or the latest
/// revision), or revision N, as a workbook; the office and the council.
pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<RevisionQuery>,
) -> Result<Response, AppError> {
    office_or_council(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let w = state
        .store
        .structure_or_working(&r, q.revision)
        .await
        .map_err(not_found)?;
    let (origin, doc) = (w.origin(), w.doc);
    let which = match origin {
        Origin { draft: Some(_), .. } => "改訂案".to_string(),
        Origin {
            revision: Some(n), ..
        } => format!("改訂{n}"),
        _ => String::new(),
    };
    let utf8 = format!(
        "{}_{}_{which}.xlsx",
        doc.header.city.name, doc.header.plan.title
    );
    let ascii = format!(
        "gyokaku_{}_{}_{}.xlsx",
        r.city,
        r.plan,
        origin.draft.map_or_else(
            || format!("r{}", origin.revision.unwrap_or(1)),
            |v| format!("draft{v}")
        )
    );
    let bytes = tokio::task::spawn_blocking(move || plan_book::build(&doc, origin))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))?
        .map_err(|e| AppError::Internal(format!("workbook: {e}")))?;
    Ok(xlsx(attachment(&ascii, &utf8), bytes))
}

/// GET `/plans/new/plan.xlsx`: the blank workbook (the office).
pub async fn blank(auth: Auth) -> Result<Response, AppError> {
    office(&auth)?;
    let bytes = plan_book::blank().map_err(|e| AppError::Internal(format!("workbook: {e}")))?;
    Ok(xlsx(
        attachment("gyokaku_new_plan.xlsx", "新しい計画.xlsx"),
        bytes,
    ))
}

fn error_lines(auth: &Auth, errors: &[CellError]) -> Vec<String> {
    let ja = auth.tr.lang == gyokaku_domain::present::Lang::Ja;
    errors
        .iter()
        .map(|e| format!("{}: {}", e.at, if ja { &e.ja } else { &e.en }))
        .collect()
}

/// The preview (or errors) page; `back` is the page the upload came from:
/// the plan's draft, or starting a new plan.
#[allow(clippy::too_many_arguments)]
fn preview(
    auth: &Auth,
    back: (&str, &str),
    file_name: &str,
    errors: Vec<String>,
    changes: Vec<ChangeRow>,
    replaces_draft: bool,
    token: String,
) -> Result<Response, AppError> {
    let (back_key, back_href) = back;
    let tr = auth.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PreviewPage {
        chrome: Chrome::new(
            auth,
            tr.s("planbook.preview_title"),
            format!("{back_href}/workbook"),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(tr.s(back_key), back_href.to_string()),
        back_href: back_href.to_string(),
        file_name: file_name.to_string(),
        errors,
        changes,
        replaces_draft,
        token,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// Reads an uploaded plan workbook off the async threads.
async fn open(
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Result<plan_book::PlanUpload, Vec<CellError>>, AppError> {
    tokio::task::spawn_blocking(move || plan_book::open(&file_name, &bytes))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))
}

/// POST `/p/{city}/{plan}/draft/workbook` (multipart: `_csrf`, `file`):
/// the draft revision the workbook would make, as a diff against the
/// latest revision, or every problem; nothing is written.
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let Upload { csrf, file } = Upload::read(multipart, "workbook.too_large").await?;
    auth.check_csrf(csrf.as_deref())?;
    let user = auth.user();
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let Some((file_name, bytes)) = file else {
        return Err(AppError::bad("workbook.no_file"));
    };
    let back = format!("/p/{}/{}/draft", r.city, r.plan);
    let fail = |errors: Vec<String>| {
        preview(
            &auth,
            ("draft.title", &back),
            &file_name,
            errors,
            Vec::new(),
            false,
            String::new(),
        )
    };
    let uploaded = match open(file_name.clone(), bytes).await? {
        Ok(u) => u,
        Err(e) => return fail(error_lines(&auth, &e)),
    };
    let w = state.store.working(&r).await.map_err(not_found)?;
    let (now, current) = (w.origin(), w.doc);
    let origin = uploaded.origin();
    let latest = state
        .store
        .revisions(&r)
        .await?
        .last()
        .map_or(1, |x| x.number);
    let tr = auth.tr;
    // A workbook made before the last revision, or before (or from another
    // version of) the draft, would overwrite what others did since.
    if origin.revision != Some(latest) {
        return fail(vec![format!(
            "{} ({} {} → {})",
            tr.s("planbook.stale_revision"),
            tr.s("draft.base"),
            origin.revision.map(|n| n.to_string()).unwrap_or_default(),
            latest
        )]);
    }
    if origin.draft != now.draft {
        return fail(vec![tr.s("planbook.stale_draft").to_string()]);
    }
    let read = tokio::task::spawn_blocking(move || uploaded.read(Some(&current)))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))?;
    let doc = match read {
        Ok(d) => d,
        Err(e) => return fail(error_lines(&auth, &e)),
    };
    let before = state.store.revision_structure(&r, latest).await?;
    let changes = change_rows(&before, &doc, tr.lang);
    let token = if changes.is_empty() && now.draft.is_none() {
        String::new()
    } else {
        state.plan_books.put(
            user.id,
            &auth.token_hash,
            &r,
            PendingPlan {
                doc: revision::structure(&doc),
                revision: latest,
                draft: now.draft,
                file_name: file_name.clone(),
            },
        )
    };
    preview(
        &auth,
        ("draft.title", &back),
        &file_name,
        Vec::new(),
        changes,
        now.draft.is_some(),
        token,
    )
}

/// POST `/p/{city}/{plan}/draft/workbook/apply` (`_csrf`, `token`): the
/// previewed workbook becomes the draft revision.
pub async fn apply(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let user = auth.user();
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let pending = form
        .get("token")
        .and_then(|t| state.plan_books.take(t, user.id, &auth.token_hash, &r))
        .ok_or_else(|| AppError::bad("workbook.expired"))?;
    match state
        .store
        .replace_draft(
            &r,
            &pending.doc,
            pending.revision,
            pending.draft,
            &pending.file_name,
            &user.actor(),
        )
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("/p/{}/{}/draft", r.city, r.plan),
            "draft_uploaded",
        )),
        Err(StoreError::Conflict { .. } | StoreError::RevisionConflict { .. }) => {
            let e = AppError::bad("planbook.conflict");
            let mut res = e.into_response();
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST `/plans/new/workbook` (multipart: `_csrf`, `file`): a blank
/// workbook filled in becomes a new plan (its first revision), or every
/// problem is shown.
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let Upload { csrf, file } = Upload::read(multipart, "workbook.too_large").await?;
    auth.check_csrf(csrf.as_deref())?;
    let user = auth.user();
    office(&auth)?;
    let Some((file_name, bytes)) = file else {
        return Err(AppError::bad("workbook.no_file"));
    };
    let fail = |errors: Vec<String>| {
        preview(
            &auth,
            ("start.title", "/plans/new"),
            &file_name,
            errors,
            Vec::new(),
            false,
            String::new(),
        )
    };
    let uploaded = match open(file_name.clone(), bytes).await? {
        Ok(u) => u,
        Err(e) => return fail(error_lines(&auth, &e)),
    };
    let read = tokio::task::spawn_blocking(move || uploaded.read(None))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))?;
    let doc = match read {
        Ok(d) => d,
        Err(e) => return fail(error_lines(&auth, &e)),
    };
    match state
        .store
        .import_plan(&doc, OnExisting::Refuse, &user.login)
        .await
    {
        Ok(r) => Ok(see_other(
            &format!("/p/{}/{}", r.city, r.plan),
            "plan_started",
        )),
        Err(e @ StoreError::AlreadyExists(_)) => {
            let ja = auth.tr.lang == gyokaku_domain::present::Lang::Ja;
            fail(vec![if ja { e.ja() } else { e.en() }])
        }
        Err(e) => Err(e.into()),
    }
}
