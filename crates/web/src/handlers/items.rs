//! An item's page (content, yearly history, indicators, review thread,
//! changes) and its forms: a department's report, the office's review,
//! the council's opinion.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use gyokaku_domain::present;
use gyokaku_domain::{Bilingual, Decimal, Direction, FiscalYear, IndicatorValue, Progress, Yen};
use gyokaku_store::{ItemEdit, ReviewKind, Role, StoreError, StoredProgress};

use crate::auth::Auth;
use crate::error::{url_encode, AppError};
use crate::form::{CsrfForm, FormData};
use crate::handlers::plans::{audit_lines, AuditLine, Opt};
use crate::handlers::{html, html_text, indicators, see_other};
use crate::i18n::Tr;
use crate::policy;
use crate::views::{state_key, Chrome, PlanCtx};
use crate::AppState;
use gyokaku_domain::Rights;

/// The report form as typed: kept verbatim so a refused save loses nothing.
#[derive(Default, Clone)]
pub struct EditForm {
    pub version: String,
    pub status: String,
    pub result: String,
    pub self_evaluation: String,
    pub direction: String,
    pub spending_cut: String,
    pub revenue: String,
    pub indicators: Vec<(String, String)>,
    /// The actuals as the form showed them (`was:ID`): a value left as it
    /// was is not written, so that it cannot undo a newer one.
    pub shown: Vec<(String, String)>,
}

impl EditForm {
    fn from_stored(p: Option<&StoredProgress>, values: &[(String, String)]) -> EditForm {
        let Some(s) = p else {
            return EditForm {
                indicators: values.to_vec(),
                ..EditForm::default()
            };
        };
        let g = &s.progress;
        EditForm {
            version: s.version.to_string(),
            status: g.status.clone().unwrap_or_default(),
            result: g.result.clone().unwrap_or_default(),
            self_evaluation: g.self_evaluation.clone().unwrap_or_default(),
            direction: g.direction.map(|d| d.ja().to_string()).unwrap_or_default(),
            spending_cut: g.spending_cut.map(Yen::japanese).unwrap_or_default(),
            revenue: g.revenue.map(Yen::japanese).unwrap_or_default(),
            indicators: values.to_vec(),
            shown: Vec::new(),
        }
    }

    fn from_form(f: &FormData) -> EditForm {
        EditForm {
            version: f.raw("version").trim().to_string(),
            status: f.raw("status").trim().to_string(),
            result: f.raw("result").to_string(),
            self_evaluation: f.raw("self_evaluation").to_string(),
            direction: f.raw("direction").trim().to_string(),
            spending_cut: f.raw("spending_cut").trim().to_string(),
            revenue: f.raw("revenue").trim().to_string(),
            indicators: f
                .0
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("ind:")
                        .map(|id| (id.to_string(), v.trim().to_string()))
                })
                .collect(),
            shown: f
                .0
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("was:")
                        .map(|id| (id.to_string(), v.trim().to_string()))
                })
                .collect(),
        }
    }

    fn indicator(&self, id: &str) -> String {
        self.indicators
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

pub struct IndicatorView {
    pub href: String,
    /// The stored actual of the year, as the form shows it.
    pub shown: String,
    pub achievement: String,
    pub class: String,
    pub class_key: &'static str,
    pub chart: String,
    pub name: String,
    pub unit: String,
    pub kind: String,
    pub baseline: String,
    pub target: String,
    pub values: Vec<(String, String)>,
    pub input: String,
    pub field: String,
    pub id: String,
}

pub struct HistoryLine {
    pub fy: String,
    pub href: String,
    pub current: bool,
    pub planned: String,
    pub status: String,
    pub result: String,
    pub self_evaluation: String,
    pub direction: String,
    pub spending_cut: String,
    pub revenue: String,
    pub state: String,
    pub demo: bool,
}

pub struct ReviewLine {
    pub kind: String,
    pub kind_class: &'static str,
    pub author: String,
    pub at: String,
    pub body: String,
}

/// The stored report shown beside a refused edit.
pub struct ConflictView {
    pub explain: String,
    pub version: i64,
    pub status: String,
    pub result: String,
    pub self_evaluation: String,
    pub direction: String,
    pub spending_cut: String,
    pub revenue: String,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    chrome: Chrome,
    action: String,
    number: String,
    title: String,
    group: String,
    body: String,
    sections: Vec<(String, String)>,
    depts: String,
    fy_text: String,
    years: Vec<Opt>,
    cycle_text: String,
    state_text: String,
    state_class: &'static str,
    history: Vec<HistoryLine>,
    indicators: Vec<IndicatorView>,
    reviews: Vec<ReviewLine>,
    rights: Rights,
    form: EditForm,
    status_opts: Vec<Opt>,
    direction_opts: Vec<Opt>,
    errors: Vec<String>,
    conflict: Option<ConflictView>,
    review_version: i64,
    review_comment: String,
    opinion: String,
    changes: Vec<AuditLine>,
    not_editable_reason: String,
}

#[derive(Deserialize, Default)]
pub struct ItemQuery {
    fy: Option<String>,
    done: Option<String>,
}

/// What a re-rendered page carries over from a refused request.
#[derive(Default)]
struct Carry {
    form: Option<EditForm>,
    errors: Vec<String>,
    conflict: Option<StoredProgress>,
    review_comment: String,
    opinion: String,
    done: Option<String>,
}

fn parse_fy(s: &str) -> Result<FiscalYear, AppError> {
    FiscalYear::parse(s).map_err(|_| AppError::NotFound)
}

fn item_or_404<'a>(ctx: &'a PlanCtx, node: &str) -> Result<&'a crate::views::ItemInfo, AppError> {
    ctx.item(node).ok_or(AppError::NotFound)
}

async fn rights_for(
    state: &AppState,
    auth: &Auth,
    ctx: &PlanCtx,
    node: &str,
    fy: FiscalYear,
) -> Result<(Rights, Option<StoredProgress>), AppError> {
    let item = item_or_404(ctx, node)?;
    let current = state.store.progress(&ctx.r, node, fy).await?;
    let rights = policy::item_rights(
        auth.user(),
        ctx.responsible(auth, item),
        ctx.cycle_state(fy),
        current.as_ref().map(|c| c.state),
    );
    Ok((rights, current))
}

fn direction_text(tr: Tr, d: Option<Direction>) -> String {
    d.map(|d| present::term(tr.lang, d).to_string())
        .unwrap_or_default()
}

async fn render(
    state: &AppState,
    auth: &Auth,
    ctx: &PlanCtx,
    node: &str,
    fy: FiscalYear,
    carry: Carry,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = item_page(state, auth, ctx, node, fy, carry).await?;
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

async fn item_page(
    state: &AppState,
    auth: &Auth,
    ctx: &PlanCtx,
    node: &str,
    fy: FiscalYear,
    carry: Carry,
) -> Result<ItemPage, AppError> {
    let tr = auth.tr;
    let item = item_or_404(ctx, node)?;
    let n = ctx.node(node).ok_or(AppError::NotFound)?;
    let base = ctx.base();
    let (rights, current) = rights_for(state, auth, ctx, node, fy).await?;
    let all = state.store.item_reports(&ctx.r, node).await?;
    let mine: Vec<&StoredProgress> = all.iter().collect();
    let values = state.store.item_indicator_values(&ctx.r, node).await?;
    let mut years = ctx.years();
    years.retain(|y| {
        n.schedule.contains_key(y)
            || mine.iter().any(|p| p.progress.fy == *y)
            || ctx.cycle(*y).is_some()
            || *y == fy
    });
    if !years.contains(&fy) {
        years.push(fy);
        years.sort();
    }
    let item_href = format!("{base}/items/{}", url_encode(node));
    let history = years
        .iter()
        .map(|y| {
            let p = mine.iter().find(|p| p.progress.fy == *y);
            HistoryLine {
                fy: present::fiscal_year(tr.lang, *y),
                href: format!("{item_href}?fy={}", y.year()),
                current: *y == fy,
                planned: n.schedule.get(y).cloned().unwrap_or_default(),
                status: p
                    .map(|p| ctx.status_label(tr, p.progress.status.as_deref()))
                    .unwrap_or_default(),
                result: p
                    .and_then(|p| p.progress.result.clone())
                    .unwrap_or_default(),
                self_evaluation: p
                    .and_then(|p| p.progress.self_evaluation.clone())
                    .unwrap_or_default(),
                direction: direction_text(tr, p.and_then(|p| p.progress.direction)),
                spending_cut: p
                    .and_then(|p| p.progress.spending_cut)
                    .map(|y| present::amount(tr.lang, y))
                    .unwrap_or_default(),
                revenue: p
                    .and_then(|p| p.progress.revenue)
                    .map(|y| present::amount(tr.lang, y))
                    .unwrap_or_default(),
                state: p
                    .map(|p| tr.s(state_key(Some(p.state))).to_string())
                    .unwrap_or_default(),
                demo: p.is_some_and(|p| p.progress.demo),
            }
        })
        .collect();

    // Indicators of this item and their actuals.
    let inds: Vec<&gyokaku_domain::Indicator> = ctx
        .doc
        .indicators
        .iter()
        .filter(|i| i.node.as_deref() == Some(node))
        .collect();
    let stored_values: Vec<(String, String)> = inds
        .iter()
        .map(|i| {
            let v = values
                .iter()
                .find(|v| v.indicator == i.id && v.fy == fy)
                .map(|v| v.value.to_string())
                .unwrap_or_default();
            (i.id.clone(), v)
        })
        .collect();
    let form = carry
        .form
        .clone()
        .unwrap_or_else(|| EditForm::from_stored(current.as_ref(), &stored_values));
    let indicators = inds
        .iter()
        .map(|i| {
            let own: Vec<&gyokaku_domain::IndicatorValue> =
                values.iter().filter(|v| v.indicator == i.id).collect();
            let owned: Vec<gyokaku_domain::IndicatorValue> =
                own.iter().map(|v| (*v).clone()).collect();
            let a = gyokaku_domain::assess(i, &owned, fy);
            (i, own, a)
        })
        .map(|(i, own, a)| IndicatorView {
            href: crate::handlers::actuals::indicator_href(ctx, &i.id),
            shown: stored_values
                .iter()
                .find(|(k, _)| k == &i.id)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            achievement: present::achievement_with_note(tr.lang, &a),
            class: indicators::trajectory_text(tr, a.trajectory).to_string(),
            class_key: a.trajectory.key(),
            chart: indicators::indicator_chart(tr, i, &own, fy),
            name: i.name.clone(),
            unit: i.unit.clone().unwrap_or_default(),
            kind: indicators::kind_text(tr, i),
            baseline: present::baseline(i),
            target: present::target(i),
            values: values
                .iter()
                .filter(|v| v.indicator == i.id)
                .map(|v| (v.fy.short(), v.value.to_string()))
                .collect(),
            input: form.indicator(&i.id),
            field: format!("ind:{}", i.id),
            id: i.id.clone(),
        })
        .collect();

    let reviews = ctx
        .reviews(state, fy, node)
        .await?
        .into_iter()
        .map(|r| {
            let (key, class) = match r.kind {
                ReviewKind::Submit => ("review.submit", "submit"),
                ReviewKind::Return => ("review.return", "return"),
                ReviewKind::Accept => ("review.accept", "accept"),
                ReviewKind::Opinion => ("review.opinion", "opinion"),
            };
            ReviewLine {
                kind: tr.s(key).to_string(),
                kind_class: class,
                author: r.author,
                at: present::jst(&r.created_at),
                body: r.body,
            }
        })
        .collect();
    let changes = audit_lines(
        state
            .store
            .audit_log(&ctx.r, 1000)
            .await?
            .into_iter()
            .filter(|e| {
                e.entity_key.starts_with(&format!("{node}/"))
                    || inds
                        .iter()
                        .any(|i| e.entity_key.starts_with(&format!("{}/", i.id)))
            })
            .take(50)
            .collect(),
    );
    let scale = &ctx.doc.header.status_scale;
    // A plan without a scale has no status to choose.
    let mut status_opts = Vec::new();
    if !scale.is_empty() {
        status_opts.push(Opt {
            value: String::new(),
            label: tr.s("status.choose").to_string(),
            selected: form.status.is_empty(),
        });
    }
    status_opts.extend(scale.iter().map(|s| Opt {
        value: s.code.clone(),
        label: ctx.status_label(tr, Some(&s.code)),
        selected: form.status == s.code,
    }));
    let mut direction_opts = vec![Opt {
        value: String::new(),
        label: tr.s("direction.choose").to_string(),
        selected: form.direction.is_empty(),
    }];
    direction_opts.extend(Direction::ALL.iter().map(|d| Opt {
        value: d.ja().to_string(),
        label: direction_text(tr, Some(*d)),
        selected: form.direction == d.ja() || form.direction.eq_ignore_ascii_case(d.en()),
    }));
    let cycle_state = ctx.cycle_state(fy);
    let cycle_text = match cycle_state {
        None => tr.s("cycle.none"),
        Some(gyokaku_store::CycleState::Open) => tr.s("cycle.open"),
        Some(gyokaku_store::CycleState::Closed) => tr.s("cycle.closed"),
    }
    .to_string();
    let not_editable_reason = if rights.edit {
        String::new()
    } else if cycle_state != Some(gyokaku_store::CycleState::Open) {
        tr.s("item.why.closed").to_string()
    } else if current.as_ref().is_some_and(|c| !c.state.editable()) {
        tr.s("item.why.submitted").to_string()
    } else {
        tr.s("item.why.role").to_string()
    };
    let conflict = carry.conflict.map(|c| ConflictView {
        explain: tr.f(
            "conflict.explain",
            &[&c.updated_by, &present::jst(&c.updated_at), &c.version],
        ),
        version: c.version,
        status: ctx.status_label(tr, c.progress.status.as_deref()),
        result: c.progress.result.clone().unwrap_or_default(),
        self_evaluation: c.progress.self_evaluation.clone().unwrap_or_default(),
        direction: direction_text(tr, c.progress.direction),
        // Shown beside the form's own values, so written the way the form
        // writes them: exact, not rounded for reading.
        spending_cut: c
            .progress
            .spending_cut
            .map(Yen::japanese)
            .unwrap_or_default(),
        revenue: c.progress.revenue.map(Yen::japanese).unwrap_or_default(),
    });
    let sections = ctx
        .doc
        .header
        .sections
        .iter()
        .filter_map(|k| {
            n.sections.get(&k.key).map(|text| {
                (
                    tr.pick(&k.label, k.label_en.as_deref()).to_string(),
                    text.clone(),
                )
            })
        })
        .collect();
    let page = ItemPage {
        chrome: Chrome::new(
            auth,
            format!("{} {}", item.number, item.title).trim().to_string(),
            format!("{item_href}?fy={}", fy.year()),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(
            ctx.doc.header.plan.title.clone(),
            format!("{base}?fy={}", fy.year()),
        )
        .with_notice(carry.done.as_deref()),
        action: format!("{item_href}/{}", fy.year()),
        number: item.number.clone(),
        title: item.title.clone(),
        group: item.group.clone().unwrap_or_default(),
        body: n.body.clone().unwrap_or_default(),
        sections,
        depts: item.dept_names.join("、"),
        fy_text: present::fiscal_year(tr.lang, fy),
        years: ctx
            .years_with(fy)
            .into_iter()
            .map(|y| Opt {
                value: y.year().to_string(),
                label: present::fiscal_year(tr.lang, y),
                selected: y == fy,
            })
            .collect(),
        cycle_text,
        state_text: tr
            .s(state_key(current.as_ref().map(|c| c.state)))
            .to_string(),
        state_class: current.as_ref().map(|c| c.state.key()).unwrap_or("none"),
        history,
        indicators,
        reviews,
        rights,
        review_version: current.as_ref().map(|c| c.version).unwrap_or(0),
        form,
        status_opts,
        direction_opts,
        errors: carry.errors,
        conflict,
        review_comment: carry.review_comment,
        opinion: carry.opinion,
        changes,
        not_editable_reason,
    };
    Ok(page)
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, node)): Path<(String, String, String)>,
    Query(q): Query<ItemQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    // As the dashboard: rendered once per revision, user, language, item
    // and query; every change the page shows is audited and moves the
    // revision.
    let key = crate::views::page_key(&auth, &format!("item/{node}"), raw);
    let csrf = &auth.session.csrf_token;
    if let Some(body) = ctx.cached_page(&key, csrf) {
        return Ok(html_text(body));
    }
    let fy = ctx.pick_year(q.fy.as_deref())?;
    let ctx = ctx.at_year(&state, fy).await?;
    let carry = Carry {
        done: q.done,
        ..Carry::default()
    };
    let mut page = item_page(&state, &auth, &ctx, &node, fy, carry).await?;
    page.chrome.csrf = crate::views::csrf_slot().to_string();
    Ok(html_text(ctx.keep_page(&key, page.render()?, csrf)))
}

/// Reads the typed report; every problem is named by its field.
fn parse_edit(
    tr: Tr,
    ctx: &PlanCtx,
    node: &str,
    fy: FiscalYear,
    f: &EditForm,
) -> Result<(ItemEdit, Option<i64>), Vec<String>> {
    let mut errors = Vec::new();
    let status = (!f.status.is_empty()).then(|| f.status.clone());
    if let Some(s) = &status {
        if !ctx.doc.header.status_scale.iter().any(|l| &l.code == s) {
            errors.push(tr.f("error.status", &[s]));
        }
    }
    let direction = if f.direction.is_empty() {
        None
    } else {
        let d = Direction::parse(&f.direction);
        if d.is_none() {
            errors.push(tr.f("error.direction", &[&f.direction]));
        }
        d
    };
    let mut amount = |key: &str, text: &str| -> Option<Yen> {
        if text.is_empty() {
            return None;
        }
        match Yen::parse(text) {
            Ok(y) => Some(y),
            Err(e) => {
                errors.push(format!(
                    "{}: {}",
                    tr.s(key),
                    if tr.is_en() { e.en() } else { e.ja() }
                ));
                None
            }
        }
    };
    let spending_cut = amount("field.spending_cut", &f.spending_cut);
    let revenue = amount("field.revenue", &f.revenue);
    let version = if f.version.is_empty() {
        None
    } else {
        match f.version.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(tr.s("error.version").to_string());
                None
            }
        }
    };
    let mut values = Vec::new();
    for (id, text) in &f.indicators {
        let Some(ind) = ctx
            .doc
            .indicators
            .iter()
            .find(|i| &i.id == id && i.node.as_deref() == Some(node))
        else {
            errors.push(tr.f("error.indicator_unknown", &[id]));
            continue;
        };
        if text.is_empty() || f.shown.iter().any(|(k, v)| k == id && v == text) {
            continue;
        }
        match Decimal::parse(text) {
            Ok(v) => values.push(IndicatorValue {
                indicator: id.clone(),
                fy,
                value: v,
                note: None,
                demo: false,
            }),
            Err(_) => errors.push(tr.f("error.indicator_value", &[&ind.name, text])),
        }
    }
    let blank = |s: &str| (!s.trim().is_empty()).then(|| s.trim_end().to_string());
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((
        ItemEdit {
            progress: Progress {
                node: node.to_string(),
                fy,
                status,
                result: blank(&f.result),
                self_evaluation: blank(&f.self_evaluation),
                direction,
                spending_cut,
                revenue,
                demo: false,
            },
            indicator_values: values,
        },
        version,
    ))
}

/// A department (or the office) saves or submits an item's report.
pub async fn save(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, node, fy)): Path<(String, String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = parse_fy(&fy)?;
    let (rights, _) = rights_for(&state, &auth, &ctx, &node, fy).await?;
    if !rights.edit {
        return Err(AppError::Forbidden);
    }
    let submit = form.get("action") == Some("submit");
    let typed = EditForm::from_form(&form);
    let (edit, version) = match parse_edit(tr, &ctx, &node, fy, &typed) {
        Ok(x) => x,
        Err(errors) => {
            let carry = Carry {
                form: Some(typed),
                errors,
                ..Carry::default()
            };
            return render(
                &state,
                &auth,
                &ctx,
                &node,
                fy,
                carry,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    match state
        .store
        .save_item(&ctx.r, &edit, version, submit, &auth.user().actor())
        .await
    {
        Ok(_) => Ok(see_other(
            &format!(
                "{}/items/{}?fy={}",
                ctx.base(),
                url_encode(&node),
                fy.year()
            ),
            if submit { "submitted" } else { "saved" },
        )),
        Err(StoreError::Conflict { .. }) => {
            let current = state.store.progress(&ctx.r, &node, fy).await?;
            let carry = Carry {
                form: Some(typed),
                errors: vec![tr.s("error.conflict").to_string()],
                conflict: current,
                ..Carry::default()
            };
            render(&state, &auth, &ctx, &node, fy, carry, StatusCode::CONFLICT).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Refused(_))) => {
            let carry = Carry {
                form: Some(typed),
                errors: vec![if tr.is_en() { e.en() } else { e.ja() }],
                ..Carry::default()
            };
            render(
                &state,
                &auth,
                &ctx,
                &node,
                fy,
                carry,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The office accepts a submitted report or returns it with a comment.
pub async fn review(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, node, fy)): Path<(String, String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = parse_fy(&fy)?;
    item_or_404(&ctx, &node)?;
    if !policy::is_office(auth.user()) {
        return Err(AppError::Forbidden);
    }
    let accept = match form.get("decision") {
        Some("accept") => true,
        Some("return") => false,
        _ => {
            return Err(AppError::BadRequest(
                "確認か差戻しかを選んでください".into(),
                "choose accept or return".into(),
            ))
        }
    };
    let comment = form.raw("comment").to_string();
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    match state
        .store
        .review_item(
            &ctx.r,
            &node,
            fy,
            accept,
            &comment,
            version,
            &auth.user().actor(),
        )
        .await
    {
        Ok(_) => Ok(see_other(
            &format!(
                "{}/items/{}?fy={}",
                ctx.base(),
                url_encode(&node),
                fy.year()
            ),
            if accept { "accepted" } else { "returned" },
        )),
        Err(
            e @ (StoreError::Conflict { .. } | StoreError::Invalid(_) | StoreError::Refused(_)),
        ) => {
            let status = if matches!(e, StoreError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            let carry = Carry {
                errors: vec![if tr.is_en() { e.en() } else { e.ja() }],
                review_comment: comment,
                ..Carry::default()
            };
            render(&state, &auth, &ctx, &node, fy, carry, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A council member's opinion on an item.
pub async fn opinion(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, node, fy)): Path<(String, String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = parse_fy(&fy)?;
    let (rights, _) = rights_for(&state, &auth, &ctx, &node, fy).await?;
    if auth.user().role != Role::Council {
        return Err(AppError::Forbidden);
    }
    let body = form.raw("body").to_string();
    if !rights.opine {
        let carry = Carry {
            errors: vec![tr.s("item.why.closed").to_string()],
            opinion: body,
            ..Carry::default()
        };
        return render(
            &state,
            &auth,
            &ctx,
            &node,
            fy,
            carry,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    match state
        .store
        .add_opinion(&ctx.r, Some(&node), fy, &body, &auth.user().actor())
        .await
    {
        Ok(()) => Ok(see_other(
            &format!(
                "{}/items/{}?fy={}",
                ctx.base(),
                url_encode(&node),
                fy.year()
            ),
            "opinion",
        )),
        Err(e @ (StoreError::Invalid(_) | StoreError::Refused(_))) => {
            let carry = Carry {
                errors: vec![if tr.is_en() { e.en() } else { e.ja() }],
                opinion: body,
                ..Carry::default()
            };
            render(
                &state,
                &auth,
                &ctx,
                &node,
                fy,
                carry,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
