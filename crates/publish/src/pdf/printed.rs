//! What the PDF shows of the plan's printed structure: each item's
//! classification (the same placements the site and the open data show),
//! the matrices and ○ tables, and the plan's own text and history as an
//! appendix (parts, basic approach, chapters, revisions, earlier and related
//! plans, bodies and members).

use serde::Serialize;

use gyokaku_domain::classify;
use gyokaku_domain::{present, walk_chapters, Item, Node, Revision};

use super::report::JA;
use crate::model::Publication;

/// One axis of an item, its values joined as printed.
#[derive(Debug, Serialize)]
pub struct ClassRow {
    pub axis: String,
    pub values: String,
}

/// An item's classification block: its axes, then SDGs, then its other
/// printed numbers.
pub fn item_classes(p: &Publication, it: &Item, node: Option<&Node>) -> Vec<ClassRow> {
    let mut out: Vec<ClassRow> = Vec::new();
    for pl in classify::placements(&p.model, it) {
        let value = match pl.value {
            Some(v) => classify::printed_value(JA, v),
            None => "該当".to_string(),
        };
        match out.last_mut() {
            Some(r) if r.axis == pl.axis.name => {
                r.values.push('、');
                r.values.push_str(&value);
            }
            _ => out.push(ClassRow {
                axis: pl.axis.name.clone(),
                values: value,
            }),
        }
    }
    if !it.sdgs.is_empty() {
        out.push(ClassRow {
            axis: "SDGs".into(),
            values: it
                .sdgs
                .iter()
                .map(|g| present::sdg(JA, *g))
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    if let Some(n) = node {
        for k in &p.doc.header.numberings {
            if let Some(v) = n.numbers.get(&k.key) {
                out.push(ClassRow {
                    axis: k.name.clone(),
                    values: v.clone(),
                });
            }
        }
    }
    out
}

#[derive(Debug, Serialize)]
pub struct MatrixData {
    title: String,
    rows_axis: String,
    columns: Vec<String>,
    /// Row heading, then per column the cell's items (`label title`).
    rows: Vec<(String, Vec<Vec<String>>)>,
}

#[derive(Debug, Serialize)]
pub struct MarkData {
    axis: String,
    values: Vec<String>,
    rows: Vec<(String, Vec<bool>)>,
}

#[derive(Debug, Serialize)]
pub struct Classifications {
    matrices: Vec<MatrixData>,
    marks: Vec<MarkData>,
}

fn item_text(p: &Publication, i: usize) -> String {
    p.model.item_entry(&p.model.items[i]).heading()
}

pub fn classifications(p: &Publication) -> Classifications {
    Classifications {
        matrices: classify::matrices(&p.model)
            .into_iter()
            .map(|m| MatrixData {
                title: m
                    .matrix
                    .title
                    .clone()
                    .unwrap_or_else(|| format!("{} × {}", m.rows_axis.name, m.columns_axis.name)),
                rows_axis: m.rows_axis.name.clone(),
                columns: m
                    .columns_axis
                    .values
                    .iter()
                    .map(|v| classify::printed_value(JA, v))
                    .collect(),
                rows: m
                    .rows_axis
                    .values
                    .iter()
                    .zip(&m.cells)
                    .map(|(v, cells)| {
                        (
                            classify::printed_value(JA, v),
                            cells
                                .iter()
                                .map(|c| c.iter().map(|&i| item_text(p, i)).collect())
                                .collect(),
                        )
                    })
                    .collect(),
            })
            .collect(),
        marks: classify::mark_tables(&p.model)
            .into_iter()
            .map(|a| MarkData {
                axis: a.name.clone(),
                values: a
                    .values
                    .iter()
                    .map(|v| classify::printed_value(JA, v))
                    .collect(),
                rows: (0..p.model.items.len())
                    .map(|i| {
                        (
                            item_text(p, i),
                            a.values
                                .iter()
                                .map(|v| classify::has(&p.model.items[i], &a.key, &v.code))
                                .collect(),
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize)]
struct ChapterData {
    /// 1 for a top chapter.
    depth: usize,
    heading: String,
    body: Option<String>,
    /// The chapter prints the outline (shown in the policies' chapters).
    outline: bool,
    /// 注: ※ 用語, …
    marks: String,
}

#[derive(Debug, Serialize)]
struct RevisionData {
    date: String,
    kind: String,
    detail: String,
}

#[derive(Debug, Serialize)]
struct PredecessorData {
    title: String,
    detail: String,
    summary: Option<String>,
    note: Option<String>,
    revisions: Vec<RevisionData>,
}

#[derive(Debug, Serialize)]
struct BodyData {
    name: String,
    role: Option<String>,
    members: Vec<(String, String, String)>,
}

/// The plan's own text and history, for the appendix.
#[derive(Debug, Serialize)]
pub struct PlanText {
    parts: Vec<(String, String)>,
    philosophy: Option<String>,
    chapters: Vec<ChapterData>,
    revisions: Vec<RevisionData>,
    predecessors: Vec<PredecessorData>,
    related: Vec<(String, String)>,
    bodies: Vec<BodyData>,
}

fn revision(r: &Revision) -> RevisionData {
    let mut detail = Vec::new();
    if let Some(t) = &r.title {
        detail.push(t.clone());
    }
    if let Some(y) = r.applies_from {
        detail.push(format!("{}から適用", y.wareki()));
    }
    if let Some(pd) = r.period {
        detail.push(format!("期間 {}", present::period(JA, pd)));
    }
    if let Some(t) = &r.reason {
        detail.push(t.clone());
    }
    if let Some(t) = &r.decided_by {
        detail.push(format!("決定: {t}"));
    }
    if let Some(t) = &r.note {
        detail.push(t.clone());
    }
    RevisionData {
        date: r
            .date
            .map(|d| present::date(JA, d))
            .unwrap_or_else(|| present::NONE.into()),
        kind: r.kind.clone(),
        detail: detail.join("。"),
    }
}

/// The glossary terms a chapter's or a node's text marks, as printed
/// beside the text: ※1 RPA、24 MaaS.
pub fn marks_in(p: &Publication, chapter: Option<&str>, node: Option<&str>) -> String {
    p.doc
        .glossary
        .iter()
        .flat_map(|t| {
            t.marks
                .iter()
                .filter(move |m| match (chapter, node) {
                    (Some(c), _) => m.chapter.as_deref() == Some(c),
                    (_, Some(n)) => m.node.as_deref() == Some(n),
                    _ => false,
                })
                .map(move |m| format!("{} {}", m.mark.as_deref().unwrap_or("※"), t.term))
        })
        .collect::<Vec<_>>()
        .join("、")
}

pub fn plan_text(p: &Publication) -> PlanText {
    let h = &p.doc.header;
    let marks_of = |chapter: &str| marks_in(p, Some(chapter), None);
    PlanText {
        parts: h
            .plan
            .parts
            .iter()
            .map(|pt| {
                let mut detail = Vec::new();
                if let Some(pd) = pt.period {
                    detail.push(present::period(JA, pd));
                }
                if let Some(d) = pt.published {
                    detail.push(present::date(JA, d));
                }
                (pt.title.clone(), detail.join("　"))
            })
            .collect(),
        philosophy: h.plan.philosophy.clone(),
        chapters: walk_chapters(&h.chapters)
            .into_iter()
            .map(|(c, depth)| ChapterData {
                depth: depth + 1,
                heading: c.heading(),
                body: c.body.clone(),
                outline: c.outline,
                marks: marks_of(&c.id),
            })
            .collect(),
        revisions: h.revisions.iter().map(revision).collect(),
        predecessors: h
            .predecessors
            .iter()
            .map(|pr| {
                let mut detail = Vec::new();
                if let Some(pd) = pr.period {
                    detail.push(format!("期間 {}", present::period(JA, pd)));
                }
                if let Some(d) = pr.adopted {
                    detail.push(format!("{}策定", present::date(JA, d)));
                }
                PredecessorData {
                    title: pr.title.clone(),
                    detail: detail.join("　"),
                    summary: pr.summary.clone(),
                    note: pr.note.clone(),
                    revisions: pr.revisions.iter().map(revision).collect(),
                }
            })
            .collect(),
        related: h
            .related_plans
            .iter()
            .map(|r| {
                let mut detail = Vec::new();
                if let Some(t) = &r.relation {
                    detail.push(t.clone());
                }
                if let Some(pd) = r.period {
                    detail.push(present::period(JA, pd));
                }
                if let Some(d) = r.adopted {
                    detail.push(format!("{}策定", present::date(JA, d)));
                }
                if let Some(t) = &r.note {
                    detail.push(t.clone());
                }
                (r.title.clone(), detail.join("　"))
            })
            .collect(),
        bodies: h
            .bodies
            .iter()
            .map(|b| BodyData {
                name: b.name.clone(),
                role: b.role.clone(),
                members: b.members.iter().map(|m| m.cells()).collect(),
            })
            .collect(),
    }
}
