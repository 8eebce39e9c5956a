//! The department workbook round trip (実績報告の Excel): download a
//! department's items for a year, fill them in offline, upload, see every
//! change before it is applied, apply all of it in one transaction.
//! The preview is kept on the server (`crate::pending`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use gyokaku_domain::present;
use gyokaku_domain::{FiscalYear, Yen};
use gyokaku_interchange::workbook::{
    self, Book, BookIndicator, BookItem, BookKey, BookReport, CellError, Field, Review,
};
use gyokaku_store::{CycleState, ItemEdit, Role, StoreError, StoredProgress};

use crate::auth::Auth;
use crate::error::{url_encode, AppError};
use crate::form::{FormData, Upload};
use crate::handlers::plans::Opt;
use crate::handlers::{html, see_other};
use crate::i18n::Tr;
use crate::policy;
use crate::views::{Chrome, ItemInfo, PlanCtx};
use crate::AppState;

/// A previewed workbook waiting for its confirmation.
pub struct PendingBook {
    fy: FiscalYear,
    dept: String,
    edits: Vec<(ItemEdit, Option<i64>)>,
}

/// Whether the item is the department's, directly or through a division.
fn of_dept(ctx: &PlanCtx, item: &ItemInfo, dept: &str) -> bool {
    ctx.coverage.covers_any(dept, &item.dept_ids)
}

/// The office may use any department's workbook; an editor only the
/// workbooks of departments they are responsible for; nobody else.
fn may_use(auth: &Auth, ctx: &PlanCtx, dept: &str) -> bool {
    let user = auth.user();
    match user.role {
        Role::Office => true,
        Role::Editor => policy::responsible(user, &ctx.r.city, &[dept.to_string()], &ctx.coverage),
        Role::Council | Role::Viewer => false,
    }
}

fn authorise(auth: &Auth, ctx: &PlanCtx, dept: &str) -> Result<(), AppError> {
    if !ctx.dept_names.contains_key(dept) {
        return Err(AppError::NotFound);
    }
    if may_use(auth, ctx, dept) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The departments whose workbook the user may take, for the dashboard's
/// download form (`dept_ids`: the departments that have items).
pub fn dashboard_depts(auth: &Auth, ctx: &PlanCtx, current: Option<&str>) -> Vec<Opt> {
    ctx.model
        .departments
        .iter()
        .filter(|g| may_use(auth, ctx, &g.key))
        .map(|g| Opt {
            value: g.key.clone(),
            label: g.label.clone(),
            selected: current == Some(g.key.as_str()),
        })
        .collect()
}

/// The workbook's content: the department's items with their stored
/// reports and indicator actuals for the year.
async fn book_for(
    state: &AppState,
    ctx: &PlanCtx,
    fy: FiscalYear,
    dept: &str,
) -> Result<Book, AppError> {
    let reports = state.store.reports(&ctx.r, Some(fy)).await?;
    // The cached plan structure carries no actuals: read them fresh.
    let actuals = state.store.plan_indicator_values(&ctx.r).await?;
    let by_node: HashMap<&str, &StoredProgress> = reports
        .iter()
        .map(|p| (p.progress.node.as_str(), p))
        .collect();
    let items = ctx
        .items
        .iter()
        .filter(|i| of_dept(ctx, i, dept))
        .map(|i| BookItem {
            id: i.id.clone(),
            number: i.number.clone(),
            title: i.title.clone(),
            depts: i.dept_names.join("、"),
            current: by_node.get(i.id.as_str()).map(|p| BookReport {
                progress: p.progress.clone(),
                version: p.version,
                updated_by: p.updated_by.clone(),
                state: p.state,
            }),
            indicators: ctx
                .doc
                .indicators
                .iter()
                .filter(|ind| ind.node.as_deref() == Some(i.id.as_str()))
                .map(|ind| BookIndicator {
                    id: ind.id.clone(),
                    name: ind.name.clone(),
                    unit: ind.unit.clone().unwrap_or_default(),
                    value: actuals
                        .iter()
                        .find(|s| s.value.indicator == ind.id && s.value.fy == fy)
                        .map(|s| s.value.value),
                })
                .collect(),
        })
        .collect();
    Ok(Book {
        key: BookKey {
            city: ctx.city(),
            plan: ctx.r.plan.clone(),
            fy,
            dept: dept.to_string(),
        },
        city_name: ctx.doc.header.city.name.clone(),
        plan_title: ctx.doc.header.plan.title.clone(),
        dept_name: ctx
            .dept_names
            .get(dept)
            .cloned()
            .unwrap_or_else(|| dept.to_string()),
        scale: ctx.doc.header.status_scale.clone(),
        open: ctx.cycle_state(fy) == Some(CycleState::Open),
        items,
        plan_items: ctx.items.iter().map(|i| i.id.clone()).collect(),
    })
}

/// `filename*` of Content-Disposition (RFC 5987/6266): UTF-8, percent-
/// encoded except the attribute characters.
pub(crate) fn rfc5987(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'!'
            | b'#'
            | b'$'
            | b'&'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The download's file name: an ASCII one for old clients, and the
/// Japanese one (担当課_令和7年度_実績報告.xlsx) for the rest.
fn content_disposition(book: &Book) -> String {
    attachment(
        &format!(
            "gyokaku_{}_{}_{}_{}.xlsx",
            book.key.city,
            book.key.plan,
            book.key.fy.year(),
            book.key.dept
        ),
        &format!(
            "{}_{}_{}_実績報告.xlsx",
            book.plan_title,
            book.dept_name,
            book.key.fy.wareki()
        ),
    )
}

/// Content-Disposition of a download: `ascii` made safe for old clients,
/// `utf8` (the Japanese name) for the rest.
pub(crate) fn attachment(ascii: &str, utf8: &str) -> String {
    let ascii: String = ascii
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let utf8: String = utf8
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(&utf8)
    )
}

#[derive(Deserialize, Default)]
pub struct BookQuery {
    fy: Option<String>,
    dept: Option<String>,
}

/// GET `/p/{city}/{plan}/workbook?fy=YYYY&dept=DEPT`: the department's
/// workbook for the year.
pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<BookQuery>,
) -> Result<Response, AppError> {
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = ctx.pick_year(q.fy.as_deref())?;
    let dept = q
        .dept
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| AppError::bad("workbook.no_dept"))?;
    authorise(&auth, &ctx, &dept)?;
    let book = book_for(&state, &ctx, fy, &dept).await?;
    let disposition = content_disposition(&book);
    let bytes = tokio::task::spawn_blocking(move || workbook::build(&book))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))?
        .map_err(|e| AppError::Internal(format!("workbook: {e}")))?;
    Ok(xlsx(disposition, bytes))
}

/// A workbook as a download (`disposition` from [`attachment`]).
pub(crate) fn xlsx(disposition: String, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub struct ChangeLine {
    pub field: String,
    pub at: String,
    pub before: String,
    pub after: String,
}

pub struct ChangeGroup {
    pub number: String,
    pub title: String,
    pub href: String,
    pub lines: Vec<ChangeLine>,
}

pub struct StaleLine {
    pub number: String,
    pub title: String,
    pub href: String,
    pub at: String,
    pub workbook: String,
    pub current: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "workbook.html")]
struct PreviewPage {
    chrome: Chrome,
    base: String,
    file_name: String,
    /// 令和7(2025)年度 — 財政課, when the workbook said which.
    subject: String,
    errors: Vec<String>,
    stale: Vec<StaleLine>,
    changes: Vec<ChangeGroup>,
    summary: String,
    token: String,
    download_href: String,
    back_href: String,
}

fn field_label(tr: Tr, f: &Field) -> String {
    match f {
        Field::Status => tr.s("item.status").to_string(),
        Field::Result => tr.s("field.result").to_string(),
        Field::SelfEvaluation => tr.s("field.self_evaluation").to_string(),
        Field::Direction => tr.s("field.direction").to_string(),
        Field::SpendingCut => tr.s("field.spending_cut").to_string(),
        Field::Revenue => tr.s("field.revenue").to_string(),
        Field::Indicator { name, unit } if unit.is_empty() => {
            format!("{}: {name}", tr.s("field.indicator"))
        }
        Field::Indicator { name, unit } => format!("{}: {name}（{unit}）", tr.s("field.indicator")),
    }
}

/// A value as the preview shows it: amounts in 万/億, blanks named.
fn shown(tr: Tr, f: &Field, v: &str) -> String {
    if v.is_empty() {
        return tr.s("workbook.empty").to_string();
    }
    match f {
        Field::SpendingCut | Field::Revenue => v
            .parse::<i64>()
            .map(|n| Yen(n).japanese())
            .unwrap_or_else(|_| v.to_string()),
        _ => v.to_string(),
    }
}

fn error_lines(tr: Tr, errors: &[CellError]) -> Vec<String> {
    errors.iter().map(|e| tr.text(e)).collect()
}

struct Subject<'a> {
    key: Option<&'a BookKey>,
    dept_name: String,
}

fn preview(
    auth: &Auth,
    ctx: &PlanCtx,
    file_name: &str,
    subject: Subject<'_>,
    review: &Review,
    token: String,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let base = ctx.base();
    let item_href =
        |node: &str, fy: FiscalYear| format!("{base}/items/{}?fy={}", url_encode(node), fy.year());
    let fy = subject.key.map(|k| k.fy);
    let changes: Vec<ChangeGroup> = review
        .changes
        .iter()
        .map(|c| ChangeGroup {
            number: c.number.clone(),
            title: c.title.clone(),
            href: item_href(&c.node, c.edit.progress.fy),
            lines: c
                .fields
                .iter()
                .map(|f| ChangeLine {
                    field: field_label(tr, &f.field),
                    at: f.at.clone(),
                    before: shown(tr, &f.field, &f.before),
                    after: shown(tr, &f.field, &f.after),
                })
                .collect(),
        })
        .collect();
    let version = |v: Option<i64>| {
        v.map(|v| v.to_string())
            .unwrap_or_else(|| tr.s("workbook.version_none").to_string())
    };
    let stale = review
        .stale
        .iter()
        .map(|s| StaleLine {
            number: s.number.clone(),
            title: s.title.clone(),
            href: fy.map(|fy| item_href(&s.node, fy)).unwrap_or_default(),
            at: s.at.clone(),
            workbook: version(s.workbook_version),
            current: version(s.current_version),
            by: s.updated_by.clone(),
        })
        .collect();
    let fields: usize = changes.iter().map(|g| g.lines.len()).sum();
    let (download_href, back_href, subject_text) = match subject.key {
        Some(k) => (
            format!(
                "{base}/workbook?fy={}&dept={}",
                k.fy.year(),
                url_encode(&k.dept)
            ),
            format!("{base}?fy={}&dept={}", k.fy.year(), url_encode(&k.dept)),
            format!(
                "{} — {}",
                present::fiscal_year(tr.lang, k.fy),
                subject.dept_name
            ),
        ),
        None => (String::new(), base.clone(), String::new()),
    };
    let status = if review.errors.is_empty() && review.stale.is_empty() {
        StatusCode::OK
    } else if review.errors.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = PreviewPage {
        chrome: Chrome::new(auth, tr.s("workbook.preview_title"), base.clone())
            .crumb(tr.s("home.title"), "/")
            .crumb(ctx.doc.header.plan.title.clone(), back_href.clone()),
        base,
        file_name: file_name.to_string(),
        subject: subject_text,
        errors: error_lines(tr, &review.errors),
        stale,
        summary: tr.f("workbook.summary", &[&changes.len(), &fields]),
        changes,
        token,
        download_href,
        back_href,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// POST `/p/{city}/{plan}/workbook` (multipart: `_csrf`, `file`): reads
/// the workbook and shows every change, error and stale row. Nothing is
/// written here.
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let Upload { csrf, file } = Upload::read(multipart, "workbook.too_large").await?;
    auth.check_csrf(csrf.as_deref())?;
    let user = auth.user();
    if !matches!(user.role, Role::Office | Role::Editor) {
        return Err(AppError::Forbidden);
    }
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let Some((file_name, bytes)) = file else {
        return Err(AppError::bad("workbook.no_file"));
    };
    let name = file_name.clone();
    let opened = tokio::task::spawn_blocking(move || workbook::open(&name, &bytes))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))?;
    let no_subject = || Subject {
        key: None,
        dept_name: String::new(),
    };
    let uploaded = match opened {
        Ok(u) => u,
        Err(errors) => {
            let review = Review {
                errors,
                ..Review::default()
            };
            return preview(
                &auth,
                &ctx,
                &file_name,
                no_subject(),
                &review,
                String::new(),
            );
        }
    };
    let key = match uploaded.key() {
        Ok(k) => k,
        Err(errors) => {
            let review = Review {
                errors,
                ..Review::default()
            };
            return preview(
                &auth,
                &ctx,
                &file_name,
                no_subject(),
                &review,
                String::new(),
            );
        }
    };
    if let Some(e) = key.other_plan(&ctx.city(), &ctx.r.plan) {
        let review = Review {
            errors: vec![e],
            ..Review::default()
        };
        return preview(
            &auth,
            &ctx,
            &file_name,
            no_subject(),
            &review,
            String::new(),
        );
    }
    authorise(&auth, &ctx, &key.dept)?;
    let book = book_for(&state, &ctx, key.fy, &key.dept).await?;
    let dept_name = book.dept_name.clone();
    let review = tokio::task::spawn_blocking(move || uploaded.review(&book))
        .await
        .map_err(|e| AppError::Internal(format!("workbook task: {e}")))?;
    let token = if review.applicable() {
        state.workbooks.put(
            user.id,
            &auth.token_hash,
            &ctx.r,
            PendingBook {
                fy: key.fy,
                dept: key.dept.clone(),
                edits: review
                    .changes
                    .iter()
                    .map(|c| {
                        let edit = ItemEdit {
                            progress: c.edit.progress.clone(),
                            indicator_values: c.edit.indicator_values.clone(),
                        };
                        (edit, c.expected_version)
                    })
                    .collect(),
            },
        )
    } else {
        String::new()
    };
    let subject = Subject {
        key: Some(&key),
        dept_name,
    };
    preview(&auth, &ctx, &file_name, subject, &review, token)
}

/// POST `/p/{city}/{plan}/workbook/apply` (`_csrf`, `token`, `action` =
/// save | submit): applies a previewed upload, all or nothing.
pub async fn apply(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    form.csrf(&auth)?;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let user = auth.user();
    let pending = form
        .get("token")
        .and_then(|t| state.workbooks.take(t, user.id, &auth.token_hash, &ctx.r))
        .ok_or_else(|| AppError::bad("workbook.expired"))?;
    // Rights may have changed since the preview.
    authorise(&auth, &ctx, &pending.dept)?;
    let submit = form.get("action") == Some("submit");
    match state
        .store
        .save_items(&ctx.r, &pending.edits, submit, &user.actor())
        .await
    {
        Ok(_) => Ok(see_other(
            &format!(
                "{}?fy={}&dept={}",
                ctx.base(),
                pending.fy.year(),
                url_encode(&pending.dept)
            ),
            if submit { "submitted" } else { "saved" },
        )),
        Err(StoreError::Conflict { .. }) => {
            let e = AppError::bad("workbook.conflict");
            let mut res = e.into_response();
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii_and_rfc5987() {
        assert_eq!(
            rfc5987("財政課 R7.xlsx"),
            "%E8%B2%A1%E6%94%BF%E8%AA%B2%20R7.xlsx"
        );
        assert_eq!(rfc5987("a\"b;c"), "a%22b%3Bc");
    }

    #[test]
    fn both_locale_files_have_the_same_keys() {
        let (ja, en) = crate::i18n::keys();
        assert_eq!(ja, en, "locales/ja.yaml and locales/en.yaml differ in keys");
        for key in [
            "workbook.title",
            "workbook.download",
            "workbook.upload",
            "workbook.preview_title",
            "workbook.expired",
            "workbook.conflict",
            "workbook.no_file",
            "workbook.no_dept",
            "workbook.too_large",
        ] {
            assert!(ja.iter().any(|k| k == key), "missing {key}");
        }
    }
}
