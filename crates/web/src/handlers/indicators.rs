//! The indicator registry: every indicator of every plan (of every city
//! stored) in one list, with its achievement judged by the documented
//! method (docs/achievement.md), filters and a summary per class.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use gyokaku_domain::present;
use gyokaku_domain::{summarise, Assessment, FiscalYear, Indicator, IndicatorValue, Trajectory};

use crate::auth::Auth;
use crate::error::{url_encode, AppError};
use crate::handlers::html;
use crate::handlers::plans::Opt;
use crate::i18n::Tr;
use crate::views::{Chrome, Judged, PlanCtx};
use crate::AppState;

/// The last completed fiscal year: the year actuals are known for.
pub fn default_as_of() -> FiscalYear {
    let today = present::jst_date(&gyokaku_store::now_iso());
    let (year, month) = today.map_or((2025, 4), |d| (d.year(), u8::from(d.month()) as u32));
    FiscalYear::containing(year, month)
        .and_then(|fy| FiscalYear::new(fy.year() - 1))
        .unwrap_or_else(|_| FiscalYear::new(2025).expect("2025 is a valid year"))
}

/// An indicator's kind: 成果指標 in Japanese, its key in English.
pub fn kind_text(tr: Tr, i: &Indicator) -> String {
    present::term(tr.lang, i.kind).to_string()
}

/// The years without an actual up to the year judged: R4、R5.
pub fn gaps_text(a: &Assessment) -> String {
    a.gap_years
        .iter()
        .map(|y| y.short())
        .collect::<Vec<_>>()
        .join("、")
}

pub fn trajectory_text(tr: Tr, t: Trajectory) -> &'static str {
    present::term(tr.lang, t)
}

/// An indicator's series against its baseline and target, as SVG.
pub fn indicator_chart(
    tr: Tr,
    i: &Indicator,
    values: &[&IndicatorValue],
    as_of: FiscalYear,
) -> String {
    let first = values
        .iter()
        .map(|v| v.fy)
        .chain(i.baseline.as_ref().and_then(|b| b.fy))
        .min()
        .unwrap_or(as_of);
    let unit = i.unit.clone().unwrap_or_default();
    gyokaku_publish::charts::indicator_chart(
        &format!(
            "ind-{}",
            i.id.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        ),
        &format!("{}（{unit}）", i.name),
        &tr.f(
            "chart.indicator_desc",
            &[&i.name, &first.short(), &as_of.short()],
        ),
        i,
        values,
        as_of,
        tr.s("ind.baseline"),
        tr.s("ind.target"),
    )
}

#[derive(Deserialize, Default)]
pub struct RegistryQuery {
    plan: Option<String>,
    kind: Option<String>,
    class: Option<String>,
    q: Option<String>,
    challenge: Option<String>,
    as_of: Option<String>,
    page: Option<String>,
    /// `CITY/DEPT`, or `mine`: the user's own departments.
    dept: Option<String>,
}

pub struct RegistryLine {
    pub href: String,
    pub plan: String,
    pub city: String,
    pub item_href: String,
    pub item: String,
    pub depts: String,
    pub kind: String,
    pub name: String,
    pub unit: String,
    pub baseline: String,
    pub target: String,
    pub latest: String,
    pub achievement: String,
    pub class: String,
    pub class_key: &'static str,
    pub gaps: String,
    pub challenge: bool,
    pub updated: String,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct RegistryPage {
    chrome: Chrome,
    as_of: String,
    as_of_value: i32,
    plans: Vec<Opt>,
    depts: Vec<Opt>,
    kinds: Vec<Opt>,
    classes: Vec<Opt>,
    q: String,
    challenge: bool,
    summary: Vec<(String, u32)>,
    total: u32,
    lines: Vec<RegistryLine>,
    any_demo: bool,
    pager: Pager,
}

/// Rows shown per page of the registry (石岡 alone has 457 indicators).
const PAGE: usize = 100;

/// Where the page is in the list, and links to the others.
struct Pager {
    text: String,
    prev: String,
    next: String,
    /// (number, link, current)
    pages: Vec<(usize, String, bool)>,
}

fn opt(value: &str, label: &str, current: Option<&str>) -> Opt {
    Opt {
        value: value.to_string(),
        label: label.to_string(),
        selected: current == Some(value),
    }
}

pub async fn registry(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<RegistryQuery>,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let as_of = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => FiscalYear::parse(s).map_err(|_| {
            AppError::BadRequest(
                format!("年度「{s}」を読めません（例: 2025, R7, 令和7年度）"),
                format!("cannot read the fiscal year '{s}' (e.g. 2025, R7, 令和7年度)"),
            )
        })?,
        None => default_as_of(),
    };
    let plan_q = q.plan.as_deref().filter(|s| !s.is_empty());
    let kind_q = q.kind.as_deref().filter(|s| !s.is_empty());
    let class_q = q.class.as_deref().filter(|s| !s.is_empty());
    let text_q = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let challenge_q = q.challenge.as_deref() == Some("1");
    let dept_q = q.dept.as_deref().filter(|s| !s.is_empty());
    let mut depts = vec![opt("", tr.s("filter.all"), dept_q)];
    if !auth.user().departments.is_empty() {
        depts.push(opt("mine", tr.s("reg.mine"), dept_q));
    }

    let mut plans = vec![opt("", tr.s("filter.all"), plan_q)];
    // First the matching indicators (plan, its judged list, index), then
    // lines for one page of them.
    let mut loaded: Vec<(
        gyokaku_store::PlanListing,
        PlanCtx,
        std::sync::Arc<Vec<Judged>>,
    )> = Vec::new();
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for p in state.store.list_plans().await? {
        let key = format!("{}/{}", p.city_code, p.plan_id);
        plans.push(opt(&key, &format!("{} {}", p.city_name, p.title), plan_q));
        if plan_q.is_some_and(|k| k != key) {
            continue;
        }
        let ctx = PlanCtx::load(&state, &p.city_code, &p.plan_id).await?;
        if ctx.doc.indicators.is_empty() {
            continue;
        }
        // The departments answerable for an indicator in this plan, once.
        let mut answerable: Vec<&String> = ctx.indicator_depts.values().flatten().collect();
        answerable.sort();
        answerable.dedup();
        for d in answerable {
            let value = format!("{}/{d}", p.city_code);
            if !depts.iter().any(|o| o.value == value) {
                let name = ctx.dept_names.get(d).unwrap_or(d);
                depts.push(opt(&value, &format!("{} {name}", p.city_name), dept_q));
            }
        }
        let user = auth.user();
        let in_dept = |id: &str| -> bool {
            let Some(q) = dept_q else {
                return true;
            };
            let ds = ctx
                .indicator_depts
                .get(id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if q == "mine" {
                return crate::policy::responsible(user, &ctx.r.city, ds, &ctx.coverage);
            }
            let Some(d) = q
                .strip_prefix(p.city_code.as_str())
                .and_then(|r| r.strip_prefix('/'))
            else {
                return false;
            };
            ctx.coverage.covers_any(d, ds)
        };
        let judged = ctx.judged(&state, as_of).await?;
        let at = loaded.len();
        for (n, (i, j)) in ctx.doc.indicators.iter().zip(judged.iter()).enumerate() {
            if kind_q.is_some_and(|k| k != i.kind.key())
                || (challenge_q && !i.challenge)
                || class_q.is_some_and(|c| c != j.assessment.trajectory.key())
                || !in_dept(&i.id)
            {
                continue;
            }
            if let Some(t) = text_q {
                let node_title = i
                    .node
                    .as_deref()
                    .and_then(|n| ctx.node(n))
                    .map(|n| n.title.as_str())
                    .unwrap_or("");
                let found = [
                    i.name.as_str(),
                    i.definition.as_deref().unwrap_or(""),
                    node_title,
                    i.id.as_str(),
                ]
                .iter()
                .any(|h| h.contains(t));
                if !found {
                    continue;
                }
            }
            matched.push((at, n));
        }
        loaded.push((p, ctx, judged));
    }
    let s = summarise(matched.iter().map(|(p, n)| &loaded[*p].2[*n].assessment));
    let pages = matched.len().div_ceil(PAGE).max(1);
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let first = (page - 1) * PAGE;
    let mut lines = Vec::new();
    for (p, n) in matched.iter().skip(first).take(PAGE) {
        let (listing, ctx, judged) = &loaded[*p];
        let i = &ctx.doc.indicators[*n];
        let j = &judged[*n];
        let a = &j.assessment;
        let node_title = i
            .node
            .as_deref()
            .and_then(|n| ctx.node(n))
            .map(|n| n.title.clone())
            .unwrap_or_default();
        let item = i.node.as_deref().and_then(|n| ctx.item(n));
        lines.push(RegistryLine {
            href: crate::handlers::actuals::indicator_href(ctx, &i.id),
            plan: listing.title.clone(),
            city: listing.city_name.clone(),
            item_href: match (item, &i.node) {
                (Some(_), Some(n)) => {
                    format!("{}/items/{}?fy={}", ctx.base(), url_encode(n), as_of.year())
                }
                _ => String::new(),
            },
            item: match item {
                Some(it) => format!("{} {}", it.number, it.title).trim().to_string(),
                None => node_title,
            },
            depts: ctx.indicator_dept_names(&i.id),
            kind: kind_text(tr, i),
            name: i.name.clone(),
            unit: i.unit.clone().unwrap_or_default(),
            baseline: present::baseline(i),
            target: present::target(i),
            latest: present::latest(tr.lang, a),
            achievement: present::achievement_with_note(tr.lang, a),
            class: trajectory_text(tr, a.trajectory).to_string(),
            class_key: a.trajectory.key(),
            gaps: gaps_text(a),
            challenge: i.challenge,
            updated: j.updated.clone(),
            demo: a.demo,
        });
    }
    // Links to the other pages keep the filters.
    let mut keep: Vec<(&str, String)> = vec![("as_of", as_of.year().to_string())];
    for (k, v) in [
        ("plan", plan_q),
        ("dept", dept_q),
        ("kind", kind_q),
        ("class", class_q),
        ("q", text_q),
    ] {
        if let Some(v) = v {
            keep.push((k, v.to_string()));
        }
    }
    if challenge_q {
        keep.push(("challenge", "1".into()));
    }
    let page_href = |n: usize| {
        let mut parts: Vec<String> = keep
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        parts.push(format!("page={n}"));
        format!("/indicators?{}", parts.join("&"))
    };
    let pager = Pager {
        text: tr.f(
            "reg.showing",
            &[
                &matched.len(),
                &(if matched.is_empty() { 0 } else { first + 1 }),
                &(first + lines.len()),
            ],
        ),
        prev: if page > 1 {
            page_href(page - 1)
        } else {
            String::new()
        },
        next: if page < pages {
            page_href(page + 1)
        } else {
            String::new()
        },
        pages: if pages > 1 {
            (1..=pages).map(|n| (n, page_href(n), n == page)).collect()
        } else {
            Vec::new()
        },
    };
    let summary = Trajectory::ALL
        .iter()
        .map(|t| (trajectory_text(tr, *t).to_string(), s.count(*t)))
        .collect();
    let kinds = vec![
        opt("", tr.s("filter.all"), kind_q),
        opt("policy", tr.s("ind.kind.policy"), kind_q),
        opt("outcome", tr.s("ind.kind.outcome"), kind_q),
        opt("reference", tr.s("ind.kind.reference"), kind_q),
    ];
    let mut classes = vec![opt("", tr.s("filter.all"), class_q)];
    classes.extend(
        Trajectory::ALL
            .iter()
            .map(|t| opt(t.key(), trajectory_text(tr, *t), class_q)),
    );
    let any_demo = lines.iter().any(|l| l.demo);
    html(&RegistryPage {
        chrome: Chrome::new(&auth, tr.s("reg.title"), "/indicators").crumb(tr.s("home.title"), "/"),
        as_of: present::fiscal_year(tr.lang, as_of),
        as_of_value: as_of.year(),
        plans,
        depts,
        kinds,
        classes,
        q: text_q.unwrap_or("").to_string(),
        challenge: challenge_q,
        summary,
        total: s.total,
        lines,
        any_demo,
        pager,
    })
}
