//! Plan revisions (見直し, 改訂): which revision a fiscal year is reported
//! against, what a new version of a plan keeps of the one before, and the
//! retired nodes and indicators a revision leaves behind.
//!
//! A revision is a whole version of the plan's structure. Nodes and
//! indicators keep their id across revisions, so reports, reviews and
//! actuals (keyed by id) survive any revision. A node the new version no
//! longer lists is not dropped: it stays, marked retired from the
//! revision's first year on.

use std::collections::HashSet;

use crate::plan::Revision;
use crate::plan::{find_node_mut, walk_nodes, Indicator, Node, PlanDocument, Retirement};
use crate::text::Message;
use crate::wareki::{FiscalYear, PlanDate};

/// A stored revision as far as year mapping needs it: its number (1 = the
/// plan as first stored) and the first fiscal year it applies to (`None`:
/// from the start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applies {
    pub number: u32,
    pub from: Option<FiscalYear>,
}

/// The revision a year is reported and published against: the latest
/// revision whose first year is that year or earlier (revision 1 applies
/// to every year no later revision covers). `None` only for an empty list.
pub fn in_force(revisions: &[Applies], fy: FiscalYear) -> Option<u32> {
    revisions
        .iter()
        .filter(|r| r.number == 1 || r.from.is_none_or(|f| f <= fy))
        .map(|r| r.number)
        .max()
}

/// One stored revision in a plan's revision history (改訂履歴): its number,
/// the step of the plan's history it records, and what changed from the
/// revision before (empty for revision 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub number: u32,
    pub entry: Revision,
    pub changes: Vec<crate::diff::Change>,
}

/// A retired node as a list shows it: the node (without children) and the
/// node it sat under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredNode {
    pub node: Node,
    pub parent: Option<String>,
}

/// What a plan's structure holds that is no longer reported on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retired {
    pub nodes: Vec<RetiredNode>,
    pub indicators: Vec<Indicator>,
}

/// Takes retired nodes (with everything beneath them) and retired
/// indicators (and those of retired nodes) out of `doc`, returning them:
/// what remains is what a year under this revision reports on.
pub fn strip_retired(doc: &mut PlanDocument) -> Retired {
    fn strip(nodes: &mut Vec<Node>, parent: Option<&str>, out: &mut Vec<RetiredNode>) {
        let mut kept = Vec::with_capacity(nodes.len());
        for mut n in std::mem::take(nodes) {
            if n.retired.is_some() {
                // The node and its subtree, flattened in reading order.
                let mut stack = vec![(n, parent.map(str::to_string))];
                while let Some((mut m, p)) = stack.pop() {
                    let children = std::mem::take(&mut m.children);
                    let id = m.id.clone();
                    out.push(RetiredNode { node: m, parent: p });
                    for c in children.into_iter().rev() {
                        stack.push((c, Some(id.clone())));
                    }
                }
            } else {
                strip(&mut n.children, Some(&n.id), out);
                kept.push(n);
            }
        }
        *nodes = kept;
    }
    let mut retired = Retired::default();
    strip(&mut doc.nodes, None, &mut retired.nodes);
    if retired.nodes.is_empty() && doc.indicators.iter().all(|i| i.retired.is_none()) {
        return retired;
    }
    let gone: HashSet<&str> = retired.nodes.iter().map(|r| r.node.id.as_str()).collect();
    let (out, kept): (Vec<Indicator>, Vec<Indicator>) = std::mem::take(&mut doc.indicators)
        .into_iter()
        .partition(|i| i.retired.is_some() || i.node.as_deref().is_some_and(|n| gone.contains(n)));
    doc.indicators = kept;
    retired.indicators = out;
    retired
}

/// The structure a revision stores: the plan without reports, actuals and
/// fiscal ratios (records of years, which no revision changes).
pub fn structure(doc: &PlanDocument) -> PlanDocument {
    PlanDocument {
        progress: Vec::new(),
        indicator_values: Vec::new(),
        fiscal: Vec::new(),
        ..doc.clone()
    }
}

/// Whether two versions of a plan have the same structure.
pub fn same_structure(a: &PlanDocument, b: &PlanDocument) -> bool {
    a.header == b.header
        && a.organisation == b.organisation
        && a.nodes == b.nodes
        && a.indicators == b.indicators
        && a.glossary == b.glossary
}

/// The next revision made from a new version of the plan (`folder`, a plan
/// folder as read) over the `current` one, first applying in `first_year`:
/// the folder's structure, with every node and indicator of `current` the
/// folder no longer lists kept and marked retired (last year: the year
/// before `first_year`), under its old parent where that is still there.
/// Nodes the folder retires itself keep the folder's retirement.
pub fn revise(
    current: &PlanDocument,
    folder: &PlanDocument,
    first_year: FiscalYear,
) -> PlanDocument {
    let mut next = structure(folder);
    let last_year = FiscalYear::new(first_year.year().saturating_sub(1)).ok();
    let listed: HashSet<String> = walk_nodes(&next.nodes)
        .into_iter()
        .map(|(n, _, _)| n.id.clone())
        .collect();
    let missing_note = || Retirement {
        last_year,
        reason: None,
        into: None,
        note: None,
    };
    for (n, _, parent) in walk_nodes(&current.nodes) {
        if listed.contains(&n.id) || find_node_mut(&mut next.nodes, &n.id).is_some() {
            continue;
        }
        let mut kept = Node {
            children: Vec::new(),
            ..n.clone()
        };
        if kept.retired.is_none() {
            kept.retired = Some(missing_note());
        }
        match parent.and_then(|p| find_node_mut(&mut next.nodes, &p.id)) {
            Some(p) => p.children.push(kept),
            None => next.nodes.push(kept),
        }
    }
    // What the folder retires without saying until when ends the year before.
    let was_retired: HashSet<String> = walk_nodes(&current.nodes)
        .into_iter()
        .filter(|(n, _, _)| n.retired.is_some())
        .map(|(n, _, _)| n.id.clone())
        .collect();
    let mut stack: Vec<&mut Node> = next.nodes.iter_mut().collect();
    while let Some(n) = stack.pop() {
        if let Some(r) = n.retired.as_mut() {
            if r.last_year.is_none() && !was_retired.contains(&n.id) {
                r.last_year = last_year;
            }
        }
        stack.extend(n.children.iter_mut());
    }
    for ind in &mut next.indicators {
        let newly = current
            .indicators
            .iter()
            .any(|c| c.id == ind.id && c.retired.is_none());
        if let Some(r) = ind.retired.as_mut().filter(|r| r.last_year.is_none()) {
            if newly {
                r.last_year = last_year;
            }
        }
    }
    let listed: HashSet<&str> = folder.indicators.iter().map(|i| i.id.as_str()).collect();
    for ind in &current.indicators {
        if !listed.contains(ind.id.as_str()) {
            let mut kept = ind.clone();
            if kept.retired.is_none() {
                kept.retired = Some(missing_note());
            }
            next.indicators.push(kept);
        }
    }
    next
}

/// Where a revision would break the plan's history, checked before anything
/// is written: nodes it retires from `first_year` on must not carry a report
/// of that year or later in `reported` (node id, year; submitted or
/// accepted), and a node may not sit under its own retired parent while
/// still reported.
pub fn check_retirements(
    next: &PlanDocument,
    first_year: FiscalYear,
    reported: &[(String, FiscalYear)],
) -> Vec<Message> {
    let mut out = Vec::new();
    let mut retired = next.clone();
    let gone = strip_retired(&mut retired);
    for r in &gone.nodes {
        let last = r
            .node
            .retired
            .as_ref()
            .and_then(|x| x.last_year)
            .or(FiscalYear::new(first_year.year().saturating_sub(1)).ok());
        for (node, fy) in reported.iter().filter(|(n, _)| *n == r.node.id) {
            if last.is_none_or(|l| *fy > l) {
                out.push(Message::new(
                    format!(
                        "項目 {} は{}の報告（提出済みまたは確認済み）があるため、{}から廃止・統合できません",
                        node,
                        fy.wareki(),
                        first_year.wareki()
                    ),
                    format!(
                        "node {node} has a submitted or accepted report for {}, so it cannot be retired from {}",
                        fy.english(),
                        first_year.english()
                    ),
                ));
            }
        }
    }
    out
}

/// What the person revising says about a revision where the plan folder
/// does not (the CLI's options): each given field overrides the folder's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevisionOptions {
    pub kind: Option<String>,
    pub date: Option<PlanDate>,
    pub first_year: Option<FiscalYear>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
}

/// The entry of a plan's history that revision 1 stands for: the last
/// step the plan lists, or its adoption (策定) in the first year of its
/// period.
pub fn first_entry(doc: &PlanDocument) -> Revision {
    doc.header.revisions.last().cloned().unwrap_or(Revision {
        kind: "策定".into(),
        title: None,
        date: doc.header.plan.published,
        applies_from: doc.header.plan.period.map(|p| p.from),
        period: None,
        reason: None,
        decided_by: None,
        note: None,
    })
}

/// The next revision of `current` made from a plan folder: the merged
/// structure (see [`revise`]) and its history entry, which comes from the
/// one step the folder's `revisions:` adds, filled in by `options`, or
/// from the options alone (then appended to the plan's history). The entry
/// always has a first year.
pub fn prepare(
    current: &PlanDocument,
    folder: &PlanDocument,
    options: &RevisionOptions,
) -> Result<(PlanDocument, Revision), Message> {
    let added: Vec<usize> = folder
        .header
        .revisions
        .iter()
        .enumerate()
        .filter(|(_, r)| !current.header.revisions.contains(r))
        .map(|(i, _)| i)
        .collect();
    if added.len() > 1 {
        return Err(Message::new(
            format!(
                "plan.yaml の revisions に新しい改訂が {} 件あります。1回の取り込みで記録できる改訂は1件です",
                added.len()
            ),
            format!(
                "plan.yaml's revisions adds {} new steps; one import records one revision",
                added.len()
            ),
        ));
    }
    let mut entry = match added.first() {
        Some(i) => folder.header.revisions[*i].clone(),
        None => Revision {
            kind: options.kind.clone().ok_or_else(|| {
                Message::new(
                    "改訂の種類がありません: plan.yaml の revisions に改訂を1件加えるか、--kind（例: 見直し）を指定してください",
                    "no kind of revision: add one step to plan.yaml's revisions, or give --kind (e.g. 見直し)",
                )
            })?,
            title: None,
            date: None,
            applies_from: None,
            period: None,
            reason: None,
            decided_by: None,
            note: None,
        },
    };
    if let Some(k) = &options.kind {
        entry.kind = k.clone();
    }
    entry.date = options.date.or(entry.date);
    entry.applies_from = options.first_year.or(entry.applies_from);
    entry.reason = options.reason.clone().or(entry.reason);
    entry.decided_by = options.decided_by.clone().or(entry.decided_by);
    let first_year = entry.applies_from.ok_or_else(|| {
        Message::new(
            "改訂を適用する最初の年度がありません: revisions の applies_from か --first-year（例: 令和8年度）を指定してください",
            "no first year for the revision: give applies_from in revisions or --first-year (e.g. 2026)",
        )
    })?;
    let mut next = revise(current, folder, first_year);
    match added.first() {
        Some(i) => next.header.revisions[*i] = entry.clone(),
        None => next.header.revisions.push(entry.clone()),
    }
    Ok((next, entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    #[test]
    fn a_revision_retires_what_the_folder_drops_and_dates_what_it_retires() {
        use crate::plan::RetireReason;
        let current = crate::classify::tests::doc();
        let mut folder = current.clone();
        // 1-3 dropped from the folder; 1-2 retired there without a year.
        folder.nodes[0].children.retain(|n| n.id != "1-3");
        folder.nodes[0].children[1].retired = Some(Retirement {
            last_year: None,
            reason: Some(RetireReason::Merged),
            into: Some("1-1".into()),
            note: None,
        });
        let next = revise(&current, &folder, fy(2026));
        let kept: Vec<&Node> = next.nodes[0].children.iter().collect();
        assert_eq!(kept.len(), 3, "nothing is dropped");
        let r12 = kept[1].retired.as_ref().unwrap();
        assert_eq!(
            (r12.last_year, r12.into.as_deref()),
            (Some(fy(2025)), Some("1-1"))
        );
        let r13 = kept[2].retired.as_ref().unwrap();
        assert_eq!(
            (kept[2].id.as_str(), r13.last_year, r13.reason),
            ("1-3", Some(fy(2025)), None)
        );
        // A later revision keeps the year an earlier one set.
        let later = revise(&next, &next, fy(2028));
        assert_eq!(
            later.nodes[0].children[2]
                .retired
                .as_ref()
                .unwrap()
                .last_year,
            Some(fy(2025))
        );
        // What the model of the new revision reports on.
        let mut stripped = next.clone();
        let gone = strip_retired(&mut stripped);
        assert_eq!(gone.nodes.len(), 2);
        assert_eq!(stripped.nodes[0].children.len(), 1);
    }

    #[test]
    fn a_year_takes_the_latest_revision_that_applies_to_it() {
        let revs = [
            Applies {
                number: 1,
                from: Some(fy(2022)),
            },
            Applies {
                number: 2,
                from: Some(fy(2024)),
            },
            Applies {
                number: 3,
                from: Some(fy(2026)),
            },
        ];
        // 安中 第4次: adopted for R4 (2022); revised from R6 and from R8.
        assert_eq!(in_force(&revs, fy(2021)), Some(1));
        assert_eq!(in_force(&revs, fy(2022)), Some(1));
        assert_eq!(in_force(&revs, fy(2023)), Some(1));
        assert_eq!(in_force(&revs, fy(2024)), Some(2));
        assert_eq!(in_force(&revs, fy(2025)), Some(2));
        assert_eq!(in_force(&revs, fy(2030)), Some(3));
        assert_eq!(in_force(&[], fy(2030)), None);
    }
}
