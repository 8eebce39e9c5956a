//! Fiscal soundness: the city's ratios over the years against their
//! thresholds, and peers side by side for a year (as 安中's 図表-5).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use gyokaku_domain::present;
use gyokaku_domain::{
    check_observation, rank_peers, statutory_thresholds, FiscalRatio, FiscalYear, RatioValue,
    Threshold,
};

use crate::auth::Auth;
use crate::charts::{bar_chart, line_chart, Bar, RefLine};
use crate::error::AppError;
use crate::handlers::html;
use crate::handlers::plans::Opt;
use crate::i18n::Tr;
use crate::views::{Chrome, PlanCtx};
use crate::AppState;

const RATIOS: [FiscalRatio; 6] = FiscalRatio::ALL;

fn ref_lines(tr: Tr, ew: Threshold, rc: Threshold) -> Vec<RefLine> {
    let mut refs = Vec::new();
    if let Some(v) = present::threshold_line(ew) {
        refs.push(RefLine {
            label: tr.s("fiscal.early_warning").to_string(),
            value: v,
            kind: "warn",
        });
    }
    if let Some(v) = present::threshold_line(rc) {
        refs.push(RefLine {
            label: tr.s("fiscal.reconstruction").to_string(),
            value: v,
            kind: "bad",
        });
    }
    refs
}

pub struct Cell {
    pub text: String,
    pub flag: String,
    pub warn: bool,
}

pub struct OwnRow {
    pub ratio: String,
    pub early_warning: String,
    pub reconstruction: String,
    pub cells: Vec<Cell>,
    pub chart: String,
}

pub struct PeerLine {
    pub rank: String,
    pub city: String,
    pub value: String,
    pub flag: String,
    pub own: bool,
}

pub struct PeerTable {
    pub ratio: String,
    pub better: String,
    pub rows: Vec<PeerLine>,
    pub chart: String,
    pub own_rank: String,
}

#[derive(Template)]
#[template(path = "fiscal.html")]
struct FiscalPage {
    chrome: Chrome,
    base: String,
    city: String,
    years: Vec<String>,
    own: Vec<OwnRow>,
    peer_years: Vec<Opt>,
    peer_fy: String,
    peers: Vec<PeerTable>,
    empty: bool,
}

#[derive(Deserialize, Default)]
pub struct FiscalQuery {
    fy: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<FiscalQuery>,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let obs = &ctx.doc.fiscal;
    let me = ctx.r.city;
    let stated = &ctx.doc.header.fiscal_thresholds;
    let mut years: Vec<FiscalYear> = obs
        .iter()
        .filter(|o| o.lgcode == me)
        .map(|o| o.fy)
        .collect();
    years.sort();
    years.dedup();
    let own = RATIOS
        .iter()
        .filter(|r| obs.iter().any(|o| o.lgcode == me && o.ratio == **r))
        .map(|r| {
            let th = gyokaku_domain::applicable_thresholds(*r, stated);
            let cells: Vec<Cell> = years
                .iter()
                .map(|y| {
                    match obs
                        .iter()
                        .find(|o| o.lgcode == me && o.ratio == *r && o.fy == *y)
                    {
                        Some(o) => {
                            let c = check_observation(o, &me, stated);
                            Cell {
                                text: o.value.to_string(),
                                flag: present::term(tr.lang, c.flag).to_string(),
                                warn: c.flag.is_warning(),
                            }
                        }
                        None => Cell {
                            text: String::new(),
                            flag: tr.s("fiscal.gap").to_string(),
                            warn: false,
                        },
                    }
                })
                .collect();
            let points: Vec<(String, Option<f64>)> = years
                .iter()
                .map(|y| {
                    let v = obs
                        .iter()
                        .find(|o| o.lgcode == me && o.ratio == *r && o.fy == *y)
                        .and_then(|o| match o.value {
                            RatioValue::Number(d) => Some(d.to_f64()),
                            RatioValue::NotApplicable => None,
                        });
                    (y.short(), v)
                })
                .collect();
            let chart = if points.iter().any(|(_, v)| v.is_some()) {
                line_chart(
                    &format!("own-{}", r.key()),
                    present::term(tr.lang, *r),
                    &tr.f("chart.ratio_desc", &[&present::term(tr.lang, *r)]),
                    &points,
                    &ref_lines(tr, th.early_warning, th.reconstruction),
                )
            } else {
                String::new()
            };
            OwnRow {
                ratio: present::term(tr.lang, *r).to_string(),
                early_warning: present::threshold_with_source(tr.lang, th.early_warning, ""),
                reconstruction: present::threshold_with_source(tr.lang, th.reconstruction, ""),
                cells,
                chart,
            }
        })
        .collect();

    // Years in which other cities are compared.
    let mut peer_years: Vec<FiscalYear> = obs
        .iter()
        .filter(|o| o.lgcode != me)
        .map(|o| o.fy)
        .collect();
    peer_years.sort();
    peer_years.dedup();
    let peer_fy = match q.fy.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(FiscalYear::parse(s).map_err(|_| AppError::NotFound)?),
        None => peer_years.last().copied(),
    };
    let mut peers = Vec::new();
    if let Some(fy) = peer_fy {
        for r in RATIOS {
            let ranking = rank_peers(r, fy, obs);
            if ranking.rows.len() < 2 {
                continue;
            }
            let statutory = statutory_thresholds(r);
            let rows: Vec<PeerLine> = ranking
                .rows
                .iter()
                .map(|row| {
                    let o = obs
                        .iter()
                        .find(|o| o.lgcode == row.lgcode && o.ratio == r && o.fy == fy);
                    PeerLine {
                        rank: row
                            .rank
                            .map(|n| n.to_string())
                            .unwrap_or_else(|| "—".into()),
                        city: row.city.clone(),
                        value: row.value.to_string(),
                        flag: o
                            .map(|o| {
                                present::term(tr.lang, check_observation(o, &me, stated).flag)
                                    .to_string()
                            })
                            .unwrap_or_default(),
                        own: row.lgcode == me,
                    }
                })
                .collect();
            let bars: Vec<Bar> = ranking
                .rows
                .iter()
                .map(|row| Bar {
                    label: row.city.clone(),
                    value: match row.value {
                        RatioValue::Number(d) => Some(d.to_f64()),
                        RatioValue::NotApplicable => None,
                    },
                    text: row.value.to_string(),
                    highlight: row.lgcode == me,
                })
                .collect();
            let chart = bar_chart(
                &format!("peer-{}", r.key()),
                &format!(
                    "{} — {}",
                    present::term(tr.lang, r),
                    present::fiscal_year(tr.lang, fy)
                ),
                &tr.f(
                    "chart.peer_desc",
                    &[&present::term(tr.lang, r), &ranking.rows.len()],
                ),
                &bars,
                &ref_lines(tr, statutory.early_warning, statutory.reconstruction),
            );
            let own_rank = ranking
                .row(&me)
                .and_then(|row| row.rank)
                .map(|n| tr.f("fiscal.own_rank", &[&n, &ranking.ranked]))
                .unwrap_or_default();
            peers.push(PeerTable {
                ratio: present::term(tr.lang, r).to_string(),
                better: tr
                    .s(match r.better() {
                        gyokaku_domain::Better::Lower => "fiscal.lower_better",
                        gyokaku_domain::Better::Higher => "fiscal.higher_better",
                    })
                    .to_string(),
                rows,
                chart,
                own_rank,
            });
        }
    }
    let base = ctx.base();
    html(&FiscalPage {
        chrome: Chrome::new(&auth, tr.s("fiscal.title"), format!("{base}/fiscal"))
            .crumb(tr.s("home.title"), "/")
            .crumb(ctx.doc.header.plan.title.clone(), base.clone()),
        city: ctx.doc.header.city.name.clone(),
        empty: obs.is_empty(),
        years: years
            .iter()
            .map(|y| present::fiscal_year(tr.lang, *y))
            .collect(),
        own,
        peer_years: peer_years
            .iter()
            .map(|y| Opt {
                value: y.year().to_string(),
                label: present::fiscal_year(tr.lang, *y),
                selected: Some(*y) == peer_fy,
            })
            .collect(),
        peer_fy: peer_fy
            .map(|y| present::fiscal_year(tr.lang, y))
            .unwrap_or_default(),
        peers,
        base,
    })
}
