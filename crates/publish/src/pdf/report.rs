//! What the PDF report shows, computed from a publication: every count,
//! amount and date already formatted in Japanese, handed to the typst
//! template as JSON so the template only lays out (and no text of the plan
//! is ever read as markup).

use std::collections::BTreeMap;

use serde::Serialize;

use gyokaku_domain::present::{self, Lang};
use gyokaku_domain::{
    check_observation, rank_peers, summarise, FiscalRatio, FiscalYear, PlanDate, RatioValue,
    StatusLevel, StatusSummary, Trajectory, Yen,
};

use crate::model::{Entry, Publication};

/// The report is printed in Japanese, as the city's own documents are.
pub(super) const JA: Lang = Lang::Ja;

/// The whole report, in reading order.
#[derive(Debug, Serialize)]
pub struct Report {
    meta: Meta,
    /// The status scale, as the columns of every summary.
    scale: Vec<StatusColumn>,
    /// The published year: the whole plan, then each top-level node.
    summary: Vec<SummaryRow>,
    /// Each department answerable for items (a 部 with its 課's).
    departments: Vec<SummaryRow>,
    /// The whole plan in each year of the publication.
    years: Vec<SummaryRow>,
    /// Summaries the plan itself printed, as printed.
    recorded: Vec<Recorded>,
    policies: Vec<Policy>,
    indicators: Indicators,
    fiscal: Fiscal,
    /// The matrices and ○ tables of the plan's classifications.
    classifications: super::printed::Classifications,
    meetings: Vec<MeetingRow>,
    opinions: Vec<OpinionRow>,
    /// The plan's own text and history (the appendix).
    plan: super::printed::PlanText,
    glossary: Vec<Term>,
}

/// A table of summaries the plan printed (安中's 図表-2).
#[derive(Debug, Serialize)]
struct Recorded {
    title: String,
    source: Option<String>,
    cols: Vec<String>,
    /// 年度, the counts in column order, and the printed total.
    rows: Vec<(String, Vec<u32>, u32)>,
    notes: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Meta {
    city: String,
    prefecture: String,
    title: String,
    subtitle: Option<String>,
    generation: Option<String>,
    draft: bool,
    /// 令和7年度～令和11年度, or 期間の定めなし
    period: String,
    managing_office: Option<String>,
    /// 令和7(2025)年度
    fy: String,
    /// R7
    fy_short: String,
    /// 令和8年6月30日
    published: String,
    /// 2026-06-30
    published_iso: String,
    /// Some report or actual is fictional demo data.
    demo: bool,
    /// Font families, the first for all text.
    fonts: Vec<String>,
    /// The PDF's title (document information).
    doc_title: String,
    /// Level names of the plan (方針, 推進項目 …), top first.
    levels: Vec<String>,
    /// Items (leaves) in the plan.
    items: usize,
}

#[derive(Debug, Serialize)]
struct StatusColumn {
    label: String,
    achieved: bool,
    /// `#rrggbb`: greens for statuses counted as achieved, warm colours
    /// for the others.
    color: String,
}

/// Counts of one group of items in one year.
#[derive(Debug, Serialize)]
struct SummaryRow {
    label: String,
    /// Per column of `Report::scale`: the scale, then codes not on it.
    counts: Vec<u32>,
    unreported: u32,
    /// Items in the group (reported + unreported).
    items: u32,
    /// Items with an accepted report for the year, with or without a
    /// status.
    reported: u32,
    achieved: u32,
    /// 67% — or — when no item has a status.
    achieved_percent: String,
    /// Spending cut plus revenue of the group's items in the year.
    effect: String,
}

#[derive(Debug, Serialize)]
struct Policy {
    label: String,
    title: String,
    body: Option<String>,
    summary: SummaryRow,
    entries: Vec<PolicyEntry>,
}

/// A node under a top-level node: a heading between items, or an item.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PolicyEntry {
    Group {
        /// 1 directly under the policy.
        depth: usize,
        label: String,
        title: String,
    },
    Item(Box<ItemCard>),
}

#[derive(Debug, Serialize)]
struct ItemCard {
    label: String,
    title: String,
    departments: String,
    body: Option<String>,
    /// Its axes, SDGs and other numbers, as the site shows them.
    classes: Vec<super::printed::ClassRow>,
    /// Glossary terms its text marks: ※1 RPA、…
    marks: String,
    /// The plan's schedule entry for the published year.
    plan_for_year: Option<String>,
    status: Option<String>,
    status_color: Option<String>,
    achieved: bool,
    /// An accepted report for the year exists (perhaps without a status).
    reported: bool,
    result: Option<String>,
    self_evaluation: Option<String>,
    direction: Option<String>,
    spending_cut: Option<String>,
    revenue: Option<String>,
    demo: bool,
}

#[derive(Debug, Serialize)]
struct Indicators {
    /// Count per class (only classes with indicators), in class order.
    classes: Vec<ClassCount>,
    /// 67% of the judged indicators achieved or on track, or —.
    achieved_or_on_track: String,
    assessed: u32,
    rows: Vec<IndicatorRow>,
}

#[derive(Debug, Serialize)]
struct ClassCount {
    label: String,
    key: &'static str,
    count: u32,
}

#[derive(Debug, Serialize)]
struct IndicatorRow {
    /// The node it belongs to (方針1), or 計画全体.
    node: String,
    kind: &'static str,
    name: String,
    unit: String,
    baseline: String,
    target: String,
    latest: String,
    class: &'static str,
    class_key: &'static str,
    demo: bool,
}

#[derive(Debug, Serialize)]
struct Fiscal {
    /// The plan's own city, every year up to the published one.
    own: Vec<FiscalRow>,
    /// The city and its peers in the latest year with peers.
    peers: Option<PeerTable>,
}

#[derive(Debug, Serialize)]
struct FiscalRow {
    fy: String,
    ratio: &'static str,
    value: String,
    early_warning: String,
    reconstruction: String,
    flag: &'static str,
    warning: bool,
    /// 2位／5団体
    rank: String,
}

#[derive(Debug, Serialize)]
struct PeerTable {
    fy: String,
    ratios: Vec<&'static str>,
    rows: Vec<PeerCity>,
}

#[derive(Debug, Serialize)]
struct PeerCity {
    city: String,
    own: bool,
    values: Vec<String>,
}

#[derive(Debug, Serialize)]
struct MeetingRow {
    date: String,
    body: String,
    title: String,
    agenda: Option<String>,
    kinds: String,
}

#[derive(Debug, Serialize)]
struct OpinionRow {
    fy: String,
    target: String,
    body: String,
}

#[derive(Debug, Serialize)]
struct Term {
    term: String,
    reading: Option<String>,
    description: String,
}

/// Greens for achieved statuses (darkest first), warm colours for the rest.
const ACHIEVED_COLORS: [&str; 4] = ["#1a7a3c", "#4fa660", "#8cc98c", "#bfe3b8"];
const OTHER_COLORS: [&str; 4] = ["#f2b441", "#e07b39", "#c0463a", "#8a5a9e"];

/// A status not on the scale (a data error shown rather than dropped).
const OFF_SCALE_COLOR: &str = "#7a7a7a";

fn status_colors(scale: &[StatusLevel]) -> Vec<String> {
    let (mut a, mut o) = (0, 0);
    scale
        .iter()
        .map(|s| {
            let c = if s.achieved {
                a += 1;
                ACHIEVED_COLORS[(a - 1) % ACHIEVED_COLORS.len()]
            } else {
                o += 1;
                OTHER_COLORS[(o - 1) % OTHER_COLORS.len()]
            };
            c.to_string()
        })
        .collect()
}

fn ratio_unit(r: FiscalRatio) -> &'static str {
    if r == FiscalRatio::FiscalCapabilityIndex {
        ""
    } else {
        "%"
    }
}

fn ratio_text(v: RatioValue, r: FiscalRatio) -> String {
    match v {
        RatioValue::Number(d) => format!("{d}{}", ratio_unit(r)),
        RatioValue::NotApplicable => present::NONE.into(),
    }
}

impl SummaryRow {
    /// A row of a summary of the read model, one count per column code.
    fn of(label: String, codes: &[&str], s: &StatusSummary, effect: Yen) -> SummaryRow {
        SummaryRow {
            label,
            counts: codes.iter().map(|c| s.count_of(c)).collect(),
            unreported: s.unreported,
            items: s.items(),
            reported: s.reported,
            achieved: s.achieved,
            achieved_percent: present::percent(s.achieved_percent()),
            effect: if effect == Yen(0) {
                present::NONE.into()
            } else {
                present::amount(JA, effect)
            },
        }
    }
}

/// The report's data for a publication, with `fonts` as the families to
/// set it in.
pub fn build(p: &Publication, fonts: &[String]) -> Report {
    let doc = &p.doc;
    let h = &doc.header;
    let scale = &h.status_scale;
    let colors = status_colors(scale);
    let color_of = |code: &str| {
        scale
            .iter()
            .position(|s| s.code == code)
            .map(|i| colors[i].clone())
    };

    // Every count comes from the read model: columns are the scale, then
    // any code found that is not on it.
    let cols: Vec<&gyokaku_domain::StatusRow> = p.state.columns.iter().collect();
    let codes: Vec<&str> = cols.iter().map(|r| r.code.as_str()).collect();
    let all: Vec<usize> = (0..p.model.items.len()).collect();
    let group_row = |label: String, members: &[usize], fy: FiscalYear| {
        SummaryRow::of(
            label,
            &codes,
            &p.state.summary(&p.model, members, fy),
            p.state.effect(&p.model, members, fy).total(),
        )
    };
    let mut summary = vec![group_row("計画全体".into(), &all, p.fy)];
    for g in &p.model.policies {
        summary.push(group_row(g.label.clone(), &g.members, p.fy));
    }
    let departments = p
        .model
        .departments
        .iter()
        .map(|g| group_row(g.label.clone(), &g.members, p.fy))
        .collect();
    let years = p
        .state
        .across
        .iter()
        .map(|(fy, _)| group_row(present::fiscal_year(JA, *fy), &all, *fy))
        .collect();

    let mut policies: Vec<Policy> = Vec::new();
    for top in &doc.nodes {
        let Some(start) = p.model.outline.iter().position(|e| e.id == top.id) else {
            continue;
        };
        let entry = &p.model.outline[start];
        let under = p.model.outline[start..]
            .iter()
            .enumerate()
            .take_while(|(i, e)| *i == 0 || e.depth > 0)
            .map(|(_, e)| e);
        let mut entries = Vec::new();
        for e in under {
            if !e.is_item {
                if e.depth > 0 {
                    entries.push(PolicyEntry::Group {
                        depth: e.depth,
                        label: e.label.clone(),
                        title: e.title.clone(),
                    });
                }
                continue;
            }
            let node = p.node(&e.id);
            let report = p.report(&e.id, p.fy);
            let status = report.and_then(|g| g.status.as_deref());
            let level = status.and_then(|c| scale.iter().find(|s| s.code == c));
            entries.push(PolicyEntry::Item(Box::new(ItemCard {
                label: e.label.clone(),
                title: e.title.clone(),
                departments: node
                    .map(|n| {
                        n.departments
                            .iter()
                            .map(|d| p.dept_name(d))
                            .collect::<Vec<_>>()
                            .join("、")
                    })
                    .unwrap_or_default(),
                body: node.and_then(|n| n.body.clone()),
                classes: p
                    .model
                    .item(&e.id)
                    .map(|it| super::printed::item_classes(p, it, node))
                    .unwrap_or_default(),
                marks: super::printed::marks_at(p, gyokaku_domain::MarkPlace::Node(&e.id)),
                plan_for_year: node.and_then(|n| n.schedule.get(&p.fy).cloned()),
                status: level.map(|l| l.label.clone()),
                status_color: status.and_then(color_of),
                achieved: level.is_some_and(|l| l.achieved),
                reported: report.is_some(),
                result: report.and_then(|g| g.result.clone()),
                self_evaluation: report.and_then(|g| g.self_evaluation.clone()),
                direction: report.and_then(|g| g.direction.map(|d| d.ja().to_string())),
                spending_cut: report.and_then(|g| g.spending_cut.map(|y| present::amount(JA, y))),
                revenue: report.and_then(|g| g.revenue.map(|y| present::amount(JA, y))),
                demo: report.is_some_and(|g| g.demo),
            })));
        }
        policies.push(Policy {
            label: entry.label.clone(),
            title: entry.title.clone(),
            body: top.body.clone(),
            summary: group_row(entry.heading(), p.model.policy_members(&top.id), p.fy),
            entries,
        });
    }

    // Indicators, each judged on its own values only.
    let assessments = p.assessments();
    let totals = summarise(assessments);
    let indicators = Indicators {
        classes: Trajectory::ALL
            .iter()
            .filter(|t| totals.count(**t) > 0)
            .map(|t| ClassCount {
                label: t.ja().to_string(),
                key: t.key(),
                count: totals.count(*t),
            })
            .collect(),
        achieved_or_on_track: totals
            .achieved_or_on_track()
            .map(|r| format!("{}%", r.percent(0)))
            .unwrap_or_else(|| present::NONE.into()),
        assessed: totals.assessed,
        rows: doc
            .indicators
            .iter()
            .zip(assessments)
            .map(|(i, a)| {
                let unit = i.unit.as_deref().unwrap_or("");
                IndicatorRow {
                    node: i
                        .node
                        .as_deref()
                        .and_then(|n| p.entry(n))
                        .map(|e| {
                            if e.label.is_empty() {
                                e.title.clone()
                            } else {
                                e.label.clone()
                            }
                        })
                        .unwrap_or_else(|| "計画全体".into()),
                    kind: i.kind.ja(),
                    name: i.name.clone(),
                    unit: unit.to_string(),
                    baseline: present::baseline(i),
                    target: present::target(i),
                    latest: present::latest(JA, a),
                    class: a.trajectory.ja(),
                    class_key: a.trajectory.key(),
                    demo: a.demo,
                }
            })
            .collect(),
    };

    let fiscal = fiscal(p);

    let meetings = h
        .meetings
        .iter()
        .map(|m| MeetingRow {
            date: m
                .date
                .map(|a| present::dates(JA, a, m.end_date))
                .unwrap_or_else(|| present::NONE.into()),
            body: m.body.clone(),
            title: m.title.clone(),
            agenda: m.agenda.clone(),
            kinds: m.kinds.join("、"),
        })
        .collect();

    let opinions = p
        .opinions
        .iter()
        .map(|o| OpinionRow {
            fy: o.fy.wareki(),
            target: o
                .node
                .as_deref()
                .map(|n| p.entry(n).map(Entry::heading).unwrap_or_else(|| n.into()))
                .unwrap_or_else(|| "計画全体".into()),
            body: o.body.clone(),
        })
        .collect();

    let glossary = doc
        .glossary
        .iter()
        .map(|t| Term {
            term: t.term.clone(),
            reading: t.reading.clone(),
            description: t.description.clone(),
        })
        .collect();

    let demo = doc.progress.iter().filter(|g| g.fy <= p.fy).any(|g| g.demo)
        || doc
            .indicator_values
            .iter()
            .filter(|v| v.fy <= p.fy)
            .any(|v| v.demo);
    let published = PlanDate::parse(&p.published_on)
        .map(|d| present::date(JA, d))
        .unwrap_or_else(|_| p.published_on.clone());
    let full_title = h.plan.full_title();
    Report {
        meta: Meta {
            city: h.city.name.clone(),
            prefecture: h.city.prefecture.clone(),
            title: full_title.clone(),
            subtitle: h.plan.subtitle.clone(),
            generation: h.plan.generation.clone(),
            draft: h.plan.draft,
            period: present::period_or_standing(JA, h.plan.period, h.plan.draft),
            managing_office: h.plan.managing_office.clone(),
            fy: present::fiscal_year(JA, p.fy),
            fy_short: p.fy.short(),
            published,
            published_iso: p.published_on.clone(),
            demo,
            fonts: fonts.to_vec(),
            doc_title: format!(
                "{} {} {} 実施状況",
                h.city.name,
                full_title,
                present::fiscal_year(JA, p.fy)
            ),
            levels: h
                .levels
                .iter()
                .enumerate()
                .map(|(i, l)| present::level_name(JA, l, i))
                .collect(),
            items: p.model.items.len(),
        },
        scale: cols
            .iter()
            .map(|r| StatusColumn {
                label: if r.on_scale {
                    r.label.clone()
                } else {
                    present::off_scale(JA, &r.code)
                },
                achieved: r.achieved,
                color: color_of(&r.code).unwrap_or_else(|| OFF_SCALE_COLOR.into()),
            })
            .collect(),
        summary,
        departments,
        years,
        recorded: crate::model::recorded_groups(&h.recorded_summaries)
            .into_iter()
            .map(|g| Recorded {
                title: g.title.to_string(),
                source: g.source.map(str::to_string),
                cols: g.cols.iter().map(|c| c.to_string()).collect(),
                rows: g
                    .rows
                    .iter()
                    .map(|r| {
                        (
                            r.fy.wareki(),
                            r.counts.iter().map(|c| c.count).collect(),
                            r.total,
                        )
                    })
                    .collect(),
                notes: g
                    .rows
                    .iter()
                    .filter_map(|r| r.note.as_ref().map(|n| format!("{}: {n}", r.fy.wareki())))
                    .collect(),
            })
            .collect(),
        policies,
        indicators,
        fiscal,
        classifications: super::printed::classifications(p),
        meetings,
        opinions,
        plan: super::printed::plan_text(p),
        glossary,
    }
}

fn fiscal(p: &Publication) -> Fiscal {
    let doc = &p.doc;
    let own_code = &doc.header.city.code;
    let mut own_obs: Vec<&gyokaku_domain::FiscalObservation> = doc
        .fiscal
        .iter()
        .filter(|o| o.lgcode == *own_code && o.fy <= p.fy)
        .collect();
    own_obs.sort_by_key(|o| (o.fy, o.ratio));
    let own = own_obs
        .iter()
        .map(|o| {
            let check = check_observation(o, own_code, &doc.header.fiscal_thresholds);
            let ranking = rank_peers(o.ratio, o.fy, &doc.fiscal);
            let rank = match (
                ranking.row(own_code).and_then(|r| r.rank),
                ranking.rows.len(),
            ) {
                (Some(r), n) if n > 1 => format!("{r}位／{n}団体"),
                _ => present::NONE.into(),
            };
            let unit = ratio_unit(o.ratio);
            FiscalRow {
                fy: o.fy.wareki(),
                ratio: o.ratio.ja(),
                value: ratio_text(o.value, o.ratio),
                early_warning: present::threshold(JA, check.thresholds.early_warning, unit),
                reconstruction: present::threshold(JA, check.thresholds.reconstruction, unit),
                flag: check.flag.ja(),
                warning: check.flag.is_warning(),
                rank,
            }
        })
        .collect();

    // Peers: the latest year up to the published one where other cities
    // are recorded.
    let peer_year = doc
        .fiscal
        .iter()
        .filter(|o| o.fy <= p.fy && o.lgcode != *own_code)
        .map(|o| o.fy)
        .max();
    let peers = peer_year.map(|fy| {
        let in_year: Vec<&gyokaku_domain::FiscalObservation> =
            doc.fiscal.iter().filter(|o| o.fy == fy).collect();
        let ratios: Vec<FiscalRatio> = FiscalRatio::ALL
            .into_iter()
            .filter(|r| in_year.iter().any(|o| o.ratio == *r))
            .collect();
        // Cities by code, the plan's own city first.
        let mut cities: BTreeMap<(bool, String), String> = BTreeMap::new();
        for o in &in_year {
            cities.insert(
                (o.lgcode != *own_code, o.lgcode.to_string()),
                o.city.clone(),
            );
        }
        PeerTable {
            fy: present::fiscal_year(JA, fy),
            ratios: ratios.iter().map(|r| r.ja()).collect(),
            rows: cities
                .into_iter()
                .map(|((other, code), city)| PeerCity {
                    city,
                    own: !other,
                    values: ratios
                        .iter()
                        .map(|r| {
                            in_year
                                .iter()
                                .find(|o| o.lgcode.to_string() == code && o.ratio == *r)
                                .map(|o| ratio_text(o.value, *r))
                                .unwrap_or_default()
                        })
                        .collect(),
                })
                .collect(),
        }
    });
    Fiscal { own, peers }
}
