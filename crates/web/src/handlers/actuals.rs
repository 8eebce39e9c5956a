//! Indicator actuals in the web app, for every indicator of a plan, the
//! policy-level ones included (石岡's outcome indicators hang off 基本施策,
//! not off an item):
//! - an indicator's own page: what it measures, its series against baseline
//!   and target, its achievement, its changes, and a form for each open
//!   year for those answerable for it;
//! - a table of actuals uploaded as CSV or .xlsx (a template is handed out
//!   with the user's indicators), previewed with every problem located by
//!   row and column or cell, then applied all or nothing.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use gyokaku_domain::present;
use gyokaku_domain::{assess, Decimal, FiscalYear, Indicator, IndicatorValue};
use gyokaku_interchange::workbook;
use gyokaku_store::{CycleState, Role, StoreError, StoredValue, ValueEntry};

use crate::auth::Auth;
use crate::error::{url_encode, AppError};
use crate::form::{FormData, Upload};
use crate::handlers::indicators::{
    default_as_of, gaps_text, indicator_chart, kind_text, trajectory_text,
};
use crate::handlers::plans::{audit_lines, AuditLine, Opt};
use crate::handlers::{html, see_other};
use crate::views::{level_label, Chrome, PlanCtx};
use crate::AppState;

/// The open years of a plan: the only years actuals can be entered for.
fn open_years(ctx: &PlanCtx) -> Vec<FiscalYear> {
    ctx.cycles
        .iter()
        .filter(|c| c.state == CycleState::Open)
        .map(|c| c.fy)
        .collect()
}

fn indicator_or_404<'a>(ctx: &'a PlanCtx, id: &str) -> Result<&'a Indicator, AppError> {
    ctx.doc
        .indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)
}

/// The stored actuals of one indicator, by year.
fn series_of<'a>(values: &'a [StoredValue], id: &str) -> Vec<&'a StoredValue> {
    values.iter().filter(|s| s.value.indicator == id).collect()
}

/// The (indicator, open year) pairs an editor may not change: the
/// indicator's item has its report with the office (submitted or
/// accepted) that year, and its actuals are frozen with it, as on the item
/// page. Each year's reports are read once.
async fn frozen(
    state: &AppState,
    auth: &Auth,
    ctx: &PlanCtx,
    open: &[FiscalYear],
) -> Result<Vec<(String, FiscalYear)>, AppError> {
    let mut out = Vec::new();
    if auth.user().role != Role::Editor {
        return Ok(out);
    }
    for fy in open {
        let reports = ctx.year_reports(state, *fy).await?;
        for r in reports.iter().filter(|r| !r.state.editable()) {
            let node = r.progress.node.as_str();
            out.extend(
                ctx.doc
                    .indicators
                    .iter()
                    .filter(|i| i.node.as_deref() == Some(node) && ctx.item(node).is_some())
                    .map(|i| (i.id.clone(), *fy)),
            );
        }
    }
    Ok(out)
}

/// The years of `frozen` for one indicator.
fn frozen_for(frozen: &[(String, FiscalYear)], id: &str) -> Vec<FiscalYear> {
    frozen
        .iter()
        .filter(|(i, _)| i == id)
        .map(|(_, fy)| *fy)
        .collect()
}

pub fn indicator_href(ctx: &PlanCtx, id: &str) -> String {
    format!("{}/indicators/{}", ctx.base(), url_encode(id))
}

// ---------------------------------------------------------------------
// An indicator's page and its form.

/// One year of an indicator's series, with the form's fields when the
/// year is open and the user answerable.
pub struct YearLine {
    pub fy: String,
    pub year: i32,
    pub value: String,
    pub note: String,
    pub updated: String,
    pub demo: bool,
    pub editable: bool,
    /// What the form holds (typed, when a refused save is shown again).
    pub input: String,
    pub input_note: String,
    pub version: String,
    /// The stored value and note the form showed: a row left as shown is
    /// not written (it cannot undo someone else's newer value).
    pub shown: String,
    pub shown_note: String,
    /// The stored value now, when the save was refused as a conflict.
    pub theirs: Option<String>,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    action: String,
    name: String,
    unit: String,
    kind: String,
    definition: String,
    node: String,
    node_href: String,
    depts: String,
    baseline: String,
    target: String,
    note: String,
    challenge: bool,
    as_of: String,
    achievement: String,
    class: String,
    class_key: &'static str,
    gaps: String,
    chart: String,
    years: Vec<YearLine>,
    any_editable: bool,
    may_enter: bool,
    errors: Vec<String>,
    conflict: bool,
    changes: Vec<AuditLine>,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    done: Option<String>,
}

/// A year's fields as posted, when the user changed them.
struct Typed {
    value: String,
    note: String,
    version: String,
    shown: String,
    shown_note: String,
}

/// What a re-rendered page carries over from a refused save.
#[derive(Default)]
struct Carry {
    typed: HashMap<i32, Typed>,
    errors: Vec<String>,
    conflict: bool,
    done: Option<String>,
}

async fn render_indicator(
    state: &AppState,
    auth: &Auth,
    ctx: &PlanCtx,
    id: &str,
    carry: Carry,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let i = indicator_or_404(ctx, id)?;
    let values = state.store.plan_indicator_values(&ctx.r).await?;
    let mine = series_of(&values, id);
    let plain: Vec<IndicatorValue> = mine.iter().map(|s| s.value.clone()).collect();
    let refs: Vec<&IndicatorValue> = plain.iter().collect();
    let as_of = default_as_of();
    let a = assess(i, &plain, as_of);
    let may_enter = ctx.may_enter(auth, id);
    let open = open_years(ctx);
    let frozen = frozen_for(&frozen(state, auth, ctx, &open).await?, id);

    // Every year from the baseline's (or the first with an actual) to the
    // target's (or the last open or reported): a gap shows as a blank row.
    let mut known = ctx.years();
    known.extend(plain.iter().map(|v| v.fy));
    known.extend(i.baseline.as_ref().and_then(|b| b.fy));
    known.extend(i.target.as_ref().and_then(|t| t.fy));
    known.extend(open.iter().copied());
    let years: Vec<FiscalYear> = match (known.iter().min(), known.iter().max()) {
        (Some(first), Some(last)) => (first.year()..=last.year())
            .filter_map(|y| FiscalYear::new(y).ok())
            .collect(),
        _ => Vec::new(),
    };
    let lines: Vec<YearLine> = years
        .iter()
        .map(|y| {
            let stored = mine.iter().find(|s| s.value.fy == *y);
            let editable = may_enter && open.contains(y) && !frozen.contains(y);
            let stored_value = stored
                .map(|s| s.value.value.to_string())
                .unwrap_or_default();
            let stored_note = stored
                .and_then(|s| s.value.note.clone())
                .unwrap_or_default();
            let stored_version = stored.map(|s| s.version.to_string()).unwrap_or_default();
            // After a conflict the user's rows keep what they typed and now
            // name the stored version, shown beside them.
            let (input, input_note, version, shown, shown_note) = match carry.typed.get(&y.year()) {
                Some(t) if !carry.conflict => (
                    t.value.clone(),
                    t.note.clone(),
                    t.version.clone(),
                    t.shown.clone(),
                    t.shown_note.clone(),
                ),
                Some(t) => (
                    t.value.clone(),
                    t.note.clone(),
                    stored_version.clone(),
                    stored_value.clone(),
                    stored_note.clone(),
                ),
                None => (
                    stored_value.clone(),
                    stored_note.clone(),
                    stored_version.clone(),
                    stored_value.clone(),
                    stored_note.clone(),
                ),
            };
            let theirs = (carry.conflict && carry.typed.contains_key(&y.year()))
                .then(|| stored_value.clone());
            YearLine {
                fy: present::fiscal_year(tr.lang, *y),
                year: y.year(),
                value: stored_value,
                note: stored_note,
                updated: stored
                    .map(|s| present::jst(&s.updated_at))
                    .unwrap_or_default(),
                demo: stored.is_some_and(|s| s.value.demo),
                editable,
                input,
                input_note,
                version,
                shown,
                shown_note,
                theirs,
            }
        })
        .collect();
    let node = i.node.as_deref().and_then(|n| ctx.node(n));
    let node_href = match (&i.node, i.node.as_deref().and_then(|n| ctx.item(n))) {
        (Some(n), Some(_)) => format!("{}/items/{}", ctx.base(), url_encode(n)),
        _ => String::new(),
    };
    let changes = audit_lines(
        state
            .store
            .audit_for(&ctx.r, &[format!("{id}/")], 50)
            .await?,
    );
    let page = IndicatorPage {
        chrome: Chrome::new(auth, i.name.clone(), indicator_href(ctx, id))
            .crumb(tr.s("home.title"), "/")
            .crumb(ctx.doc.header.plan.title.clone(), ctx.base())
            .crumb(tr.s("reg.title"), "/indicators")
            .with_notice(carry.done.as_deref()),
        action: indicator_href(ctx, id),
        name: i.name.clone(),
        unit: i.unit.clone().unwrap_or_default(),
        kind: kind_text(tr, i),
        definition: i.definition.clone().unwrap_or_default(),
        node: node
            .map(|n| {
                format!("{} {}", level_label(&ctx.doc, n, None), n.title)
                    .trim()
                    .to_string()
            })
            .unwrap_or_else(|| tr.s("ind.plan_wide").to_string()),
        node_href,
        depts: ctx.indicator_dept_names(id),
        baseline: present::baseline(i),
        target: present::target(i),
        note: i.note.clone().unwrap_or_default(),
        challenge: i.challenge,
        as_of: present::fiscal_year(tr.lang, as_of),
        achievement: present::achievement_with_note(tr.lang, &a),
        class: trajectory_text(tr, a.trajectory).to_string(),
        class_key: a.trajectory.key(),
        gaps: gaps_text(&a),
        chart: indicator_chart(tr, i, &refs, as_of),
        any_editable: lines.iter().any(|l| l.editable),
        years: lines,
        may_enter,
        errors: carry.errors,
        conflict: carry.conflict,
        changes,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// GET `/p/{city}/{plan}/indicators/{id}`.
pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let carry = Carry {
        done: q.done,
        ..Carry::default()
    };
    render_indicator(&state, &auth, &ctx, &id, carry, StatusCode::OK).await
}

/// POST `/p/{city}/{plan}/indicators/{id}` (`_csrf`, and for each open
/// year `v:YYYY`, `n:YYYY`, `ver:YYYY`): saves the typed actuals, all or
/// nothing. A blank value leaves the year as it is.
pub async fn enter(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    form.csrf(&auth)?;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let tr = auth.tr;
    let i = indicator_or_404(&ctx, &id)?;
    if !ctx.may_enter(&auth, &id) {
        return Err(AppError::Forbidden);
    }
    let open = open_years(&ctx);
    let frozen = frozen_for(&frozen(&state, &auth, &ctx, &open).await?, &id);
    let mut typed = HashMap::new();
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    for (k, raw) in &form.0 {
        let Some(year) = k.strip_prefix("v:") else {
            continue;
        };
        let fy = FiscalYear::parse(year).map_err(|_| AppError::bad("actuals.bad_form"))?;
        let value_text = raw.trim().to_string();
        let note = form.raw(&format!("n:{year}")).trim().to_string();
        let shown = form.raw(&format!("o:{year}")).trim().to_string();
        let shown_note = form.raw(&format!("on:{year}")).trim().to_string();
        if value_text == shown && note == shown_note {
            // Left as shown: not written, so it cannot undo a newer value.
            continue;
        }
        let version = form.raw(&format!("ver:{year}")).trim().to_string();
        typed.insert(
            fy.year(),
            Typed {
                value: value_text.clone(),
                note: note.clone(),
                version: version.clone(),
                shown: shown.clone(),
                shown_note,
            },
        );
        let label = present::fiscal_year(tr.lang, fy);
        if !open.contains(&fy) {
            errors.push(tr.f("actuals.year_closed", &[&label]));
            continue;
        }
        if frozen.contains(&fy) {
            errors.push(tr.f("actuals.report_with_office", &[&label]));
            continue;
        }
        if value_text.is_empty() {
            errors.push(tr.f(
                if shown.is_empty() {
                    "actuals.note_needs_value"
                } else {
                    "actuals.cannot_clear"
                },
                &[&label],
            ));
            continue;
        }
        let value = match Decimal::parse(&value_text) {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("{label}: {}", tr.text(&e)));
                continue;
            }
        };
        let expected_version = if version.is_empty() {
            None
        } else {
            Some(
                version
                    .parse::<i64>()
                    .map_err(|_| AppError::bad("actuals.bad_version"))?,
            )
        };
        entries.push(ValueEntry {
            value: IndicatorValue {
                indicator: i.id.clone(),
                fy,
                value,
                note: (!note.is_empty()).then_some(note),
                demo: false,
            },
            expected_version,
        });
    }
    if !errors.is_empty() {
        let carry = Carry {
            typed,
            errors,
            ..Carry::default()
        };
        return render_indicator(
            &state,
            &auth,
            &ctx,
            &id,
            carry,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let user = auth.user();
    match state
        .store
        .enter_indicator_values(&ctx.r, &entries, &user.actor())
        .await
    {
        Ok(_) => Ok(see_other(&indicator_href(&ctx, &id), "actuals")),
        Err(StoreError::Conflict { .. }) => {
            let carry = Carry {
                typed,
                errors: vec![tr.s("actuals.conflict").to_string()],
                conflict: true,
                done: None,
            };
            render_indicator(&state, &auth, &ctx, &id, carry, StatusCode::CONFLICT).await
        }
        Err(e @ StoreError::Invalid(_)) => {
            let carry = Carry {
                typed,
                errors: vec![tr.text(&e)],
                ..Carry::default()
            };
            render_indicator(
                &state,
                &auth,
                &ctx,
                &id,
                carry,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------
// A table of actuals: template, upload and preview, apply.

/// A previewed table of actuals waiting for its confirmation.
pub struct PendingActuals {
    entries: Vec<ValueEntry>,
}

/// One row of a preview.
pub struct PreviewLine {
    pub indicator: String,
    pub href: String,
    pub fy: String,
    pub before: String,
    pub after: String,
    pub note: String,
    pub change: String,
    pub change_key: &'static str,
}

#[derive(Template)]
#[template(path = "actuals.html")]
struct ActualsPage {
    chrome: Chrome,
    action: String,
    years: Vec<Opt>,
    mine: Vec<(String, String, String)>,
    file_name: String,
    errors: Vec<String>,
    lines: Vec<PreviewLine>,
    counts: String,
    token: String,
    previewed: bool,
}

fn may_upload(auth: &Auth) -> Result<(), AppError> {
    match auth.user().role {
        Role::Office | Role::Editor => Ok(()),
        Role::Council | Role::Viewer => Err(AppError::Forbidden),
    }
}

/// The indicators the user may enter: (href, id, name).
fn enterable(ctx: &PlanCtx, auth: &Auth) -> Vec<(String, String, String)> {
    ctx.doc
        .indicators
        .iter()
        .filter(|i| ctx.may_enter(auth, &i.id))
        .map(|i| (indicator_href(ctx, &i.id), i.id.clone(), i.name.clone()))
        .collect()
}

struct Preview<'a> {
    file_name: String,
    errors: Vec<String>,
    lines: Vec<PreviewLine>,
    changed: usize,
    unchanged: usize,
    token: String,
    status: StatusCode,
    previewed: bool,
    done: Option<&'a str>,
}

impl<'a> Preview<'a> {
    /// The page before anything is found: the form, or a preview to fill.
    fn new(file_name: String, previewed: bool, done: Option<&'a str>) -> Preview<'a> {
        Preview {
            file_name,
            errors: Vec::new(),
            lines: Vec::new(),
            changed: 0,
            unchanged: 0,
            token: String::new(),
            status: StatusCode::OK,
            previewed,
            done,
        }
    }
}

fn render_actuals(auth: &Auth, ctx: &PlanCtx, p: Preview) -> Result<Response, AppError> {
    let tr = auth.tr;
    let open = open_years(ctx);
    let page = ActualsPage {
        chrome: Chrome::new(
            auth,
            tr.s("actuals.title"),
            format!("{}/actuals", ctx.base()),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(ctx.doc.header.plan.title.clone(), ctx.base())
        .with_notice(p.done),
        action: format!("{}/actuals", ctx.base()),
        years: open
            .iter()
            .map(|y| Opt {
                value: y.year().to_string(),
                label: present::fiscal_year(tr.lang, *y),
                selected: false,
            })
            .collect(),
        mine: enterable(ctx, auth),
        file_name: p.file_name,
        errors: p.errors,
        lines: p.lines,
        counts: tr.f("actuals.counts", &[&p.changed, &p.unchanged]),
        token: p.token,
        previewed: p.previewed,
    };
    let mut res = html(&page)?;
    *res.status_mut() = p.status;
    Ok(res)
}

#[derive(Deserialize, Default)]
pub struct ActualsQuery {
    done: Option<String>,
}

/// GET `/p/{city}/{plan}/actuals`: the upload form, the template and the
/// indicators the user answers for.
pub async fn form(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<ActualsQuery>,
) -> Result<Response, AppError> {
    may_upload(&auth)?;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    render_actuals(
        &auth,
        &ctx,
        Preview::new(String::new(), false, q.done.as_deref()),
    )
}

#[derive(Deserialize, Default)]
pub struct TemplateQuery {
    fy: Option<String>,
}

/// GET `/p/{city}/{plan}/actuals/template?fy=2025`: a CSV (UTF-8 with a
/// BOM, so that Excel reads it as such) of the user's indicators for a
/// year, with the values stored so far and each indicator's name.
pub async fn template(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<TemplateQuery>,
) -> Result<Response, AppError> {
    may_upload(&auth)?;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = match q.fy.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => FiscalYear::parse(s).map_err(|_| AppError::bad("actuals.bad_form"))?,
        None => *open_years(&ctx)
            .first()
            .ok_or_else(|| AppError::bad("actuals.no_open_year"))?,
    };
    let values = state.store.plan_indicator_values(&ctx.r).await?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header: Vec<&str> = gyokaku_interchange::ACTUALS_COLUMNS
        .iter()
        .chain(&gyokaku_interchange::ACTUALS_OPTIONAL)
        .copied()
        .collect();
    let csv_err = |e: csv::Error| AppError::Internal(format!("template: {e}"));
    w.write_record(&header).map_err(csv_err)?;
    for i in ctx
        .doc
        .indicators
        .iter()
        .filter(|i| ctx.may_enter(&auth, &i.id))
    {
        let stored = values
            .iter()
            .find(|s| s.value.indicator == i.id && s.value.fy == fy);
        let year = fy.year().to_string();
        let value = stored
            .map(|s| s.value.value.to_string())
            .unwrap_or_default();
        let note = stored
            .and_then(|s| s.value.note.clone())
            .unwrap_or_default();
        w.write_record([
            i.id.as_str(),
            year.as_str(),
            value.as_str(),
            i.unit.as_deref().unwrap_or(""),
            note.as_str(),
            i.name.as_str(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let name = format!("actuals-{}-{}-{}.csv", ctx.city(), ctx.r.plan, fy.year());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    name.replace(
                        |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.',
                        "_"
                    )
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// POST `/p/{city}/{plan}/actuals` (multipart: `_csrf`, `file`): reads a
/// table of actuals and shows every change and every problem, located.
/// Nothing is written here.
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let Upload { csrf, file } = Upload::read(multipart, "actuals.too_large").await?;
    auth.check_csrf(csrf.as_deref())?;
    may_upload(&auth)?;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let tr = auth.tr;
    let Some((file_name, bytes)) = file else {
        return Err(AppError::bad("actuals.no_file"));
    };
    let open = open_years(&ctx);
    let frozen = frozen(&state, &auth, &ctx, &open).await?;
    let allowed: Vec<String> = enterable(&ctx, &auth)
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    let indicators = ctx.doc.indicators.clone();
    let name = file_name.clone();
    // Rights, years and reports are checked row by row, so that each
    // refusal is located like any other error. A workbook is hostile input:
    // bounded before calamine reads it, and a panic inside calamine is a
    // refused file, not a failed request.
    let parsed = tokio::task::spawn_blocking(move || {
        let check = |v: &IndicatorValue| -> Option<(&'static str, String, String)> {
            if !allowed.contains(&v.indicator) {
                return Some((
                    "indicator",
                    format!("指標「{}」の実績を入力する権限がありません（担当外）", v.indicator),
                    format!(
                        "you may not enter actuals of indicator '{}' (not your department's)",
                        v.indicator
                    ),
                ));
            }
            if !open.contains(&v.fy) {
                return Some((
                    "fy",
                    format!("{}は報告を受け付けていません（未開始または締切済み）", v.fy.wareki()),
                    format!("reporting for {} is not open", v.fy.english()),
                ));
            }
            frozen
                .iter()
                .any(|(id, fy)| id == &v.indicator && *fy == v.fy)
                .then(|| {
                    (
                        "fy",
                        format!(
                            "{}の取組の報告は提出済みのため、この指標の実績は変更できません（差戻し後に変更できます）",
                            v.fy.wareki()
                        ),
                        format!(
                            "the item's report for {} is submitted, so its indicator cannot be changed (until it is returned)",
                            v.fy.english()
                        ),
                    )
                })
        };
        if bytes.starts_with(b"PK\x03\x04") && workbook::precheck(&bytes).is_err() {
            return None;
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            gyokaku_interchange::read_actuals(&name, bytes, &indicators, &check)
        }))
        .ok()
    })
    .await
    .map_err(|e| AppError::Internal(format!("actuals task: {e}")))?
    .ok_or_else(|| AppError::bad("actuals.bad_book"))?;
    let mut p = Preview::new(file_name.clone(), true, None);
    let rows = match parsed {
        Ok(rows) => rows,
        Err(errors) => {
            const SHOWN: usize = 200;
            p.errors = errors
                .0
                .iter()
                .take(SHOWN)
                .map(|e| {
                    if tr.is_en() {
                        format!("{}: {}", e.where_(), e.en)
                    } else {
                        format!("{}: {}", e.where_ja(), e.ja)
                    }
                })
                .collect();
            if errors.0.len() > SHOWN {
                p.errors
                    .push(tr.f("actuals.more_errors", &[&(errors.0.len() - SHOWN)]));
            }
            p.status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_actuals(&auth, &ctx, p);
        }
    };
    let stored = state.store.plan_indicator_values(&ctx.r).await?;
    let mut entries = Vec::new();
    for v in rows {
        let before = stored
            .iter()
            .find(|s| s.value.indicator == v.indicator && s.value.fy == v.fy);
        let same = before.is_some_and(|s| s.value.value == v.value && s.value.note == v.note);
        let name = ctx
            .doc
            .indicators
            .iter()
            .find(|i| i.id == v.indicator)
            .map(|i| i.name.clone())
            .unwrap_or_default();
        let (change, change_key) = match (before, same) {
            (_, true) => (tr.s("actuals.same"), "same"),
            (None, false) => (tr.s("actuals.new"), "new"),
            (Some(_), false) => (tr.s("actuals.changed"), "changed"),
        };
        p.lines.push(PreviewLine {
            indicator: format!("{name}（{}）", v.indicator),
            href: indicator_href(&ctx, &v.indicator),
            fy: present::fiscal_year(tr.lang, v.fy),
            before: before
                .map(|s| s.value.value.to_string())
                .unwrap_or_default(),
            after: v.value.to_string(),
            note: v.note.clone().unwrap_or_default(),
            change: change.to_string(),
            change_key,
        });
        if same {
            p.unchanged += 1;
        } else {
            p.changed += 1;
            entries.push(ValueEntry {
                expected_version: before.map(|s| s.version),
                value: v,
            });
        }
    }
    if !entries.is_empty() {
        p.token = state.actuals.put(
            auth.user().id,
            &auth.token_hash,
            &ctx.r,
            PendingActuals { entries },
        );
    }
    render_actuals(&auth, &ctx, p)
}

/// POST `/p/{city}/{plan}/actuals/apply` (`_csrf`, `token`): applies a
/// previewed table, all or nothing.
pub async fn apply(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    form.csrf(&auth)?;
    may_upload(&auth)?;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let user = auth.user();
    let pending = form
        .get("token")
        .and_then(|t| state.actuals.take(t, user.id, &auth.token_hash, &ctx.r))
        .ok_or_else(|| AppError::bad("actuals.expired"))?;
    // Rights and reports may have changed since the preview.
    if pending
        .entries
        .iter()
        .any(|e| !ctx.may_enter(&auth, &e.value.indicator))
    {
        return Err(AppError::Forbidden);
    }
    let frozen = frozen(&state, &auth, &ctx, &open_years(&ctx)).await?;
    if pending.entries.iter().any(|e| {
        frozen
            .iter()
            .any(|(id, fy)| id == &e.value.indicator && *fy == e.value.fy)
    }) {
        return Err(AppError::bad("actuals.report_with_office_upload"));
    }
    match state
        .store
        .enter_indicator_values(&ctx.r, &pending.entries, &user.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!("{}/actuals", ctx.base()), "imported")),
        Err(StoreError::Conflict { .. }) => {
            let mut res = AppError::bad("actuals.conflict_upload").into_response();
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
