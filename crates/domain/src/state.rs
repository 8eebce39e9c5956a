//! The plan's state (実施状況): one read model that every output renders
//! from — the dashboard, item pages, the indicator registry, the CLI, the
//! published site, open data, the workbook and the PDF. Built in two steps,
//! each cached by its caller:
//!
//! - [`PlanModel`], once per plan structure: the outline, the items (the
//!   nodes at the plan's item level) with inherited classifications, and the
//!   groups summaries are made over (each top-level policy, each department,
//!   where a 部 covers its 課).
//! - [`PlanState`], once per plan revision and as-of year: the reports up to
//!   that year with their states, the status summaries by the plan's own
//!   rules (accepted reports only; scale or no scale; codes not on the scale
//!   kept as rows of their own and reported), the years side by side,
//!   indicator assessments and effect-amount totals.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::achievement::{assess, Assessment};
use crate::numbers::Yen;
use crate::plan::{walk_nodes, AxisMark, Level, Node, PlanDocument};
use crate::progress::{IndicatorValue, Progress};
use crate::status::StatusSummary;
use crate::wareki::FiscalYear;
use crate::workflow::{Coverage, ReportState};

/// One node of the plan in reading order, with the label the plan prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub parent: Option<String>,
    pub depth: usize,
    pub level: String,
    /// The level's name (基本方針, 推進項目…); empty where the plan leaves
    /// the level unnamed.
    pub level_name: String,
    pub level_name_en: Option<String>,
    /// 方針1, (2), ①, 1-① — as the plan prints it.
    pub label: String,
    pub title: String,
    /// At the plan's item level: departments report on it.
    pub is_item: bool,
}

impl Entry {
    /// `label title`, as headings print it.
    pub fn heading(&self) -> String {
        format!("{} {}", self.label, self.title).trim().to_string()
    }
}

/// 取組 — one item of the plan: a node at the level departments report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    /// Position in the outline.
    pub entry: usize,
    /// The top-level policy it belongs to (an index into `policies`).
    pub policy: Option<usize>,
    /// Departments named on the item.
    pub departments: Vec<String>,
    /// `axis:code` for each value mark and `axis` for each flag, inherited
    /// from the nodes above it (a mark on a policy applies to its items).
    pub tags: Vec<String>,
    /// SDGs, inherited the same way.
    pub sdgs: Vec<u8>,
}

/// A set of items a summary is made over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// A node id (policies) or a department id (departments).
    pub key: String,
    /// As printed: `方針1 行政運営の効率化`, or the department's name.
    pub label: String,
    /// Indices into `PlanModel::items`, in reading order.
    pub members: Vec<usize>,
}

/// The level departments report on: the one marked `items: true`, else the
/// deepest level any node of the plan is at. `None` for a plan without
/// nodes.
pub fn item_level<'a>(levels: &'a [Level], nodes: &[Node]) -> Option<&'a Level> {
    let used: BTreeSet<&str> = walk_nodes(nodes)
        .into_iter()
        .map(|(n, _, _)| n.level.as_str())
        .collect();
    item_level_by(levels, |key| used.contains(key))
}

/// [`item_level`] given whether any node is at a level (by key).
pub fn item_level_by(levels: &[Level], used: impl Fn(&str) -> bool) -> Option<&Level> {
    if let Some(l) = levels.iter().find(|l| l.items) {
        return Some(l);
    }
    levels.iter().rev().find(|l| used(&l.key))
}

/// A plan's structure, with what every output derives from it. Holds no
/// reports: those change all the time and are read into [`PlanState`].
#[derive(Debug, Clone)]
pub struct PlanModel {
    /// The plan without reports or actuals.
    pub doc: PlanDocument,
    pub outline: Vec<Entry>,
    pub items: Vec<Item>,
    /// Top-level nodes with items beneath them.
    pub policies: Vec<Group>,
    /// Departments answerable for at least one item (a 部 for the items of
    /// its 課), in the organisation's order; unknown ids last.
    pub departments: Vec<Group>,
    /// Items that name no department.
    pub unassigned: Vec<usize>,
    pub coverage: Coverage,
    entry_at: HashMap<String, usize>,
    item_at: HashMap<String, usize>,
    paths: HashMap<String, Vec<usize>>,
    /// Department names by id.
    pub dept_names: HashMap<String, String>,
    /// Nodes and indicators this revision retired: kept for lists of what
    /// changed, never counted.
    pub retired: crate::revision::Retired,
}

impl PlanModel {
    /// Builds the model of a plan; reports and actuals in `doc` are dropped
    /// (they go to [`PlanState::build`]).
    pub fn new(mut doc: PlanDocument) -> PlanModel {
        doc.progress = Vec::new();
        doc.indicator_values = Vec::new();
        let retired = crate::revision::strip_retired(&mut doc);
        let item_level = item_level(&doc.header.levels, &doc.nodes).map(|l| l.key.clone());
        let outline = outline(&doc, item_level.as_deref());
        let entry_at: HashMap<String, usize> = outline
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let (items, policies) = items_and_policies(&doc, &outline, &entry_at);
        let item_at = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.clone(), i))
            .collect();
        let coverage = Coverage::of(&doc.organisation);
        let dept_names: HashMap<String, String> = doc
            .organisation
            .flatten()
            .into_iter()
            .map(|(d, _)| (d.id.clone(), d.name.clone()))
            .collect();
        let (departments, unassigned) = department_groups(&doc, &items, &coverage);
        let paths = crate::plan::index_nodes(&doc.nodes);
        PlanModel {
            doc,
            outline,
            items,
            policies,
            departments,
            unassigned,
            coverage,
            entry_at,
            item_at,
            paths,
            dept_names,
            retired,
        }
    }

    /// Whether this revision retired the node (its reports of earlier
    /// years are history, not errors).
    pub fn is_retired(&self, id: &str) -> bool {
        self.retired.nodes.iter().any(|r| r.node.id == id)
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entry_at.get(id).map(|i| &self.outline[*i])
    }

    /// A node's label with those of the nodes above it, as lists that
    /// mix policies need it: 方針1 (1), 基本方針1 (1) ① — a (1) alone
    /// repeats under every policy.
    pub fn full_label(&self, e: &Entry) -> String {
        let mut labels = vec![e.label.as_str()];
        let mut up = e.parent.as_deref();
        while let Some(p) = up.and_then(|id| self.entry(id)) {
            labels.push(p.label.as_str());
            up = p.parent.as_deref();
        }
        labels.retain(|l| !l.is_empty());
        labels.reverse();
        labels.join(" ")
    }

    /// Outline position of a node (for sorting in reading order).
    pub fn position(&self, id: &str) -> usize {
        self.entry_at.get(id).copied().unwrap_or(usize::MAX)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        crate::plan::node_at(&self.doc.nodes, self.paths.get(id)?)
    }

    /// The item with this id (a node that is not an item gives `None`).
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.item_at.get(id).map(|i| &self.items[*i])
    }

    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.item_at.get(id).copied()
    }

    /// An item's outline entry (label, title, level).
    pub fn item_entry(&self, item: &Item) -> &Entry {
        &self.outline[item.entry]
    }

    /// A department's name by id (the id itself when it is not in the tree).
    pub fn dept_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.dept_names.get(id).map(String::as_str).unwrap_or(id)
    }

    /// The items beneath a top-level policy (indices into `items`); none
    /// for a node that groups no items.
    pub fn policy_members(&self, id: &str) -> &[usize] {
        self.policies
            .iter()
            .find(|g| g.key == id)
            .map_or(&[], |g| &g.members)
    }
}

fn outline(doc: &PlanDocument, item_level: Option<&str>) -> Vec<Entry> {
    let mut out = Vec::new();
    for (n, depth, parent) in walk_nodes(&doc.nodes) {
        let level = doc.header.levels.iter().find(|l| l.key == n.level);
        out.push(Entry {
            id: n.id.clone(),
            parent: parent.map(|p| p.id.clone()),
            depth,
            level: n.level.clone(),
            level_name: level.and_then(|l| l.name.clone()).unwrap_or_default(),
            level_name_en: level.and_then(|l| l.name_en.clone()),
            label: level
                .map(|l| l.label(n.number, parent.and_then(|p| p.number)))
                .unwrap_or_default(),
            title: n.title.clone(),
            is_item: Some(n.level.as_str()) == item_level,
        });
    }
    out
}

fn items_and_policies(
    doc: &PlanDocument,
    outline: &[Entry],
    entry_at: &HashMap<String, usize>,
) -> (Vec<Item>, Vec<Group>) {
    struct Walk<'a> {
        outline: &'a [Entry],
        entry_at: &'a HashMap<String, usize>,
        items: Vec<Item>,
    }
    impl Walk<'_> {
        fn node(&mut self, n: &Node, policy: Option<usize>, tags: &[String], sdgs: &[u8]) {
            let mut tags = tags.to_vec();
            for (axis, mark) in &n.axes {
                match mark {
                    AxisMark::Flag(true) => tags.push(axis.clone()),
                    AxisMark::Flag(false) => {}
                    AxisMark::Codes(codes) => {
                        tags.extend(codes.iter().map(|c| format!("{axis}:{c}")))
                    }
                }
            }
            let mut sdgs = sdgs.to_vec();
            sdgs.extend(n.sdgs.iter().copied());
            let entry = self.entry_at.get(&n.id).copied().unwrap_or_default();
            if self.outline.get(entry).is_some_and(|e| e.is_item) {
                let mut tags = tags.clone();
                tags.sort();
                tags.dedup();
                let mut sdgs = sdgs.clone();
                sdgs.sort();
                sdgs.dedup();
                self.items.push(Item {
                    id: n.id.clone(),
                    entry,
                    policy,
                    departments: n.departments.clone(),
                    tags,
                    sdgs,
                });
            }
            for c in &n.children {
                self.node(c, policy, &tags, &sdgs);
            }
        }
    }
    let mut w = Walk {
        outline,
        entry_at,
        items: Vec::new(),
    };
    let mut policies = Vec::new();
    for top in &doc.nodes {
        let top_entry = entry_at.get(&top.id).map(|i| &outline[*i]);
        let is_item = top_entry.is_some_and(|e| e.is_item);
        let before = w.items.len();
        let policy = (!is_item).then_some(policies.len());
        w.node(top, policy, &[], &[]);
        if !is_item && w.items.len() > before {
            policies.push(Group {
                key: top.id.clone(),
                label: top_entry.map(Entry::heading).unwrap_or_default(),
                members: (before..w.items.len()).collect(),
            });
        } else if !is_item {
            // No items beneath it: not a group, and its nodes point nowhere.
            for it in &mut w.items[before..] {
                it.policy = None;
            }
        }
    }
    (w.items, policies)
}

fn department_groups(
    doc: &PlanDocument,
    items: &[Item],
    coverage: &Coverage,
) -> (Vec<Group>, Vec<usize>) {
    // A 課 is shown with its 部 (two 部 may each have a 総務課).
    let flat = doc.organisation.flatten();
    let name_of: HashMap<&str, &str> = flat
        .iter()
        .map(|(d, _)| (d.id.as_str(), d.name.as_str()))
        .collect();
    let mut keys: Vec<(String, String)> = flat
        .iter()
        .map(|(d, parent)| {
            let label = match parent.and_then(|p| name_of.get(p)) {
                Some(p) => format!("{p} {}", d.name),
                None => d.name.clone(),
            };
            (d.id.clone(), label)
        })
        .collect();
    // Departments named on items but missing from the tree still answer.
    for it in items {
        for d in &it.departments {
            if !keys.iter().any(|(k, _)| k == d) {
                keys.push((d.clone(), d.clone()));
            }
        }
    }
    let groups = keys
        .into_iter()
        .filter_map(|(key, label)| {
            let members: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, it)| coverage.covers_any(&key, &it.departments))
                .map(|(i, _)| i)
                .collect();
            (!members.is_empty()).then_some(Group {
                key,
                label,
                members,
            })
        })
        .collect();
    let unassigned = items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.departments.is_empty())
        .map(|(i, _)| i)
        .collect();
    (groups, unassigned)
}

/// A stored report with where it stands in the cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub progress: Progress,
    pub state: ReportState,
}

/// Something in the stored data that breaks the plan's own rules: shown,
/// never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DataError {
    /// An accepted report carries a status the plan's scale does not have.
    UnknownStatus {
        item: String,
        fy: FiscalYear,
        code: String,
    },
    /// A report on a node that is not an item of the plan.
    NotAnItem { node: String, fy: FiscalYear },
}

impl DataError {
    pub fn message(&self) -> crate::text::Message {
        match self {
            DataError::UnknownStatus { item, fy, code } => crate::text::Message::new(
                format!(
                    "取組 {item} の{}の状況「{code}」は評価区分にありません",
                    fy.wareki()
                ),
                format!(
                    "item {item}, {}: status '{code}' is not on the plan's scale",
                    fy.english()
                ),
            ),
            DataError::NotAnItem { node, fy } => crate::text::Message::new(
                format!(
                    "{}の報告がある「{node}」は取組の階層ではありません",
                    fy.wareki()
                ),
                format!(
                    "{}: a report on '{node}', which is not at the item level",
                    fy.english()
                ),
            ),
        }
    }
}

/// 効果額 — effect amounts of accepted reports in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Effect {
    /// 歳出削減
    pub spending_cut: Yen,
    /// 歳入確保
    pub revenue: Yen,
}

impl Effect {
    /// Adds one accepted report's amounts.
    fn add(&mut self, p: &Progress) {
        if p.spending_cut.is_none() && p.revenue.is_none() {
            return;
        }
        self.spending_cut = self
            .spending_cut
            .saturating_add(p.spending_cut.unwrap_or_default());
        self.revenue = self.revenue.saturating_add(p.revenue.unwrap_or_default());
    }

    pub fn total(&self) -> Yen {
        self.spending_cut.saturating_add(self.revenue)
    }
}

/// The state of a plan as of one fiscal year: reports of that year and
/// before, and everything computed from them.
#[derive(Debug, Clone)]
pub struct PlanState {
    pub fy: FiscalYear,
    /// Reports of years up to `fy`, every state, ordered by item then year.
    reports: Vec<Report>,
    /// Positions in `reports` by node id, oldest year first.
    at: HashMap<String, Vec<usize>>,
    /// The columns of every summary table: each step of the scale, then
    /// each code off the scale found in any year up to `fy` (so that a
    /// table of several years keeps every count), counts zero.
    pub columns: Vec<crate::status::StatusRow>,
    /// The year's summary over every item, each policy and each
    /// department (parallel to the model's groups).
    pub whole: StatusSummary,
    pub policies: Vec<StatusSummary>,
    pub departments: Vec<StatusSummary>,
    /// The whole plan's summary for each year of the plan's period up to
    /// `fy`, each year with a report, and `fy`, in order.
    pub across: Vec<(FiscalYear, StatusSummary)>,
    /// Effect amounts per year with an accepted report.
    pub effects: BTreeMap<FiscalYear, Effect>,
    /// Indicator assessments as of `fy`, in the plan's indicator order.
    pub assessments: Vec<Assessment>,
    pub errors: Vec<DataError>,
    /// Some counted report is fictional demo data (デモ用の架空データ).
    pub includes_demo: bool,
}

impl PlanState {
    /// The state as of `fy` from every stored report and actual of the plan
    /// (later years are left out).
    pub fn build(
        model: &PlanModel,
        reports: impl IntoIterator<Item = Report>,
        values: &[IndicatorValue],
        fy: FiscalYear,
    ) -> PlanState {
        let mut reports: Vec<Report> = reports
            .into_iter()
            .filter(|r| r.progress.fy <= fy)
            .collect();
        reports.sort_by(|a, b| {
            (model.position(&a.progress.node), a.progress.fy)
                .cmp(&(model.position(&b.progress.node), b.progress.fy))
        });
        let mut at: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in reports.iter().enumerate() {
            at.entry(r.progress.node.clone()).or_default().push(i);
        }
        let mut errors = Vec::new();
        for r in reports.iter().filter(|r| r.state.counts()) {
            let p = &r.progress;
            if model.is_retired(&p.node) {
                continue;
            }
            if model.item(&p.node).is_none() {
                errors.push(DataError::NotAnItem {
                    node: p.node.clone(),
                    fy: p.fy,
                });
            } else if let Some(code) = p.status.as_deref() {
                if model.doc.status(code).is_none() {
                    errors.push(DataError::UnknownStatus {
                        item: p.node.clone(),
                        fy: p.fy,
                        code: code.to_string(),
                    });
                }
            }
        }
        let mut state = PlanState {
            fy,
            reports,
            at,
            columns: Vec::new(),
            whole: StatusSummary::default(),
            policies: Vec::new(),
            departments: Vec::new(),
            across: Vec::new(),
            effects: BTreeMap::new(),
            assessments: Vec::new(),
            errors,
            includes_demo: false,
        };
        let all: Vec<usize> = (0..model.items.len()).collect();
        state.whole = state.summary(model, &all, fy);
        state.policies = model
            .policies
            .iter()
            .map(|g| state.summary(model, &g.members, fy))
            .collect();
        state.departments = model
            .departments
            .iter()
            .map(|g| state.summary(model, &g.members, fy))
            .collect();
        let mut years: BTreeSet<FiscalYear> = state
            .reports
            .iter()
            .filter(|r| model.item(&r.progress.node).is_some())
            .map(|r| r.progress.fy)
            .collect();
        if let Some(period) = model.doc.header.plan.period {
            years.extend(period.years().filter(|y| *y <= fy));
        }
        years.insert(fy);
        state.across = years
            .into_iter()
            .map(|y| (y, state.summary(model, &all, y)))
            .collect();
        for s in std::iter::once(&state.whole).chain(state.across.iter().map(|(_, s)| s)) {
            for row in &s.rows {
                if !state.columns.iter().any(|c| c.code == row.code) {
                    state.columns.push(crate::status::StatusRow {
                        count: 0,
                        ..row.clone()
                    });
                }
            }
        }
        for r in state.reports.iter().filter(|r| r.state.counts()) {
            let p = &r.progress;
            if model.item(&p.node).is_none() {
                continue;
            }
            if p.fy == fy && p.demo {
                state.includes_demo = true;
            }
            if p.spending_cut.is_some() || p.revenue.is_some() {
                state.effects.entry(p.fy).or_default().add(p);
            }
        }
        state.assessments = assessments(&model.doc, values, fy);
        state
    }

    /// Puts another summary for an earlier year side by side: the one
    /// computed under the plan's revision for that year (items it had,
    /// its scale), where a later revision changed them. Columns for codes
    /// only that summary has are added.
    pub fn set_earlier_summary(&mut self, y: FiscalYear, summary: StatusSummary) {
        for row in &summary.rows {
            if !self.columns.iter().any(|c| c.code == row.code) {
                self.columns.push(crate::status::StatusRow {
                    count: 0,
                    ..row.clone()
                });
            }
        }
        if let Some(slot) = self.across.iter_mut().find(|(x, _)| *x == y) {
            slot.1 = summary;
        }
    }

    /// The summary over `members` (item indices) for year `fy`: each
    /// item's accepted report, by the plan's scale.
    pub fn summary(&self, model: &PlanModel, members: &[usize], fy: FiscalYear) -> StatusSummary {
        StatusSummary::compute(
            &model.doc.header.status_scale,
            members.iter().map(|i| {
                self.accepted(&model.items[*i].id, fy)
                    .map(|p| p.status.as_deref())
            }),
        )
    }

    /// Effect amounts of the accepted reports of `members` in year `fy`.
    pub fn effect(&self, model: &PlanModel, members: &[usize], fy: FiscalYear) -> Effect {
        let mut e = Effect::default();
        for p in members
            .iter()
            .filter_map(|i| self.accepted(&model.items[*i].id, fy))
        {
            e.add(p);
        }
        e
    }

    /// An item's report for a year, in whatever state it is.
    pub fn report(&self, node: &str, fy: FiscalYear) -> Option<&Report> {
        self.at
            .get(node)?
            .iter()
            .map(|i| &self.reports[*i])
            .find(|r| r.progress.fy == fy)
    }

    /// An item's report for a year if the office accepted it: the only
    /// reports that are counted and published.
    pub fn accepted(&self, node: &str, fy: FiscalYear) -> Option<&Progress> {
        self.report(node, fy)
            .filter(|r| r.state.counts())
            .map(|r| &r.progress)
    }

    /// Where an item's report for the as-of year stands.
    pub fn state_of(&self, node: &str) -> Option<ReportState> {
        self.report(node, self.fy).map(|r| r.state)
    }

    /// Accepted reports of years up to `fy`, by item then year.
    pub fn accepted_reports(&self) -> impl Iterator<Item = &Progress> {
        self.reports
            .iter()
            .filter(|r| r.state.counts())
            .map(|r| &r.progress)
    }
}

/// Every indicator judged as of `fy` against its own actuals.
fn assessments(doc: &PlanDocument, values: &[IndicatorValue], fy: FiscalYear) -> Vec<Assessment> {
    let mut by_indicator: HashMap<&str, Vec<IndicatorValue>> = HashMap::new();
    for v in values.iter().filter(|v| v.fy <= fy) {
        by_indicator
            .entry(v.indicator.as_str())
            .or_default()
            .push(v.clone());
    }
    doc.indicators
        .iter()
        .map(|i| {
            let mine = by_indicator
                .get(i.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            assess(i, mine, fy)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Node, Organisation, PlanHeader};

    /// A plan of two policies with items beneath, from JSON as a plan
    /// folder would give it.
    fn plan(
        levels: serde_json::Value,
        scale: serde_json::Value,
        nodes: serde_json::Value,
    ) -> PlanDocument {
        let header: PlanHeader = serde_json::from_value(serde_json::json!({
            "format": "gyokaku-plan/1",
            "city": {"code": "102113", "name": "安中市", "prefecture": "群馬県"},
            "plan": {"id": "t", "title": "テスト大綱", "period": {"from": 2025, "to": 2026}},
            "levels": levels,
            "status_scale": scale,
        }))
        .unwrap();
        let organisation: Organisation = serde_json::from_value(serde_json::json!({
            "departments": [
                {"id": "総務部", "name": "総務部", "kind": "department", "children": [
                    {"id": "総務部/総務課", "name": "総務課", "kind": "division"}]},
                {"id": "消防本部", "name": "消防本部", "kind": "department", "children": [
                    {"id": "消防本部/総務課", "name": "総務課", "kind": "division"}]},
            ]
        }))
        .unwrap();
        let nodes: Vec<Node> = serde_json::from_value(nodes).unwrap();
        PlanDocument {
            header,
            organisation,
            nodes,
            indicators: vec![],
            glossary: vec![],
            fiscal: vec![],
            progress: vec![],
            indicator_values: vec![],
        }
    }

    fn two_levels() -> serde_json::Value {
        serde_json::json!([
            {"key": "policy", "name": "方針", "numbering": "arabic", "prefix": "方針"},
            {"key": "item", "name": "推進項目", "numbering": "paren"},
            {"key": "practice", "name": "実践項目", "numbering": "circled"}
        ])
    }

    fn ab_scale() -> serde_json::Value {
        serde_json::json!([
            {"code": "A", "label": "達成", "achieved": true},
            {"code": "B", "label": "未達成", "achieved": false}
        ])
    }

    fn nodes() -> serde_json::Value {
        serde_json::json!([
            {"id": "1", "level": "policy", "number": 1, "title": "行政運営", "children": [
                {"id": "1-1", "level": "item", "number": 1, "title": "窓口", "departments": ["総務部/総務課"],
                 "children": [{"id": "1-1-1", "level": "practice", "number": 1, "title": "実践"}]},
                {"id": "1-2", "level": "item", "number": 2, "title": "防災", "departments": ["消防本部/総務課"]}
            ]},
            {"id": "2", "level": "policy", "number": 2, "title": "財政", "children": [
                {"id": "2-1", "level": "item", "number": 1, "title": "公共施設", "departments": ["総務部"]}
            ]},
            {"id": "3", "level": "policy", "number": 3, "title": "未定"}
        ])
    }

    fn rep(node: &str, fy: i32, status: Option<&str>, state: ReportState) -> Report {
        Report {
            progress: Progress {
                node: node.into(),
                fy: FiscalYear::new(fy).unwrap(),
                status: status.map(str::to_string),
                result: None,
                self_evaluation: None,
                direction: None,
                spending_cut: None,
                revenue: None,
                demo: false,
            },
            state,
        }
    }

    #[test]
    fn items_are_the_nodes_at_the_marked_level_not_every_leaf() {
        // Unmarked: the deepest level used is 実践項目, so its one node is
        // the only item; marked, the 推進項目 are, with 実践項目 beneath.
        let unmarked = PlanModel::new(plan(two_levels(), ab_scale(), nodes()));
        assert_eq!(unmarked.items.len(), 1);
        let mut levels = two_levels();
        levels[1]["items"] = serde_json::json!(true);
        let m = PlanModel::new(plan(levels, ab_scale(), nodes()));
        let ids: Vec<&str> = m.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["1-1", "1-2", "2-1"]);
        // Policy 3 has no items: not a group; a leaf policy is not an item.
        assert_eq!(m.policies.len(), 2);
        assert_eq!(m.policies[0].label, "方針1 行政運営");
        assert_eq!(m.item_entry(&m.items[1]).label, "(2)");
    }

    #[test]
    fn a_bu_counts_its_ka_and_two_ka_of_one_name_stay_apart() {
        let mut levels = two_levels();
        levels[1]["items"] = serde_json::json!(true);
        let m = PlanModel::new(plan(levels, ab_scale(), nodes()));
        let group = |label: &str| {
            m.departments
                .iter()
                .find(|g| g.label == label)
                .unwrap()
                .members
                .len()
        };
        assert_eq!(group("総務部"), 2, "its own item and its 課's");
        assert_eq!(group("総務部 総務課"), 1);
        assert_eq!(group("消防本部 総務課"), 1);
        assert_eq!(group("消防本部"), 1);
    }

    #[test]
    fn only_accepted_reports_count_and_codes_off_the_scale_stay_visible() {
        let mut levels = two_levels();
        levels[1]["items"] = serde_json::json!(true);
        let m = PlanModel::new(plan(levels, ab_scale(), nodes()));
        let reports = vec![
            rep("1-1", 2025, Some("A"), ReportState::Accepted),
            rep("1-2", 2025, Some("A"), ReportState::Submitted),
            rep("2-1", 2025, Some("Z"), ReportState::Accepted),
            rep("1-1", 2026, Some("B"), ReportState::Draft),
            rep("1-2", 2026, Some("A"), ReportState::Returned),
        ];
        let s = PlanState::build(&m, reports.clone(), &[], FiscalYear::new(2025).unwrap());
        assert_eq!((s.whole.reported, s.whole.unreported), (2, 1));
        assert_eq!(
            (s.whole.achieved, s.whole.achieved_percent()),
            (1, Some(50))
        );
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.state_of("1-2"), Some(ReportState::Submitted));
        assert!(s.accepted("1-2", s.fy).is_none());
        // 2026: nothing accepted; Z from 2025 still has its column.
        let later = PlanState::build(&m, reports, &[], FiscalYear::new(2026).unwrap());
        assert_eq!((later.whole.reported, later.whole.unreported), (0, 3));
        assert_eq!(later.whole.achieved_percent(), None);
        let codes: Vec<&str> = later.columns.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["A", "B", "Z"]);
        assert_eq!(later.across.len(), 2);
    }

    #[test]
    fn without_a_scale_reports_are_counted_and_there_is_no_share() {
        let mut levels = two_levels();
        levels[1]["items"] = serde_json::json!(true);
        let m = PlanModel::new(plan(levels, serde_json::json!([]), nodes()));
        let reports = ["1-1", "1-2", "2-1"].map(|n| rep(n, 2025, None, ReportState::Accepted));
        let s = PlanState::build(&m, reports, &[], FiscalYear::new(2025).unwrap());
        assert_eq!(
            (s.whole.reported, s.whole.unreported, s.whole.no_status),
            (3, 0, 3)
        );
        assert_eq!(s.whole.achieved_percent(), None);
        assert!(s.errors.is_empty());
    }
}
