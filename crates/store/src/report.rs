//! The status report of one plan and year (like 安中's 図表-2).

use serde::Serialize;

use crate::GroupSummary;
use gyokaku_domain::{walk_nodes, FiscalYear, Level, PlanDocument, StatusSummary};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    pub city: String,
    pub plan_title: String,
    pub fy: i32,
    pub fy_label: String,
    pub whole: StatusSummary,
    pub groups: Vec<GroupSummary>,
    /// Some counted reports are fictional demo data (デモ用の架空データ).
    pub includes_demo: bool,
}

impl StatusReport {
    /// Items are the leaves of the plan's tree (the level at which
    /// departments report); each counts once with its status for `fy`.
    pub fn compute(doc: &PlanDocument, fy: FiscalYear) -> Result<StatusReport, String> {
        let scale = &doc.header.status_scale;
        let status_of = |id: &str| {
            doc.progress
                .iter()
                .find(|p| p.node == id && p.fy == fy)
                .and_then(|p| p.status.as_deref())
        };
        let includes_demo = doc.progress.iter().any(|p| p.fy == fy && p.demo);
        let leaves = |nodes: &[gyokaku_domain::Node]| -> Vec<String> {
            walk_nodes(nodes)
                .into_iter()
                .filter(|(n, _, _)| n.children.is_empty())
                .map(|(n, _, _)| n.id.clone())
                .collect()
        };
        let all = leaves(&doc.nodes);
        let whole = StatusSummary::compute(scale, all.iter().map(|id| status_of(id)))?;
        let level_of =
            |key: &str| -> Option<&Level> { doc.header.levels.iter().find(|l| l.key == key) };
        let mut groups = Vec::new();
        // Per top-level node, where top-level nodes group items.
        for top in doc.nodes.iter().filter(|n| !n.children.is_empty()) {
            let ids = leaves(std::slice::from_ref(top));
            let label = match level_of(&top.level) {
                Some(l) => format!("{} {}", l.label(top.number, None), top.title)
                    .trim()
                    .to_string(),
                None => top.title.clone(),
            };
            groups.push(GroupSummary {
                key: top.id.clone(),
                label,
                summary: StatusSummary::compute(scale, ids.iter().map(|id| status_of(id)))?,
            });
        }
        Ok(StatusReport {
            city: doc.header.city.name.clone(),
            plan_title: doc.header.plan.title.clone(),
            fy: fy.year(),
            fy_label: fy.wareki_with_western(),
            whole,
            groups,
            includes_demo,
        })
    }
}
