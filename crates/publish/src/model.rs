//! What a publication is made of: the plan as the office accepted it up
//! to the published year, the council's opinions, and the plan's outline
//! (every node with the label the plan prints).

use std::collections::HashMap;

use gyokaku_domain::{FiscalYear, Node, PlanDocument};
use gyokaku_store::{
    CycleState, ItemState, PlanRef, ReviewEntry, ReviewKind, SqlStore, Store, StoreError,
};

use crate::PublishError;

/// A closed year of a plan, ready to be written in every format.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The plan with only accepted reports, and reports and actuals of
    /// years up to `fy`.
    pub doc: PlanDocument,
    pub fy: FiscalYear,
    /// The declared publication date (`YYYY-MM-DD`): the only thing in the
    /// output that is not a function of the data.
    pub published_on: String,
    /// Council opinions of years up to `fy` (`node` is `None` for the
    /// whole plan).
    pub opinions: Vec<ReviewEntry>,
    pub outline: Vec<Entry>,
    index: Index,
}

/// Lookups built once, so that writing thousands of pages stays linear.
#[derive(Debug, Clone, Default)]
struct Index {
    /// Outline position by node id.
    entries: HashMap<String, usize>,
    /// Child positions from the top of the tree, by node id.
    paths: HashMap<String, Vec<usize>>,
    /// Report position by (node, year).
    progress: HashMap<(String, FiscalYear), usize>,
    /// Actual positions by indicator, oldest first.
    values: HashMap<String, Vec<usize>>,
    dept_names: HashMap<String, String>,
    /// The plan's period up to the published year and every reported year.
    years: Vec<FiscalYear>,
}

/// One node of the plan in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub parent: Option<String>,
    pub depth: usize,
    pub level: String,
    /// The level's name (基本方針, 推進項目…).
    pub level_name: String,
    pub level_name_en: Option<String>,
    /// 方針1, (2), ①, 1-① — as the plan prints it.
    pub label: String,
    pub title: String,
    /// A leaf: the level at which departments report.
    pub is_item: bool,
}

impl Entry {
    pub fn heading(&self) -> String {
        format!("{} {}", self.label, self.title).trim().to_string()
    }
}

fn outline(doc: &PlanDocument) -> Vec<Entry> {
    fn walk(
        doc: &PlanDocument,
        nodes: &[Node],
        parent: Option<&Node>,
        depth: usize,
        out: &mut Vec<Entry>,
    ) {
        for n in nodes {
            let level = doc.header.levels.iter().find(|l| l.key == n.level);
            out.push(Entry {
                id: n.id.clone(),
                parent: parent.map(|p| p.id.clone()),
                depth,
                level: n.level.clone(),
                level_name: level.map(|l| l.name.clone()).unwrap_or_default(),
                level_name_en: level.and_then(|l| l.name_en.clone()),
                label: level
                    .map(|l| l.label(n.number, parent.and_then(|p| p.number)))
                    .unwrap_or_default(),
                title: n.title.clone(),
                is_item: n.children.is_empty(),
            });
            walk(doc, &n.children, Some(n), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(doc, &doc.nodes, None, 0, &mut out);
    out
}

impl Publication {
    /// Reads a plan's closed year from the store. A year whose reporting is
    /// still open is refused: close it first. A year with no cycle (records
    /// imported from plan folders) is published as recorded.
    pub async fn load(
        store: &SqlStore,
        plan: &PlanRef,
        fy: FiscalYear,
        published_on: &str,
    ) -> Result<Publication, PublishError> {
        check_date(published_on)?;
        if store
            .cycles(plan)
            .await?
            .iter()
            .any(|c| c.fy == fy && c.state == CycleState::Open)
        {
            return Err(PublishError::Open(fy));
        }
        let mut doc = store.export_plan(plan).await?;
        let accepted: std::collections::HashSet<(String, FiscalYear)> = store
            .reports(plan, None)
            .await?
            .into_iter()
            .filter(|p| p.state == ItemState::Accepted)
            .map(|p| (p.progress.node, p.progress.fy))
            .collect();
        doc.progress
            .retain(|p| p.fy <= fy && accepted.contains(&(p.node.clone(), p.fy)));
        doc.indicator_values.retain(|v| v.fy <= fy);
        doc.fiscal.retain(|o| o.fy <= fy);
        let opinions = store
            .reviews(plan, None, None)
            .await?
            .into_iter()
            .filter(|r| r.kind == ReviewKind::Opinion && r.fy <= fy)
            .collect();
        Ok(Publication::new(doc, fy, published_on, opinions))
    }

    /// A publication of a document already in hand (tests, benchmarks).
    pub fn new(
        doc: PlanDocument,
        fy: FiscalYear,
        published_on: &str,
        opinions: Vec<ReviewEntry>,
    ) -> Publication {
        let outline = outline(&doc);
        let mut index = Index {
            entries: outline
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.clone(), i))
                .collect(),
            ..Index::default()
        };
        index.paths = gyokaku_domain::index_nodes(&doc.nodes);
        for (i, g) in doc.progress.iter().enumerate() {
            index.progress.insert((g.node.clone(), g.fy), i);
        }
        let mut by_ind: Vec<(usize, &gyokaku_domain::IndicatorValue)> =
            doc.indicator_values.iter().enumerate().collect();
        by_ind.sort_by_key(|(_, v)| v.fy);
        for (i, v) in by_ind {
            index.values.entry(v.indicator.clone()).or_default().push(i);
        }
        let mut years = std::collections::BTreeSet::new();
        if let Some(period) = doc.header.plan.period {
            years.extend(period.years().filter(|y| *y <= fy));
        }
        years.extend(doc.progress.iter().map(|g| g.fy));
        years.insert(fy);
        index.years = years.into_iter().collect();
        index.dept_names = doc
            .organisation
            .flatten()
            .into_iter()
            .map(|(d, _)| (d.id.clone(), d.name.clone()))
            .collect();
        Publication {
            doc,
            fy,
            published_on: published_on.to_string(),
            opinions,
            outline,
            index,
        }
    }

    pub fn lgcode(&self) -> String {
        self.doc.header.city.code.to_string()
    }

    pub fn plan_id(&self) -> &str {
        &self.doc.header.plan.id
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.index.entries.get(id).map(|i| &self.outline[*i])
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        gyokaku_domain::node_at(&self.doc.nodes, self.index.paths.get(id)?)
    }

    /// An item's report for a year.
    pub fn report(&self, node: &str, fy: FiscalYear) -> Option<&gyokaku_domain::Progress> {
        self.index
            .progress
            .get(&(node.to_string(), fy))
            .map(|i| &self.doc.progress[*i])
    }

    /// An indicator's actuals, oldest first.
    pub fn values_of(&self, indicator: &str) -> Vec<&gyokaku_domain::IndicatorValue> {
        self.index
            .values
            .get(indicator)
            .map(|ix| ix.iter().map(|i| &self.doc.indicator_values[*i]).collect())
            .unwrap_or_default()
    }

    /// Every indicator judged as of the published year (docs/achievement.md),
    /// each against its own actuals only.
    pub fn assessments(&self) -> Vec<gyokaku_domain::Assessment> {
        self.doc
            .indicators
            .iter()
            .map(|i| {
                let own: Vec<gyokaku_domain::IndicatorValue> =
                    self.values_of(&i.id).into_iter().cloned().collect();
                gyokaku_domain::assess(i, &own, self.fy)
            })
            .collect()
    }

    /// Outline position of a node (for sorting in reading order).
    pub fn position(&self, id: &str) -> usize {
        self.index.entries.get(id).copied().unwrap_or(usize::MAX)
    }

    /// The years the publication covers: the plan's period up to the
    /// published year, and every year with a report.
    pub fn years(&self) -> Vec<FiscalYear> {
        self.index.years.clone()
    }

    /// A department's name by id.
    pub fn dept_name(&self, id: &str) -> String {
        self.index
            .dept_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

fn check_date(s: &str) -> Result<(), PublishError> {
    let ok = s.len() == 10
        && s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && s[..4].parse::<u32>().is_ok()
        && s[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && s[8..].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d));
    if ok {
        Ok(())
    } else {
        Err(PublishError::Date(s.to_string()))
    }
}

impl From<StoreError> for PublishError {
    fn from(e: StoreError) -> Self {
        PublishError::Store(e)
    }
}

/// Summaries the plan itself printed (安中's 図表-2), grouped into tables:
/// those with the same title, source and statuses form one table with a
/// row per year, in the plan's order.
pub struct RecordedGroup<'a> {
    pub title: &'a str,
    pub source: Option<&'a str>,
    pub cols: Vec<&'a str>,
    pub rows: Vec<&'a gyokaku_domain::RecordedSummary>,
}

pub fn recorded_groups(all: &[gyokaku_domain::RecordedSummary]) -> Vec<RecordedGroup<'_>> {
    let mut out: Vec<RecordedGroup> = Vec::new();
    for r in all {
        let cols: Vec<&str> = r.counts.iter().map(|c| c.status.as_str()).collect();
        let source = r.source.as_deref();
        match out
            .iter_mut()
            .find(|g| g.title == r.title && g.source == source && g.cols == cols)
        {
            Some(g) => g.rows.push(r),
            None => out.push(RecordedGroup {
                title: &r.title,
                source,
                cols,
                rows: vec![r],
            }),
        }
    }
    out
}
