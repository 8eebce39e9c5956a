//! What a publication is made of: the plan's read model as of the
//! published year (every count, summary and assessment comes from it), the
//! accepted reports and actuals up to that year, and the council's
//! opinions.

use std::collections::HashMap;

use gyokaku_domain::{
    FiscalYear, IndicatorValue, Node, PlanDocument, PlanModel, PlanState, Report, ReportState,
};
use gyokaku_store::{CycleState, ReviewEntry, ReviewKind, Snapshot};

use crate::PublishError;

pub use gyokaku_domain::Entry;

/// A closed year of a plan, ready to be written in every format.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The plan's structure: outline, items, groups.
    pub model: PlanModel,
    /// The plan's state as of `fy`: summaries, years side by side,
    /// assessments, effect amounts.
    pub state: PlanState,
    /// The plan with what may be published: accepted reports and actuals
    /// of years up to `fy` (from `state`, so counted by the same rule).
    pub doc: PlanDocument,
    pub fy: FiscalYear,
    /// The declared publication date (`YYYY-MM-DD`): the only thing in the
    /// output that is not a function of the data.
    pub published_on: String,
    /// Council opinions of years up to `fy` (`node` is `None` for the
    /// whole plan).
    pub opinions: Vec<ReviewEntry>,
    /// The plan's revisions up to the one in force for `fy`, each with
    /// what changed (改訂履歴); empty for a plan never stored.
    pub history: Vec<gyokaku_domain::revision::Step>,
    /// Years side by side that were reported under another revision than
    /// `fy`: their whole-plan summary (in `state.across`) is counted over
    /// that revision's items; the policies and departments of this one do
    /// not apply to them.
    pub other_revision_years: Vec<FiscalYear>,
    index: Index,
}

/// Lookups built once, so that writing thousands of pages stays linear.
#[derive(Debug, Clone, Default)]
struct Index {
    /// Actual positions by indicator, oldest first.
    values: HashMap<String, Vec<usize>>,
    /// The plan's period up to the published year and every reported year.
    years: Vec<FiscalYear>,
}

impl Publication {
    /// Reads a plan in one snapshot and makes the publication of its
    /// closed year `fy` (see `of_snapshot`).
    pub async fn load(
        store: &gyokaku_store::SqlStore,
        plan: &gyokaku_store::PlanRef,
        fy: FiscalYear,
        published_on: &str,
    ) -> Result<Publication, PublishError> {
        check_date(published_on)?;
        Publication::of_snapshot(store.snapshot(plan).await?, fy, published_on)
    }

    /// The publication of a snapshot's closed year. A year whose reporting
    /// is still open is refused: close it first. A year with no cycle
    /// (records imported from plan folders) is published as recorded.
    pub fn of_snapshot(
        snap: Snapshot,
        fy: FiscalYear,
        published_on: &str,
    ) -> Result<Publication, PublishError> {
        check_date(published_on)?;
        if snap
            .cycles
            .iter()
            .any(|c| c.fy == fy && c.state == CycleState::Open)
        {
            return Err(PublishError::Open(fy));
        }
        let history = snap.history(fy);
        let doc = snap.doc_for(fy);
        let opinions = snap
            .reviews
            .clone()
            .into_iter()
            .filter(|r| r.kind == ReviewKind::Opinion && r.fy <= fy)
            .collect();
        let mut publication =
            Publication::build(doc, snap.reports.clone(), fy, published_on, opinions);
        // Earlier years side by side are summed over the items of the
        // revision they were reported under, as their own publications did.
        let now = snap.in_force(fy);
        let earlier: Vec<FiscalYear> = publication
            .state
            .across
            .iter()
            .map(|(y, _)| *y)
            .filter(|y| *y < fy && snap.in_force(*y) != now)
            .collect();
        for y in &earlier {
            let model = PlanModel::new(snap.doc_for(*y));
            let then = PlanState::build(&model, snap.reports.clone(), &[], *y);
            publication.state.set_earlier_summary(*y, then.whole);
        }
        publication.other_revision_years = earlier;
        publication.history = history;
        Ok(publication)
    }

    /// A publication of a document already in hand (tests, benchmarks):
    /// its reports are records, as an import takes them (accepted).
    pub fn new(
        mut doc: PlanDocument,
        fy: FiscalYear,
        published_on: &str,
        opinions: Vec<ReviewEntry>,
    ) -> Publication {
        let reports = std::mem::take(&mut doc.progress)
            .into_iter()
            .map(|progress| Report {
                progress,
                state: ReportState::Accepted,
            })
            .collect();
        Publication::build(doc, reports, fy, published_on, opinions)
    }

    fn build(
        mut doc: PlanDocument,
        reports: Vec<Report>,
        fy: FiscalYear,
        published_on: &str,
        opinions: Vec<ReviewEntry>,
    ) -> Publication {
        doc.indicator_values.retain(|v| v.fy <= fy);
        doc.fiscal.retain(|o| o.fy <= fy);
        let values = std::mem::take(&mut doc.indicator_values);
        let model = PlanModel::new(doc.clone());
        // What this revision retired is not published as part of the plan.
        doc.nodes = model.doc.nodes.clone();
        doc.indicators = model.doc.indicators.clone();
        let kept: std::collections::HashSet<&str> =
            doc.indicators.iter().map(|i| i.id.as_str()).collect();
        let values: Vec<IndicatorValue> = values
            .into_iter()
            .filter(|v| kept.contains(v.indicator.as_str()))
            .collect();
        let state = PlanState::build(&model, reports, &values, fy);
        doc.progress = state.accepted_reports().cloned().collect();
        doc.indicator_values = values;
        let mut index = Index::default();
        let mut by_ind: Vec<(usize, &IndicatorValue)> =
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
        Publication {
            model,
            state,
            doc,
            fy,
            published_on: published_on.to_string(),
            opinions,
            history: Vec::new(),
            other_revision_years: Vec::new(),
            index,
        }
    }

    pub fn lgcode(&self) -> String {
        self.doc.header.city.code.to_string()
    }

    pub fn plan_id(&self) -> &str {
        &self.doc.header.plan.id
    }

    /// Every node in reading order, with the label the plan prints.
    pub fn outline(&self) -> &[Entry] {
        &self.model.outline
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.model.entry(id)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.model.node(id)
    }

    /// An item's report for a year, if the office accepted it (only
    /// accepted reports are published).
    pub fn report(&self, node: &str, fy: FiscalYear) -> Option<&gyokaku_domain::Progress> {
        self.state.accepted(node, fy)
    }

    /// An indicator's actuals, oldest first.
    pub fn values_of(&self, indicator: &str) -> Vec<&IndicatorValue> {
        self.index
            .values
            .get(indicator)
            .map(|ix| ix.iter().map(|i| &self.doc.indicator_values[*i]).collect())
            .unwrap_or_default()
    }

    /// Every indicator judged as of the published year (docs/achievement.md),
    /// in the plan's order: the read model's.
    pub fn assessments(&self) -> &[gyokaku_domain::Assessment] {
        &self.state.assessments
    }

    /// Outline position of a node (for sorting in reading order).
    pub fn position(&self, id: &str) -> usize {
        self.model.position(id)
    }

    /// The years the publication covers: the plan's period up to the
    /// published year, and every year with a report.
    pub fn years(&self) -> Vec<FiscalYear> {
        self.index.years.clone()
    }

    /// A department's name by id.
    pub fn dept_name(&self, id: &str) -> String {
        self.model.dept_name(id).to_string()
    }
}

/// A publication date must be a real `YYYY-MM-DD` date (2025-02-31 is not).
fn check_date(s: &str) -> Result<(), PublishError> {
    gyokaku_domain::present::iso_date(s)
        .map(|_| ())
        .ok_or_else(|| PublishError::Date(s.to_string()))
}

impl From<gyokaku_store::StoreError> for PublishError {
    fn from(e: gyokaku_store::StoreError) -> Self {
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
