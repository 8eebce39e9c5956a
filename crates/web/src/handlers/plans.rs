//! The plan list, a plan's dashboard for a year, the yearly cycle's
//! controls, plan-level council opinions and the plan's audit log.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::Response;
use serde::Deserialize;

use gyokaku_store::{CycleState, ReportState, Role};

use gyokaku_domain::{present, FiscalYear, PlanState};

use crate::auth::Auth;
use crate::error::AppError;
use crate::form::CsrfForm;
use crate::handlers::{html, html_text, see_other};
use crate::i18n::Tr;
use crate::policy;
use crate::views::{state_key, summary_columns, Chrome, PlanCtx, SummaryLine};
use crate::AppState;

pub struct PlanLine {
    pub href: String,
    pub city: String,
    pub title: String,
    pub items: i64,
    pub draft: bool,
    pub cycle: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    plans: Vec<PlanLine>,
}

pub async fn home(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    let tr = auth.tr;
    let mut plans = Vec::new();
    for p in state.store.list_plans().await? {
        let r = gyokaku_store::PlanRef {
            city: p
                .city_code
                .parse()
                .map_err(|_| AppError::Internal("city code".into()))?,
            plan: p.plan_id.clone(),
        };
        let open: Vec<String> = state
            .store
            .cycles(&r)
            .await?
            .into_iter()
            .filter(|c| c.state == CycleState::Open)
            .map(|c| tr.f("home.cycle_open", &[&present::fiscal_year(tr.lang, c.fy)]))
            .collect();
        plans.push(PlanLine {
            href: format!("/p/{}/{}", p.city_code, p.plan_id),
            city: p.city_name,
            title: p.title,
            items: p.items,
            draft: p.draft,
            cycle: open.join(" / "),
        });
    }
    html(&HomePage {
        chrome: Chrome::new(&auth, tr.s("home.title"), "/"),
        plans,
    })
}

#[derive(Deserialize, Default)]
pub struct DashQuery {
    fy: Option<String>,
    status: Option<String>,
    state: Option<String>,
    dept: Option<String>,
    tag: Option<String>,
    sdg: Option<String>,
    done: Option<String>,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opt(value: impl Into<String>, label: impl Into<String>, current: Option<&str>) -> Opt {
    let value = value.into();
    Opt {
        selected: current == Some(value.as_str()),
        value,
        label: label.into(),
    }
}

pub struct ItemLine {
    pub href: String,
    pub number: String,
    pub title: String,
    pub depts: String,
    pub status: String,
    pub state: String,
    pub state_class: &'static str,
    pub mine: bool,
}

pub struct MissingLine {
    pub dept: String,
    pub missing: usize,
    pub total: usize,
}

pub struct OpinionLine {
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    base: String,
    plan_title: String,
    /// `city/plan`, for links that filter by plan.
    plan_key: String,
    has_fiscal: bool,
    city: String,
    fy: i32,
    fy_text: String,
    years: Vec<Opt>,
    cycle_text: String,
    cycle_open: bool,
    cycle_exists: bool,
    deadline: String,
    status_cols: Vec<String>,
    groups: Vec<SummaryLine>,
    depts: Vec<SummaryLine>,
    across: Vec<SummaryLine>,
    recorded: Vec<SummaryLine>,
    recorded_cols: Vec<String>,
    /// Stored data that breaks the plan's rules (a status not on the scale).
    errors: Vec<String>,
    includes_demo: bool,
    missing: Vec<MissingLine>,
    statuses: Vec<Opt>,
    states: Vec<Opt>,
    dept_opts: Vec<Opt>,
    tag_opts: Vec<Opt>,
    sdg_opts: Vec<Opt>,
    items: Vec<ItemLine>,
    showing: String,
    opinions: Vec<OpinionLine>,
    can_opine: bool,
    /// The council reads the revision history (the office sees it anyway).
    can_read_revisions: bool,
    /// Departments whose Excel workbook the user may download/upload.
    workbook_depts: Vec<Opt>,
    /// The office may publish the year (it is not open for reporting).
    can_publish: bool,
    /// The published site of the year, when there is one.
    published_href: String,
}

pub async fn dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<DashQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    // Rendered once per revision of the plan and per user, language and
    // query: the dashboard is read far more often than the plan changes.
    let key = crate::views::page_key(&auth, "dashboard", raw);
    let csrf = &auth.session.csrf_token;
    if let Some(body) = ctx.cached_page(&key, csrf) {
        return Ok(html_text(body));
    }
    let mut page = dashboard_page(&state, &auth, &ctx, &q).await?;
    page.chrome.csrf = crate::views::csrf_slot().to_string();
    Ok(html_text(ctx.keep_page(&key, page.render()?, csrf)))
}

async fn dashboard_page(
    state: &AppState,
    auth: &Auth,
    ctx: &PlanCtx,
    q: &DashQuery,
) -> Result<DashboardPage, AppError> {
    let tr = auth.tr;
    let fy = ctx.pick_year(q.fy.as_deref())?;
    let ctx = &ctx.at_year(state, fy).await?;
    let plan_state = ctx.state(state, fy).await?;
    let model = &ctx.model;
    let report = |id: &str| plan_state.report(id, fy);
    let base = ctx.base();
    let fy_q = format!("fy={}", fy.year());

    let Summaries {
        cols,
        groups,
        depts,
        across,
        errors,
        recorded_cols,
        recorded,
    } = summaries(tr, ctx, &plan_state, fy);
    let status_cols: Vec<String> = cols.iter().map(|(_, label)| label.clone()).collect();

    // The cycle and who has not submitted.
    let cycle = ctx.cycle(fy);
    let cycle_text = match cycle {
        None => tr.s("cycle.none").to_string(),
        Some(c) if c.state == CycleState::Open => tr.s("cycle.open").to_string(),
        Some(c) => tr.f(
            "cycle.closed_at",
            &[&present::jst(c.closed_at.as_deref().unwrap_or(""))],
        ),
    };
    let missing = missing_lines(tr, ctx, &plan_state, fy);

    // Filters and the item list.
    let status_q = q.status.as_deref().filter(|s| !s.is_empty());
    let state_q = q.state.as_deref().filter(|s| !s.is_empty());
    let dept_q = q.dept.as_deref().filter(|s| !s.is_empty());
    let tag_q = q.tag.as_deref().filter(|s| !s.is_empty());
    let sdg_q = q.sdg.as_deref().filter(|s| !s.is_empty());
    let mut statuses = vec![opt("", tr.s("filter.all"), status_q)];
    statuses.extend(
        cols.iter()
            .map(|(code, label)| opt(code.clone(), label.clone(), status_q)),
    );
    statuses.push(opt("-", tr.s("status.none"), status_q));
    let mut states = vec![opt("", tr.s("filter.all"), state_q)];
    states.push(opt("none", tr.s("state.none"), state_q));
    states.extend(
        ReportState::ALL
            .iter()
            .map(|s| opt(s.key(), tr.s(state_key(Some(*s))), state_q)),
    );
    let mut dept_opts = vec![opt("", tr.s("filter.all"), dept_q)];
    dept_opts.extend(
        model
            .departments
            .iter()
            .map(|g| opt(g.key.clone(), g.label.clone(), dept_q)),
    );
    let mut tag_opts = vec![opt("", tr.s("filter.all"), tag_q)];
    for axis in &ctx.doc.header.axes {
        let name = tr.pick(&axis.name, axis.name_en.as_deref());
        if axis.kind == gyokaku_domain::AxisKind::Flag {
            tag_opts.push(opt(axis.key.clone(), name.to_string(), tag_q));
        }
        for v in &axis.values {
            tag_opts.push(opt(
                format!("{}:{}", axis.key, v.code),
                format!(
                    "{name}: {}",
                    gyokaku_domain::classify::printed_value(tr.lang, v)
                ),
                tag_q,
            ));
        }
    }
    let mut sdgs: Vec<u8> = ctx
        .items
        .iter()
        .flat_map(|i| i.sdgs.iter().copied())
        .collect();
    sdgs.sort();
    sdgs.dedup();
    let mut sdg_opts = vec![opt("", tr.s("filter.all"), sdg_q)];
    sdg_opts.extend(
        sdgs.iter()
            .map(|g| opt(g.to_string(), tr.f("filter.sdg", &[g]), sdg_q)),
    );

    let user = auth.user();
    let items: Vec<ItemLine> = ctx
        .items
        .iter()
        .filter(|i| {
            let rep = report(&i.id);
            let status = rep.and_then(|r| r.progress.status.as_deref());
            status_q.is_none_or(|s| {
                if s == "-" {
                    status.is_none()
                } else {
                    status == Some(s)
                }
            }) && state_q.is_none_or(|s| match rep {
                None => s == "none",
                Some(r) => r.state.key() == s,
            }) && dept_q.is_none_or(|d| model.coverage.covers_any(d, &i.dept_ids))
                && tag_q.is_none_or(|t| i.tags.iter().any(|x| x == t))
                && sdg_q.is_none_or(|g| i.sdgs.iter().any(|x| x.to_string() == g))
        })
        .map(|i| {
            let rep = report(&i.id);
            ItemLine {
                href: format!("{base}/items/{}?{fy_q}", crate::error::url_encode(&i.id)),
                number: i.number.clone(),
                title: i.title.clone(),
                depts: i.dept_names.join("、"),
                status: ctx.status_label(tr, rep.and_then(|r| r.progress.status.as_deref())),
                state: tr.s(state_key(rep.map(|r| r.state))).to_string(),
                state_class: rep.map(|r| r.state.key()).unwrap_or("none"),
                mine: user.role == Role::Editor && ctx.responsible(auth, i),
            }
        })
        .collect();
    let opinions = ctx
        .reviews(state, fy, "")
        .await?
        .into_iter()
        .map(|r| OpinionLine {
            author: r.author,
            at: present::jst(&r.created_at),
            body: r.body,
        })
        .collect();
    let open = cycle.is_some_and(|c| c.state == CycleState::Open);
    let includes_demo = plan_state.includes_demo;
    let page = DashboardPage {
        chrome: Chrome::new(
            auth,
            ctx.doc.header.plan.title.clone(),
            format!("{base}?{fy_q}"),
        )
        .crumb(tr.s("home.title"), "/")
        .with_notice(q.done.as_deref()),
        base: base.clone(),
        plan_title: ctx.doc.header.plan.title.clone(),
        plan_key: format!("{}/{}", ctx.r.city, ctx.r.plan),
        has_fiscal: !ctx.doc.fiscal.is_empty(),
        city: ctx.doc.header.city.name.clone(),
        fy: fy.year(),
        fy_text: present::fiscal_year(tr.lang, fy),
        years: ctx
            .years_with(fy)
            .into_iter()
            .map(|y| {
                opt(
                    y.year().to_string(),
                    present::fiscal_year(tr.lang, y),
                    Some(&fy.year().to_string()),
                )
            })
            .collect(),
        cycle_text,
        cycle_open: open,
        cycle_exists: cycle.is_some(),
        deadline: cycle.and_then(|c| c.deadline.clone()).unwrap_or_default(),
        status_cols,
        groups,
        depts,
        across,
        recorded,
        recorded_cols,
        errors,
        includes_demo,
        missing,
        statuses,
        states,
        dept_opts,
        tag_opts,
        sdg_opts,
        showing: tr.f("dash.showing", &[&items.len(), &ctx.items.len()]),
        items,
        opinions,
        can_opine: open && user.role == Role::Council,
        can_read_revisions: user.role == Role::Council,
        can_publish: policy::is_office(user) && !open,
        published_href: {
            let dir = crate::handlers::publish::site_dir(
                &state.publish_dir,
                &ctx.city(),
                &ctx.r.plan,
                fy.year(),
            );
            if dir.join("index.html").is_file() {
                format!(
                    "/site/{}/{}/{}/index.html",
                    ctx.city(),
                    ctx.r.plan,
                    fy.year()
                )
            } else {
                String::new()
            }
        },
        workbook_depts: crate::handlers::workbook::dashboard_depts(auth, ctx, dept_q),
    };
    Ok(page)
}

/// The summary tables of a year on the dashboard, all from the read model.
struct Summaries {
    /// `(code, heading)`: the scale, then codes found off it.
    cols: Vec<(String, String)>,
    groups: Vec<SummaryLine>,
    depts: Vec<SummaryLine>,
    across: Vec<SummaryLine>,
    errors: Vec<String>,
    recorded_cols: Vec<String>,
    recorded: Vec<SummaryLine>,
}

fn summaries(tr: Tr, ctx: &PlanCtx, plan_state: &PlanState, fy: FiscalYear) -> Summaries {
    let model = &ctx.model;
    let base = ctx.base();
    let fy_q = format!("fy={}", fy.year());
    // Summaries from the read model: the whole plan, each top-level
    // policy, each department (a 部 with its 課), and the years side by
    // side. Columns: the scale, then any code found that is not on it.
    let cols = summary_columns(tr, plan_state);
    let codes: Vec<&str> = cols.iter().map(|(code, _)| code.as_str()).collect();
    let mut groups = vec![SummaryLine::new(
        tr.s("dash.whole"),
        "",
        &codes,
        &plan_state.whole,
    )];
    groups.extend(
        model
            .policies
            .iter()
            .zip(&plan_state.policies)
            .map(|(g, sum)| SummaryLine::new(g.label.clone(), "", &codes, sum)),
    );
    let depts: Vec<SummaryLine> = model
        .departments
        .iter()
        .zip(&plan_state.departments)
        .map(|(g, sum)| {
            SummaryLine::new(
                g.label.clone(),
                format!("{base}?{fy_q}&dept={}", crate::error::url_encode(&g.key)),
                &codes,
                sum,
            )
        })
        .collect();
    let across: Vec<SummaryLine> = plan_state
        .across
        .iter()
        .filter(|(_, sum)| sum.reported > 0)
        .map(|(y, sum)| {
            SummaryLine::new(
                present::fiscal_year(tr.lang, *y),
                format!("{base}?fy={}", y.year()),
                &codes,
                sum,
            )
        })
        .collect();
    let errors: Vec<String> = plan_state
        .errors
        .iter()
        .map(|e| tr.text(&e.message()))
        .collect();
    // Summaries the plan itself printed (kept apart from computed ones).
    let recorded_cols: Vec<String> = ctx
        .doc
        .header
        .recorded_summaries
        .first()
        .map(|r| r.counts.iter().map(|c| c.status.clone()).collect())
        .unwrap_or_default();
    let recorded = ctx
        .doc
        .header
        .recorded_summaries
        .iter()
        .map(|r| SummaryLine {
            label: format!("{} {}", present::fiscal_year(tr.lang, r.fy), r.title),
            href: String::new(),
            counts: r.counts.iter().map(|c| c.count).collect(),
            reported: r.total,
            unreported: 0,
            achieved_pct: String::new(),
        })
        .collect();

    Summaries {
        cols,
        groups,
        depts,
        across,
        errors,
        recorded_cols,
        recorded,
    }
}

/// Departments (a 部 with its 課) with items not yet submitted in a year
/// that has a cycle.
fn missing_lines(
    tr: Tr,
    ctx: &PlanCtx,
    plan_state: &PlanState,
    fy: FiscalYear,
) -> Vec<MissingLine> {
    let model = &ctx.model;
    let cycle = ctx.cycle(fy);
    let done = |i: &usize| {
        plan_state
            .report(&model.items[*i].id, fy)
            .is_some_and(|p| matches!(p.state, ReportState::Submitted | ReportState::Accepted))
    };
    let mut missing = Vec::new();
    if cycle.is_some() {
        for g in &model.departments {
            let n = g.members.iter().filter(|i| !done(i)).count();
            if n > 0 {
                missing.push(MissingLine {
                    dept: g.label.clone(),
                    missing: n,
                    total: g.members.len(),
                });
            }
        }
        let n = model.unassigned.iter().filter(|i| !done(i)).count();
        if n > 0 {
            missing.push(MissingLine {
                dept: tr.s("dash.no_dept").to_string(),
                missing: n,
                total: model.unassigned.len(),
            });
        }
    }

    missing
}

/// The office opens a year (with a deadline), closes it, or reopens it.
pub async fn cycle_action(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    if !policy::is_office(auth.user()) {
        return Err(AppError::Forbidden);
    }
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = ctx.pick_year(form.get("fy"))?;
    let actor = &auth.user().login;
    let done = match form.get("action") {
        Some("open") => {
            let deadline = match form.get("deadline") {
                None => None,
                Some(d) => Some(parse_deadline(d)?),
            };
            state
                .store
                .open_cycle(&ctx.r, fy, deadline.as_deref(), actor)
                .await?;
            "opened"
        }
        Some("close") => {
            state.store.close_cycle(&ctx.r, fy, actor).await?;
            "closed"
        }
        _ => {
            return Err(AppError::BadRequest(
                "操作が指定されていません".into(),
                "no action given".into(),
            ))
        }
    };
    Ok(see_other(&format!("{}?fy={}", ctx.base(), fy.year()), done))
}

/// A deadline typed as 2026-05-31, 2026/5/31 or 令和8年5月31日.
fn parse_deadline(s: &str) -> Result<String, AppError> {
    let d = gyokaku_domain::PlanDate::parse(s).ok();
    match d {
        Some(d) if d.day.is_some() => Ok(format!(
            "{:04}-{:02}-{:02}",
            d.year,
            d.month,
            d.day.unwrap_or(1)
        )),
        _ => Err(AppError::BadRequest(
            format!("提出期限「{s}」を日付として読めません（例: 2026-05-31、令和8年5月31日）"),
            format!("cannot read the deadline '{s}' as a date (e.g. 2026-05-31, 令和8年5月31日)"),
        )),
    }
}

/// A council member's opinion on the whole plan's year.
pub async fn plan_opinion(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    if auth.user().role != Role::Council {
        return Err(AppError::Forbidden);
    }
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = ctx.pick_year(form.get("fy"))?;
    state
        .store
        .add_opinion(&ctx.r, None, fy, form.raw("body"), &auth.user().actor())
        .await?;
    Ok(see_other(
        &format!("{}?fy={}", ctx.base(), fy.year()),
        "opinion",
    ))
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub key: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    heading: String,
    lines: Vec<AuditLine>,
}

pub fn audit_lines(entries: Vec<gyokaku_store::AuditEntry>) -> Vec<AuditLine> {
    entries
        .into_iter()
        .map(|e| AuditLine {
            at: present::jst(&e.at),
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            key: e.entity_key,
            before: e.before.unwrap_or_default(),
            after: e.after.unwrap_or_default(),
        })
        .collect()
}

/// The office's log of every change to a plan.
pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !policy::is_office(auth.user()) {
        return Err(AppError::Forbidden);
    }
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let tr = auth.tr;
    let lines = audit_lines(state.store.audit_log(&ctx.r, 500).await?);
    html(&AuditPage {
        chrome: Chrome::new(&auth, tr.s("audit.title"), format!("{}/audit", ctx.base()))
            .crumb(tr.s("home.title"), "/")
            .crumb(ctx.doc.header.plan.title.clone(), ctx.base()),
        heading: format!("{} — {}", tr.s("audit.title"), ctx.doc.header.plan.title),
        lines,
    })
}
