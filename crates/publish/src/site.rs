//! The citizens' site: static HTML in Japanese and English, with inline SVG
//! charts beside their data tables, an offline search, and a print
//! stylesheet. No request leaves the site; it works from any static host
//! and from file://. Every link is relative.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use askama::Template;

use gyokaku_domain::present;
use gyokaku_domain::{
    check_observation, rank_peers, Assessment, Entry, FiscalRatio, FiscalYear, Indicator, Node,
    PeerRanking, PeerRow, RatioThresholds, RatioValue, StatusSummary, Trajectory, Yen,
};

use crate::charts::{bar_chart, esc, line_chart, Bar, RefLine};
use crate::model::Publication;
use crate::PublishError;

mod classes;
mod plan_page;
mod revisions_page;

/// The site's two languages: the languages every output is written in.
pub use gyokaku_domain::present::Lang;

#[derive(serde::Deserialize)]
struct Pair {
    ja: String,
    en: String,
}

fn table() -> &'static BTreeMap<String, Pair> {
    static T: OnceLock<BTreeMap<String, Pair>> = OnceLock::new();
    T.get_or_init(|| {
        // Part of the binary and checked by a test: a broken file is a
        // build defect, not input.
        serde_norway::from_str(include_str!("../locales/site.yaml"))
            .unwrap_or_else(|e| panic!("locales/site.yaml: {e}"))
    })
}

/// The translator of the site's templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn s<'a>(&self, key: &'a str) -> &'a str {
        match table().get(key) {
            Some(p) => match self.lang {
                Lang::Ja => p.ja.as_str(),
                Lang::En => p.en.as_str(),
            },
            None => key,
        }
    }
}

/// All keys of the locale file (for the test that each has both texts).
pub fn locale_keys() -> Vec<String> {
    table().keys().cloned().collect()
}

/// A node id as a file name: ASCII letters, digits, `-` and `_` kept, every
/// other byte as `~XX`, so that distinct ids stay distinct.
pub fn slug(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => out.push(b as char),
            _ => out.push_str(&format!("~{b:02X}")),
        }
    }
    if out.is_empty() {
        "_".into()
    } else {
        out
    }
}

/// Escaped text with the plan's glossary terms linked to the glossary, the
/// longest term first; line breaks kept.
pub fn mark_terms(text: &str, terms: &[(String, String)], href: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for (term, anchor) in terms {
            if !term.is_empty() && rest.starts_with(term.as_str()) {
                out.push_str(&format!(
                    "<a class=\"term\" href=\"{href}#{anchor}\">{}</a>",
                    esc(term)
                ));
                rest = &rest[term.len()..];
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '\n' => out.push_str("<br>"),
            c => out.push_str(&esc(&c.to_string())),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The frame every page shares.
pub struct Frame {
    pub tr: Tr,
    pub title: String,
    /// From this page to its language's folder (`""` or `"../"`).
    pub up: &'static str,
    pub city: String,
    pub plan_title: String,
    pub fy_text: String,
    pub published: String,
    pub other_href: String,
    pub has_fiscal: bool,
    pub has_meetings: bool,
    pub has_glossary: bool,
    pub has_indicators: bool,
    pub has_items: bool,
    pub has_classifications: bool,
    pub has_revisions: bool,
    /// （案） after the plan's title while it is a draft; empty otherwise.
    pub draft_mark: &'static str,
    pub demo: bool,
}

impl Frame {
    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }
    pub fn other_lang(&self) -> &'static str {
        self.tr.lang.other().code()
    }
}

pub struct SummaryLine {
    pub label: String,
    pub counts: Vec<u32>,
    /// Items with an accepted report.
    pub reported: u32,
    pub unreported: u32,
    pub achieved: String,
}

impl SummaryLine {
    /// One count per column code (the scale, then codes not on it).
    fn new(label: String, codes: &[&str], s: &StatusSummary) -> SummaryLine {
        SummaryLine {
            label,
            counts: codes.iter().map(|c| s.count_of(c)).collect(),
            reported: s.reported,
            unreported: s.unreported,
            achieved: present::percent(s.achieved_percent()),
        }
    }
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub title: String,
    pub extra: String,
}

#[derive(Template)]
#[template(path = "site/top.html")]
struct TopPage {
    f: Frame,
    subtitle: String,
    period: String,
    philosophy: String,
    status_cols: Vec<String>,
    summary: Vec<SummaryLine>,
    /// Each department answerable for items (a 部 with its 課's items).
    departments: Vec<SummaryLine>,
    chart: String,
    chart_rows: Vec<(String, u32)>,
    across: Vec<SummaryLine>,
    policies: Vec<Link>,
    effects: Vec<(String, String, String, String)>,
    opinions: Vec<(String, String)>,
    recorded: Vec<RecordedTable>,
    has_pdf: bool,
    /// The plan holds items (a plan kept only for what it printed, like
    /// 安中's 第3次, has none: no computed summary is shown).
    has_items: bool,
}

/// Summaries the plan itself printed with the same title and statuses
/// (安中's 図表-2), one row per year, as printed.
pub struct RecordedTable {
    pub title: String,
    pub source: String,
    pub cols: Vec<String>,
    pub rows: Vec<(String, Vec<u32>, u32)>,
    pub notes: Vec<String>,
}

fn recorded_tables(tr: &Tr, recorded: &[gyokaku_domain::RecordedSummary]) -> Vec<RecordedTable> {
    crate::model::recorded_groups(recorded)
        .into_iter()
        .map(|g| RecordedTable {
            title: g.title.to_string(),
            source: g.source.unwrap_or_default().to_string(),
            cols: g.cols.iter().map(|c| c.to_string()).collect(),
            rows: g
                .rows
                .iter()
                .map(|r| {
                    (
                        present::fiscal_year(tr.lang, r.fy),
                        r.counts.iter().map(|c| c.count).collect(),
                        r.total,
                    )
                })
                .collect(),
            notes: g
                .rows
                .iter()
                .filter_map(|r| {
                    r.note
                        .as_ref()
                        .map(|n| format!("{}: {n}", present::fiscal_year(tr.lang, r.fy)))
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "site/policy.html")]
struct PolicyPage {
    f: Frame,
    heading: String,
    body: String,
    items: Vec<Link>,
    indicators: Vec<IndicatorBlock>,
    /// The policy's numbers in the plan's other numberings.
    numbers: Vec<(present::Label, String)>,
    /// Glossary terms its text marks.
    marks: Vec<plan_page::MarkLink>,
}

pub struct HistoryLine {
    pub fy: String,
    pub planned: String,
    pub status: String,
    pub result: String,
    pub self_evaluation: String,
    pub direction: String,
    pub spending_cut: String,
    pub revenue: String,
}

pub struct IndicatorBlock {
    pub name: String,
    pub unit: String,
    pub kind: String,
    pub baseline: String,
    pub target: String,
    pub latest: String,
    pub achievement: String,
    /// The plan's own wording for a pending baseline or target (Japanese).
    pub achievement_note: String,
    pub class: String,
    pub class_key: &'static str,
    pub chart: String,
    pub values: Vec<(String, String)>,
    pub item_href: String,
    pub item: String,
}

#[derive(Template)]
#[template(path = "site/item.html")]
struct ItemPage {
    f: Frame,
    group: String,
    group_href: String,
    heading: String,
    depts: String,
    body: String,
    sections: Vec<(String, String)>,
    history: Vec<HistoryLine>,
    indicators: Vec<IndicatorBlock>,
    opinions: Vec<(String, String)>,
    /// Each axis with the item's values on it, then its SDGs.
    classes: Vec<classes::ClassLine>,
    /// The item's numbers in the plan's other numberings.
    numbers: Vec<(present::Label, String)>,
    /// Glossary terms its text marks.
    marks: Vec<plan_page::MarkLink>,
}

#[derive(Template)]
#[template(path = "site/indicators.html")]
struct IndicatorsPage {
    f: Frame,
    counts: Vec<(String, u32)>,
    indicators: Vec<IndicatorBlock>,
}

pub struct FiscalRow {
    pub ratio: String,
    pub cells: Vec<(String, String)>,
    pub early_warning: String,
    pub reconstruction: String,
    pub chart: String,
}

pub struct PeerBlock {
    pub title: String,
    pub rows: Vec<(String, String, String, String, bool)>,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "site/fiscal.html")]
struct FiscalPage {
    f: Frame,
    years: Vec<String>,
    own: Vec<FiscalRow>,
    peers: Vec<PeerBlock>,
}

#[derive(Template)]
#[template(path = "site/meetings.html")]
struct MeetingsPage {
    f: Frame,
    meetings: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "site/glossary.html")]
struct GlossaryPage {
    f: Frame,
    terms: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "site/data.html")]
struct DataPage {
    f: Frame,
    files: Vec<(String, String, usize)>,
    has_pdf: bool,
}

#[derive(Template)]
#[template(path = "site/chooser.html")]
struct Chooser {
    title_ja: String,
}

/// Everything the pages are built from, computed once per language.
struct Site<'a> {
    p: &'a Publication,
    tr: Tr,
    assessments: &'a [Assessment],
    /// Assessment position by indicator id.
    assessment: std::collections::HashMap<String, usize>,
    /// Some shown data is fictional demo data.
    demo: bool,
    terms: Vec<(String, String)>,
    /// Some item carries an axis value, a flag or an SDG: the
    /// classification page exists.
    has_classes: bool,
}

impl<'a> Site<'a> {
    fn new(p: &'a Publication, lang: Lang) -> Site<'a> {
        let doc = &p.doc;
        let assessments = p.assessments();
        Site {
            p,
            tr: Tr { lang },
            assessment: assessments
                .iter()
                .enumerate()
                .map(|(i, a)| (a.indicator.clone(), i))
                .collect(),
            assessments,
            terms: glossary_anchors(&doc.glossary),
            has_classes: p
                .model
                .items
                .iter()
                .any(|it| !it.tags.is_empty() || !it.sdgs.is_empty()),
            demo: doc.progress.iter().any(|g| g.demo)
                || doc.indicator_values.iter().any(|v| v.demo),
        }
    }

    fn frame(&self, title: String, up: &'static str, here: &str) -> Frame {
        let p = self.p;
        let h = &p.doc.header;
        let published = gyokaku_domain::PlanDate::parse(&p.published_on)
            .map(|d| present::date(self.tr.lang, d))
            .unwrap_or_else(|_| p.published_on.clone());
        Frame {
            tr: self.tr,
            title,
            up,
            city: h.city.name.clone(),
            plan_title: h.plan.full_title(),
            fy_text: present::fiscal_year(self.tr.lang, p.fy),
            published,
            other_href: format!("{up}../{}/{here}", self.tr.lang.other().code()),
            has_fiscal: !p.doc.fiscal.is_empty(),
            has_meetings: !h.meetings.is_empty(),
            has_glossary: !p.doc.glossary.is_empty(),
            has_indicators: !p.doc.indicators.is_empty(),
            has_items: !p.model.items.is_empty(),
            has_classifications: self.has_classifications(),
            has_revisions: self.has_revisions(),
            draft_mark: present::draft_mark(self.tr.lang, h.plan.draft),
            demo: self.demo,
        }
    }

    fn marked(&self, text: &str, up: &str) -> String {
        mark_terms(text, &self.terms, &format!("{up}glossary.html"))
    }

    /// The summary columns: each step of the scale, then each code found
    /// that is not on it (marked), as `(code, heading)`.
    fn status_cols(&self) -> Vec<(String, String)> {
        self.p
            .state
            .columns
            .iter()
            .map(|r| (r.code.clone(), present::status_row(self.tr.lang, r)))
            .collect()
    }

    fn status_label(&self, code: Option<&str>) -> String {
        code.map(|c| match self.p.doc.status(c) {
            Some(s) => present::status(self.tr.lang, &s.code, &s.label, s.label_en.as_deref()),
            None => present::off_scale(self.tr.lang, c),
        })
        .unwrap_or_default()
    }

    fn opinions_of(&self, node: Option<&str>) -> Vec<(String, String)> {
        self.p
            .opinions
            .iter()
            .filter(|o| o.node.as_deref() == node)
            .map(|o| (present::fiscal_year(self.tr.lang, o.fy), o.body.clone()))
            .collect()
    }

    fn indicator_block(&self, i: &Indicator, up: &str) -> IndicatorBlock {
        let p = self.p;
        let tr = self.tr;
        let a = self
            .assessment
            .get(i.id.as_str())
            .map(|k| &self.assessments[*k]);
        let values: Vec<&gyokaku_domain::IndicatorValue> = p.values_of(&i.id);
        let chart = if values.is_empty() {
            String::new()
        } else {
            crate::charts::indicator_chart(
                &format!("ind-{}", slug(&i.id)),
                &i.name,
                &format!("{} — {}", i.name, tr.s("trend_table")),
                i,
                &values,
                p.fy,
                tr.s("baseline"),
                tr.s("target"),
            )
        };
        let (item_href, item) = match i.node.as_deref().and_then(|n| p.entry(n)) {
            Some(e) if e.is_item => (format!("{up}items/{}.html", slug(&e.id)), e.heading()),
            Some(e) if e.depth == 0 => (format!("{up}policies/{}.html", slug(&e.id)), e.heading()),
            Some(e) => (String::new(), e.heading()),
            None => (String::new(), String::new()),
        };
        IndicatorBlock {
            name: i.name.clone(),
            unit: i.unit.clone().unwrap_or_default(),
            kind: present::term(tr.lang, i.kind).to_string(),
            baseline: present::baseline(i),
            target: present::target(i),
            latest: a.map(|a| present::latest(tr.lang, a)).unwrap_or_default(),
            achievement: a
                .map(|a| present::achievement(tr.lang, a))
                .unwrap_or_default(),
            achievement_note: a.map(present::pending_note).unwrap_or_default(),
            class: a
                .map(|a| present::term(tr.lang, a.trajectory).to_string())
                .unwrap_or_default(),
            class_key: a.map(|a| a.trajectory.key()).unwrap_or("no_data"),
            chart,
            values: values
                .iter()
                .map(|v| (v.fy.short(), v.value.to_string()))
                .collect(),
            item_href,
            item,
        }
    }
}

/// Every page of one language, as (path under the language folder, HTML).
fn pages(
    p: &Publication,
    lang: Lang,
    data: &Listing,
    has_pdf: bool,
) -> Result<Vec<(String, String)>, PublishError> {
    let site = Site::new(p, lang);
    let doc = &p.doc;
    let mut out = vec![
        ("index.html".to_string(), site.top_page(has_pdf)?),
        ("plan.html".to_string(), site.plan_page()?),
    ];
    if !p.model.items.is_empty() {
        out.extend(site.item_lists()?);
    }
    if site.has_classifications() {
        out.push(("classifications.html".into(), site.classifications_page()?));
    }
    for e in &p.model.outline {
        let Some(n) = p.node(&e.id) else { continue };
        if e.is_item {
            let html = site.item_page(e, n)?;
            out.push((format!("items/{}.html", slug(&e.id)), html));
        } else if e.depth == 0 {
            let html = site.policy_page(e, n)?;
            out.push((format!("policies/{}.html", slug(&e.id)), html));
        }
    }
    if !doc.indicators.is_empty() {
        out.push(("indicators.html".into(), site.indicators_page()?));
    }
    if !doc.fiscal.is_empty() {
        out.push(("fiscal.html".into(), site.fiscal_page()?));
    }
    if !doc.header.meetings.is_empty() {
        out.push(("meetings.html".into(), site.meetings_page()?));
    }
    if !doc.glossary.is_empty() {
        out.push(("glossary.html".into(), site.glossary_page()?));
    }
    if site.has_revisions() {
        out.push(("revisions.html".into(), site.revisions_page()?));
    }
    out.push(("data.html".into(), site.data_page(data, has_pdf)?));
    Ok(out)
}

/// The anchor of the glossary's `i`-th term on the glossary page.
fn term_anchor(i: usize) -> String {
    format!("term-{}", i + 1)
}

/// The glossary's terms with their anchors on the glossary page, the
/// longest term first (the order [`mark_terms`] needs).
fn glossary_anchors(glossary: &[gyokaku_domain::GlossaryTerm]) -> Vec<(String, String)> {
    let mut terms: Vec<(String, String)> = glossary
        .iter()
        .enumerate()
        .map(|(i, g)| (g.term.clone(), term_anchor(i)))
        .collect();
    terms.sort_by(|a, b| {
        b.0.chars()
            .count()
            .cmp(&a.0.chars().count())
            .then(a.0.cmp(&b.0))
    });
    terms
}

/// The reference lines of a ratio's thresholds on its charts.
fn threshold_refs(tr: &Tr, th: &RatioThresholds) -> Vec<RefLine> {
    let mut refs = Vec::new();
    if let Some(v) = present::threshold_line(th.early_warning) {
        refs.push(RefLine {
            label: tr.s("early_warning").into(),
            value: v,
            kind: "warn",
        });
    }
    if let Some(v) = present::threshold_line(th.reconstruction) {
        refs.push(RefLine {
            label: tr.s("reconstruction").into(),
            value: v,
            kind: "bad",
        });
    }
    refs
}

/// A ratio's value as a chart point ("—" has none).
fn ratio_point(v: RatioValue) -> Option<f64> {
    match v {
        RatioValue::Number(d) => Some(d.to_f64()),
        RatioValue::NotApplicable => None,
    }
}

/// The top page and its tables and chart.
impl Site<'_> {
    fn top_page(&self, has_pdf: bool) -> Result<String, PublishError> {
        let (p, tr) = (self.p, self.tr);
        let h = &p.doc.header;
        let cols = self.status_cols();
        let codes: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
        let status_cols: Vec<String> = cols.iter().map(|(_, h)| h.clone()).collect();
        let summary = self.summary_lines(&codes);
        let chart_rows = self.status_counts(&status_cols, &summary[0]);
        let top = TopPage {
            f: self.frame(
                format!("{} {}", h.plan.full_title(), tr.s("year_report")),
                "",
                "index.html",
            ),
            subtitle: h.plan.subtitle.clone().unwrap_or_default(),
            period: present::period_or_standing(tr.lang, h.plan.period, h.plan.draft),
            philosophy: self.marked(h.plan.philosophy.as_deref().unwrap_or(""), ""),
            status_cols,
            summary,
            departments: self.department_lines(&codes),
            chart: self.status_chart(&chart_rows),
            chart_rows,
            across: self.across_lines(&codes),
            policies: self.top_links(),
            effects: self.effect_lines(),
            opinions: self.opinions_of(None),
            recorded: recorded_tables(&tr, &h.recorded_summaries),
            has_pdf,
            has_items: !p.model.items.is_empty(),
        };
        top.render_page()
    }

    /// The whole plan's line, then one per policy.
    fn summary_lines(&self, codes: &[&str]) -> Vec<SummaryLine> {
        let p = self.p;
        let mut summary = vec![SummaryLine::new(
            self.tr.s("whole").to_string(),
            codes,
            &p.state.whole,
        )];
        for (g, s) in p.model.policies.iter().zip(&p.state.policies) {
            summary.push(SummaryLine::new(g.label.clone(), codes, s));
        }
        summary
    }

    fn department_lines(&self, codes: &[&str]) -> Vec<SummaryLine> {
        let p = self.p;
        p.model
            .departments
            .iter()
            .zip(&p.state.departments)
            .map(|(g, s)| SummaryLine::new(g.label.clone(), codes, s))
            .collect()
    }

    /// The whole plan's count in each column, then the unreported.
    fn status_counts(&self, status_cols: &[String], whole: &SummaryLine) -> Vec<(String, u32)> {
        status_cols
            .iter()
            .cloned()
            .zip(whole.counts.iter().copied())
            .chain(std::iter::once((
                self.tr.s("unreported").to_string(),
                whole.unreported,
            )))
            .collect()
    }

    fn status_chart(&self, chart_rows: &[(String, u32)]) -> String {
        let tr = self.tr;
        bar_chart(
            "status-chart",
            &format!(
                "{} — {}",
                tr.s("summary"),
                present::fiscal_year(tr.lang, self.p.fy)
            ),
            tr.s("summary_chart"),
            &chart_rows
                .iter()
                .map(|(l, n)| Bar {
                    label: l.clone(),
                    value: Some(*n as f64),
                    text: n.to_string(),
                    highlight: false,
                })
                .collect::<Vec<_>>(),
            &[],
        )
    }

    /// One line per year with reports.
    fn across_lines(&self, codes: &[&str]) -> Vec<SummaryLine> {
        self.p
            .state
            .across
            .iter()
            .filter(|(_, s)| s.reported > 0)
            .map(|(y, s)| SummaryLine::new(present::fiscal_year(self.tr.lang, *y), codes, s))
            .collect()
    }

    /// The top-level entries of the outline, with a policy's item count.
    fn top_links(&self) -> Vec<Link> {
        let p = self.p;
        p.model
            .outline
            .iter()
            .filter(|e| e.depth == 0)
            .map(|e| Link {
                href: if e.is_item {
                    format!("items/{}.html", slug(&e.id))
                } else {
                    format!("policies/{}.html", slug(&e.id))
                },
                label: e.label.clone(),
                title: e.title.clone(),
                extra: if e.is_item {
                    String::new()
                } else {
                    p.model.policy_members(&e.id).len().to_string()
                },
            })
            .collect()
    }

    /// (year, spending cut, revenue, total) for each year with an effect.
    fn effect_lines(&self) -> Vec<(String, String, String, String)> {
        let lang = self.tr.lang;
        self.p
            .state
            .effects
            .iter()
            .filter(|(_, e)| e.spending_cut != Yen(0) || e.revenue != Yen(0))
            .map(|(y, e)| {
                (
                    present::fiscal_year(lang, *y),
                    present::amount(lang, e.spending_cut),
                    present::amount(lang, e.revenue),
                    present::amount(lang, e.total()),
                )
            })
            .collect()
    }
}

/// The item and policy pages.
impl Site<'_> {
    fn item_page(&self, e: &Entry, n: &Node) -> Result<String, PublishError> {
        let p = self.p;
        let (group, group_href) = self.group_of(e);
        let page = ItemPage {
            f: self.frame(e.heading(), "../", &format!("items/{}.html", slug(&e.id))),
            group,
            group_href,
            heading: e.heading(),
            depts: n
                .departments
                .iter()
                .map(|d| p.dept_name(d))
                .collect::<Vec<_>>()
                .join("、"),
            body: self.marked(n.body.as_deref().unwrap_or(""), "../"),
            sections: self.sections_of(n),
            history: self.history_of(n),
            indicators: self.indicators_of(&n.id, "../"),
            opinions: self.opinions_of(Some(&n.id)),
            classes: p
                .model
                .item(&n.id)
                .map(|it| self.class_lines(it))
                .unwrap_or_default(),
            numbers: self.other_numbers(n),
            marks: self.marks_at(gyokaku_domain::MarkPlace::Node(&n.id), "../"),
        };
        page.render_page()
    }

    /// The item's line for each year it was planned or reported in.
    fn history_of(&self, n: &Node) -> Vec<HistoryLine> {
        let (p, lang) = (self.p, self.tr.lang);
        let mut years = p.years();
        years.retain(|y| n.schedule.contains_key(y) || p.report(&n.id, *y).is_some());
        years
            .iter()
            .map(|y| {
                let g = p.report(&n.id, *y);
                HistoryLine {
                    fy: present::fiscal_year(lang, *y),
                    planned: n.schedule.get(y).cloned().unwrap_or_default(),
                    status: self.status_label(g.and_then(|g| g.status.as_deref())),
                    result: g.and_then(|g| g.result.clone()).unwrap_or_default(),
                    self_evaluation: g
                        .and_then(|g| g.self_evaluation.clone())
                        .unwrap_or_default(),
                    direction: g
                        .and_then(|g| g.direction)
                        .map(|d| present::term(lang, d).to_string())
                        .unwrap_or_default(),
                    spending_cut: g
                        .and_then(|g| g.spending_cut)
                        .map(|y| present::amount(lang, y))
                        .unwrap_or_default(),
                    revenue: g
                        .and_then(|g| g.revenue)
                        .map(|y| present::amount(lang, y))
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The group of an item: the top-level node above it, as (heading,
    /// link), or empty.
    fn group_of(&self, e: &Entry) -> (String, String) {
        let p = self.p;
        let mut top_id = e.parent.clone();
        while let Some(pid) = top_id.clone() {
            match p.entry(&pid).and_then(|pe| pe.parent.clone()) {
                Some(up) => top_id = Some(up),
                None => break,
            }
        }
        match top_id.as_deref().and_then(|t| p.entry(t)) {
            Some(g) => (g.heading(), format!("../policies/{}.html", slug(&g.id))),
            None => (String::new(), String::new()),
        }
    }

    /// The node's texts under the plan's sections, as (label, HTML).
    fn sections_of(&self, n: &Node) -> Vec<(String, String)> {
        self.p
            .doc
            .header
            .sections
            .iter()
            .filter_map(|k| {
                n.sections.get(&k.key).map(|t| {
                    let label = self
                        .tr
                        .lang
                        .pick(&k.label, k.label_en.as_deref())
                        .to_string();
                    (label, self.marked(t, "../"))
                })
            })
            .collect()
    }

    /// The indicators attached to a node.
    fn indicators_of(&self, node: &str, up: &str) -> Vec<IndicatorBlock> {
        self.p
            .doc
            .indicators
            .iter()
            .filter(|i| i.node.as_deref() == Some(node))
            .map(|i| self.indicator_block(i, up))
            .collect()
    }

    fn policy_page(&self, e: &Entry, n: &Node) -> Result<String, PublishError> {
        let page = PolicyPage {
            f: self.frame(
                e.heading(),
                "../",
                &format!("policies/{}.html", slug(&e.id)),
            ),
            heading: e.heading(),
            body: self.marked(n.body.as_deref().unwrap_or(""), "../"),
            items: self.policy_items(&e.id),
            indicators: self.indicators_of(&n.id, "../"),
            numbers: self.other_numbers(n),
            marks: self.marks_at(gyokaku_domain::MarkPlace::Node(&n.id), "../"),
        };
        page.render_page()
    }

    /// The items of a policy, with this year's status.
    fn policy_items(&self, policy: &str) -> Vec<Link> {
        let p = self.p;
        p.model
            .policy_members(policy)
            .iter()
            .map(|i| p.model.item_entry(&p.model.items[*i]))
            .map(|x| {
                let g = p.report(&x.id, p.fy);
                Link {
                    href: format!("../items/{}.html", slug(&x.id)),
                    label: x.label.clone(),
                    title: x.title.clone(),
                    extra: self.status_label(g.and_then(|g| g.status.as_deref())),
                }
            })
            .collect()
    }
}

/// The indicator registry and the fiscal page.
impl Site<'_> {
    fn indicators_page(&self) -> Result<String, PublishError> {
        let tr = self.tr;
        let s = gyokaku_domain::summarise(self.assessments);
        let page = IndicatorsPage {
            f: self.frame(tr.s("indicators").to_string(), "", "indicators.html"),
            counts: Trajectory::ALL
                .iter()
                .map(|t| (present::term(tr.lang, *t).to_string(), s.count(*t)))
                .collect(),
            indicators: self
                .p
                .doc
                .indicators
                .iter()
                .map(|i| self.indicator_block(i, ""))
                .collect(),
        };
        page.render_page()
    }

    fn fiscal_page(&self) -> Result<String, PublishError> {
        let doc = &self.p.doc;
        let me = doc.header.city.code;
        let mut years: Vec<FiscalYear> = doc
            .fiscal
            .iter()
            .filter(|o| o.lgcode == me)
            .map(|o| o.fy)
            .collect();
        years.sort();
        years.dedup();
        let page = FiscalPage {
            f: self.frame(self.tr.s("fiscal").to_string(), "", "fiscal.html"),
            years: years
                .iter()
                .map(|y| present::fiscal_year(self.tr.lang, *y))
                .collect(),
            own: self.own_fiscal_rows(&years),
            peers: self.peer_blocks(),
        };
        page.render_page()
    }

    /// One row for each ratio the city has figures for, over `years`.
    fn own_fiscal_rows(&self, years: &[FiscalYear]) -> Vec<FiscalRow> {
        let doc = &self.p.doc;
        let me = doc.header.city.code;
        FiscalRatio::ALL
            .iter()
            .filter(|r| doc.fiscal.iter().any(|o| o.lgcode == me && o.ratio == **r))
            .map(|r| self.own_fiscal_row(*r, years))
            .collect()
    }

    fn own_fiscal_row(&self, r: FiscalRatio, years: &[FiscalYear]) -> FiscalRow {
        let (doc, tr) = (&self.p.doc, self.tr);
        let me = doc.header.city.code;
        let stated = &doc.header.fiscal_thresholds;
        let th = gyokaku_domain::applicable_thresholds(r, stated);
        let find = |y: &FiscalYear| {
            doc.fiscal
                .iter()
                .find(|o| o.lgcode == me && o.ratio == r && o.fy == *y)
        };
        let cells = years
            .iter()
            .map(|y| match find(y) {
                Some(o) => {
                    let c = check_observation(o, &me, stated);
                    (
                        o.value.to_string(),
                        present::term(tr.lang, c.flag).to_string(),
                    )
                }
                None => (String::new(), String::new()),
            })
            .collect();
        let points: Vec<(String, Option<f64>)> = years
            .iter()
            .map(|y| (y.short(), find(y).and_then(|o| ratio_point(o.value))))
            .collect();
        FiscalRow {
            ratio: present::term(tr.lang, r).to_string(),
            cells,
            early_warning: present::threshold(tr.lang, th.early_warning, ""),
            reconstruction: present::threshold(tr.lang, th.reconstruction, ""),
            chart: if points.iter().any(|(_, v)| v.is_some()) {
                line_chart(
                    &format!("own-{}", r.key()),
                    present::term(tr.lang, r),
                    tr.s("fiscal_own"),
                    &points,
                    &threshold_refs(&tr, &th),
                )
            } else {
                String::new()
            },
        }
    }

    /// One block for each year of the other cities' figures and each ratio
    /// that at least two cities have figures for in it.
    fn peer_blocks(&self) -> Vec<PeerBlock> {
        let doc = &self.p.doc;
        let me = doc.header.city.code;
        let mut peer_years: Vec<FiscalYear> = doc
            .fiscal
            .iter()
            .filter(|o| o.lgcode != me)
            .map(|o| o.fy)
            .collect();
        peer_years.sort();
        peer_years.dedup();
        let mut peers = Vec::new();
        for fy in peer_years {
            for r in FiscalRatio::ALL {
                let ranking = rank_peers(r, fy, &doc.fiscal);
                if ranking.rows.len() < 2 {
                    continue;
                }
                peers.push(self.peer_block(r, fy, &ranking));
            }
        }
        peers
    }

    fn peer_block(&self, r: FiscalRatio, fy: FiscalYear, ranking: &PeerRanking) -> PeerBlock {
        let tr = self.tr;
        let me = self.p.doc.header.city.code;
        let statutory = gyokaku_domain::statutory_thresholds(r);
        let title = format!(
            "{} — {}",
            present::term(tr.lang, r),
            present::fiscal_year(tr.lang, fy)
        );
        PeerBlock {
            chart: bar_chart(
                &format!("peer-{}-{}", r.key(), fy.year()),
                &title,
                tr.s("peers"),
                &ranking
                    .rows
                    .iter()
                    .map(|row| Bar {
                        label: row.city.clone(),
                        value: ratio_point(row.value),
                        text: row.value.to_string(),
                        highlight: row.lgcode == me,
                    })
                    .collect::<Vec<_>>(),
                &threshold_refs(&tr, &statutory),
            ),
            rows: ranking
                .rows
                .iter()
                .map(|row| self.peer_row(r, fy, row))
                .collect(),
            title,
        }
    }

    /// (rank, city, value, flag, is this city) of one city in a ranking.
    fn peer_row(
        &self,
        r: FiscalRatio,
        fy: FiscalYear,
        row: &PeerRow,
    ) -> (String, String, String, String, bool) {
        let doc = &self.p.doc;
        let me = doc.header.city.code;
        let flag = doc
            .fiscal
            .iter()
            .find(|o| o.lgcode == row.lgcode && o.ratio == r && o.fy == fy)
            .map(|o| {
                let c = check_observation(o, &me, &doc.header.fiscal_thresholds);
                present::term(self.tr.lang, c.flag).to_string()
            })
            .unwrap_or_default();
        (
            row.rank
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into()),
            row.city.clone(),
            row.value.to_string(),
            flag,
            row.lgcode == me,
        )
    }
}

/// The meetings, glossary and data pages.
impl Site<'_> {
    fn meetings_page(&self) -> Result<String, PublishError> {
        let tr = self.tr;
        let page = MeetingsPage {
            f: self.frame(tr.s("meetings").to_string(), "", "meetings.html"),
            meetings: self
                .p
                .doc
                .header
                .meetings
                .iter()
                .map(|m| {
                    let date = m
                        .date
                        .map(|a| present::dates(tr.lang, a, m.end_date))
                        .unwrap_or_default();
                    let title = match m.number {
                        Some(n) => format!("{}（第{n}回）", m.title),
                        None => m.title.clone(),
                    };
                    (
                        date,
                        m.body.clone(),
                        title,
                        m.agenda.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        };
        page.render_page()
    }

    fn glossary_page(&self) -> Result<String, PublishError> {
        let page = GlossaryPage {
            f: self.frame(self.tr.s("glossary").to_string(), "", "glossary.html"),
            terms: self
                .p
                .doc
                .glossary
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    (
                        term_anchor(i),
                        g.term.clone(),
                        g.reading.clone().unwrap_or_default(),
                        g.description.clone(),
                    )
                })
                .collect(),
        };
        page.render_page()
    }

    /// The data page: waits for the open-data files to be listed.
    fn data_page(&self, data: &Listing, has_pdf: bool) -> Result<String, PublishError> {
        let page = DataPage {
            f: self.frame(self.tr.s("data").to_string(), "", "data.html"),
            files: data.get(),
            has_pdf,
        };
        page.render_page()
    }
}

/// The open-data files (name, table, rows) for the data page. They may
/// still be being written while the site is rendered: the data page, the
/// last of each language, waits for them.
#[derive(Default)]
pub struct Listing {
    files: std::sync::Mutex<Option<Vec<(String, String, usize)>>>,
    ready: std::sync::Condvar,
}

impl Listing {
    /// A listing known from the start.
    pub fn of(files: &[(String, String, usize)]) -> Listing {
        let l = Listing::default();
        l.set(files.to_vec());
        l
    }

    pub fn set(&self, files: Vec<(String, String, usize)>) {
        let mut slot = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(files);
        }
        self.ready.notify_all();
    }

    fn get(&self) -> Vec<(String, String, usize)> {
        let mut slot = self.files.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(files) = slot.as_ref() {
                return files.clone();
            }
            slot = self.ready.wait(slot).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Renders any page template (object-safe wrapper).
trait DynTemplate {
    fn render_page(&self) -> Result<String, PublishError>;
}

impl<T: Template> DynTemplate for T {
    fn render_page(&self) -> Result<String, PublishError> {
        self.render()
            .map_err(|e| PublishError::Io(std::io::Error::other(format!("template: {e}"))))
    }
}

/// The search index of one language: a script that sets a global, so that
/// it also loads from file:// where fetch() is not allowed.
fn search_index(p: &Publication, lang: Lang) -> String {
    let mut entries: Vec<serde_json::Value> = Vec::new();
    for e in &p.model.outline {
        let href = if e.is_item {
            format!("items/{}.html", slug(&e.id))
        } else if e.depth == 0 {
            format!("policies/{}.html", slug(&e.id))
        } else {
            continue;
        };
        entries.push(serde_json::json!([
            e.heading(),
            href,
            if lang == Lang::En { "item" } else { "取組" }
        ]));
    }
    for (c, _) in gyokaku_domain::walk_chapters(&p.doc.header.chapters) {
        if c.heading().is_empty() {
            continue;
        }
        entries.push(serde_json::json!([
            c.heading(),
            format!("plan.html#ch-{}", slug(&c.id)),
            if lang == Lang::En {
                "chapter"
            } else {
                "本文"
            }
        ]));
    }
    for i in &p.doc.indicators {
        entries.push(serde_json::json!([
            i.name,
            "indicators.html",
            if lang == Lang::En {
                "indicator"
            } else {
                "指標"
            }
        ]));
    }
    format!(
        "window.GYOKAKU_SEARCH = {};\n",
        serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
    )
}

/// The language choice at the site's root.
fn chooser_page(p: &Publication) -> Result<String, PublishError> {
    let chooser = Chooser {
        title_ja: format!("{} {}", p.doc.header.city.name, p.doc.header.plan.title),
    };
    chooser.render_page()
}

/// Writes the site under `out`: `index.html` (language choice), `ja/`,
/// `en/` and `assets/`. Returns the files written, relative to `out`.
/// `data` lists the open-data files (name, table, rows) for the data page
/// (it may be filled while the site is rendered); `has_pdf` says whether
/// `report.pdf` is published beside the site.
pub fn write(
    p: &Publication,
    out: &Path,
    data: &Listing,
    has_pdf: bool,
) -> Result<Vec<String>, PublishError> {
    let mut files = Vec::new();
    let mut put = |rel: String, bytes: &[u8]| -> Result<(), PublishError> {
        let path = out.join(&rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
        files.push(rel);
        Ok(())
    };
    put(
        "assets/site.css".into(),
        include_str!("../assets/site.css").as_bytes(),
    )?;
    put(
        "assets/search.js".into(),
        include_str!("../assets/search.js").as_bytes(),
    )?;
    // The two languages are rendered side by side (one thread each); the
    // files are written in a fixed order, so the output is the same.
    let (ja, en) = std::thread::scope(|scope| {
        let ja = scope.spawn(|| pages(p, Lang::Ja, data, has_pdf));
        let en = pages(p, Lang::En, data, has_pdf);
        (ja.join(), en)
    });
    let ja = ja.map_err(|_| PublishError::Io(std::io::Error::other("rendering failed")))?;
    for (lang, rendered) in [(Lang::Ja, ja?), (Lang::En, en?)] {
        put(
            format!("assets/search-{}.js", lang.code()),
            search_index(p, lang).as_bytes(),
        )?;
        for (rel, html) in rendered {
            put(format!("{}/{rel}", lang.code()), html.as_bytes())?;
        }
    }
    put("index.html".into(), chooser_page(p)?.as_bytes())?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_distinct() {
        assert_eq!(slug("1-2"), "1-2");
        assert_eq!(slug("a/b"), "a~2Fb");
        assert_ne!(slug("1-①"), slug("1-②"));
        assert!(slug("重点/1")
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_~".contains(&b)));
    }

    #[test]
    fn terms_are_linked_longest_first_and_text_escaped() {
        let terms = vec![
            ("行政改革大綱".to_string(), "term-2".to_string()),
            ("行政改革".to_string(), "term-1".to_string()),
        ];
        let html = mark_terms(
            "<b>行政改革大綱</b>と行政改革\n次",
            &terms,
            "../glossary.html",
        );
        assert_eq!(
            html,
            "&lt;b&gt;<a class=\"term\" href=\"../glossary.html#term-2\">行政改革大綱</a>&lt;/b&gt;と<a class=\"term\" href=\"../glossary.html#term-1\">行政改革</a><br>次"
        );
    }

    #[test]
    fn every_key_has_both_languages() {
        for (k, p) in table() {
            assert!(!p.ja.trim().is_empty() && !p.en.trim().is_empty(), "{k}");
        }
        assert!(table().len() > 80);
    }
}
