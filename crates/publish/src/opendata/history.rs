//! Open-data tables of the plan's stored revisions (改訂履歴): each
//! revision up to the one the published year is reported against, and what
//! changed in it, field by field.

use super::{f, lg, opt, plan, req, Base, Table};
use crate::model::Publication;

/// `plan_revisions`: the stored revisions, oldest first.
fn plan_revisions(p: &Publication, base: &Base) -> Table {
    let rows = p
        .history
        .iter()
        .map(|s| {
            let e = &s.entry;
            base.row(vec![
                s.number.to_string(),
                e.kind.clone(),
                opt(e.title.as_deref()),
                opt(e.date),
                opt(e.applies_from.map(|y| y.year())),
                opt(e.reason.as_deref()),
                opt(e.decided_by.as_deref()),
                s.changes.len().to_string(),
            ])
        })
        .collect();
    Table {
        name: "plan_revisions",
        title: "計画の改訂",
        description: "The plan's revisions as stored, up to the one the published year is reported against: revision 1 is the plan as first stored.",
        fields: vec![
            lg(),
            plan(),
            req(f(
                "revision",
                "integer",
                "改訂番号",
                "1 for the plan as first stored, then one more per revision",
            )),
            req(f("kind", "string", "種別", "見直し, 一部改訂, 改訂 …")),
            f("title", "string", "名称", "as printed (第2次改訂)"),
            f("date", "string", "決定日", "the date it was decided"),
            f(
                "applies_from",
                "year",
                "適用開始年度",
                "the first fiscal year it applies to",
            ),
            f("reason", "string", "理由", "why"),
            f("decided_by", "string", "決定機関", "the body or meeting"),
            req(f(
                "changes",
                "integer",
                "変更件数",
                "rows of revision_changes.csv for it",
            )),
        ],
        primary_key: vec!["lgcode", "plan_id", "revision"],
        foreign_keys: vec![],
        rows,
    }
}

/// `revision_changes`: what each revision changed from the one before.
fn revision_changes(p: &Publication, base: &Base) -> Table {
    let mut rows = Vec::new();
    for s in &p.history {
        for (i, c) in s.changes.iter().enumerate() {
            rows.push(base.row(vec![
                s.number.to_string(),
                (i + 1).to_string(),
                c.kind.key().to_string(),
                c.subject.kind_key().to_string(),
                opt(c.subject.id()),
                opt(c.field),
                opt(c.before.as_deref()),
                opt(c.after.as_deref()),
            ]));
        }
    }
    let kinds = [
        "added",
        "removed",
        "moved",
        "renumbered",
        "changed",
        "retired",
    ];
    let subjects = [
        "plan",
        "node",
        "indicator",
        "department",
        "status",
        "axis",
        "level",
        "term",
        "body",
        "meeting",
    ];
    Table {
        name: "revision_changes",
        title: "改訂による変更点",
        description: "What each revision changed from the one before, one row per change: nodes and indicators are matched by id (a renamed item is a change of its title); a retired node is kept, not removed.",
        fields: vec![
            lg(),
            plan(),
            req(f("revision", "integer", "改訂番号", "see plan_revisions.csv")),
            req(f("change_no", "integer", "順", "position within the revision")),
            req(super::one_of(
                f("change", "string", "区分", "added, removed, moved, renumbered, changed or retired"),
                kinds.iter().map(|s| s.to_string()).collect(),
            )),
            req(super::one_of(
                f("subject", "string", "対象の種類", "plan, node, indicator, department, status, axis, level, term (glossary), body or meeting"),
                subjects.iter().map(|s| s.to_string()).collect(),
            )),
            f("subject_id", "string", "対象のID", "the node's, indicator's … id; empty for the plan"),
            f("field", "string", "変更箇所", "the field that changed (title, target, parent …)"),
            f("before", "string", "変更前", "as the plan wrote it before"),
            f("after", "string", "変更後", "as the plan writes it after"),
        ],
        primary_key: vec!["lgcode", "plan_id", "revision", "change_no"],
        foreign_keys: vec![(vec!["revision"], "plan_revisions", vec!["revision"])],
        rows,
    }
}

/// Every table of this module.
pub(super) fn tables(p: &Publication, base: &Base) -> Vec<Table> {
    vec![plan_revisions(p, base), revision_changes(p, base)]
}
