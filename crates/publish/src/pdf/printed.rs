//! What the PDF shows of the plan's printed structure: each item's
//! classification (the same placements the site and the open data show,
//! printed by `domain::classify`), the matrices, ○ tables, flags and SDGs,
//! and the plan's own text and history as an appendix (parts, basic
//! approach, chapters, revisions, earlier and related plans, bodies and
//! members). The report is in Japanese.

use serde::Serialize;

use gyokaku_domain::classify;
use gyokaku_domain::{present, walk_chapters, Item, MarkPlace, Node, Revision};

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
    let mut out: Vec<ClassRow> = classify::by_axis(&p.model, it)
        .into_iter()
        .map(|(axis, placements)| ClassRow {
            axis: axis.name.clone(),
            values: placements
                .iter()
                .map(|pl| pl.printed(JA))
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
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
    /// A flag axis (重点) or an SDG, with its items.
    lists: Vec<(String, Vec<String>)>,
    /// Axes whose values the plan explains: (axis, [(value, text)]).
    explained: Vec<(String, Vec<(String, String)>)>,
}

/// An item as the tables list it: its label with those above it (a (1)
/// alone repeats under every policy), then its title.
fn item_text(p: &Publication, i: usize) -> String {
    let e = p.model.item_entry(&p.model.items[i]);
    format!("{} {}", p.model.full_label(e), e.title)
        .trim()
        .to_string()
}

fn item_texts(p: &Publication, items: &[usize]) -> Vec<String> {
    items.iter().map(|&i| item_text(p, i)).collect()
}

fn matrix_data(p: &Publication, m: classify::MatrixTable) -> MatrixData {
    MatrixData {
        title: m.title(JA).text,
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
                let cells = cells.iter().map(|c| item_texts(p, c)).collect();
                (classify::printed_value(JA, v), cells)
            })
            .collect(),
    }
}

pub fn classifications(p: &Publication) -> Classifications {
    let marks = classify::mark_tables(&p.model)
        .into_iter()
        .map(|t| MarkData {
            axis: t.axis.name.clone(),
            values: t
                .axis
                .values
                .iter()
                .map(|v| classify::printed_value(JA, v))
                .collect(),
            rows: t
                .marks
                .into_iter()
                .enumerate()
                .map(|(i, on)| (item_text(p, i), on))
                .collect(),
        })
        .collect();
    let mut lists: Vec<(String, Vec<String>)> = classify::flag_lists(&p.model)
        .into_iter()
        .map(|(a, items)| (a.name.clone(), item_texts(p, &items)))
        .collect();
    for (g, items) in classify::sdg_lists(&p.model) {
        lists.push((
            format!("SDGs {}", present::sdg(JA, g)),
            item_texts(p, &items),
        ));
    }
    Classifications {
        matrices: classify::matrices(&p.model)
            .into_iter()
            .map(|m| matrix_data(p, m))
            .collect(),
        marks,
        lists,
        explained: classify::explained(&p.model)
            .into_iter()
            .map(|(a, values)| {
                let values = values
                    .into_iter()
                    .map(|(v, text)| (classify::printed_value(JA, v), text.to_string()))
                    .collect();
                (a.name.clone(), values)
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
    /// ※ 用語、…
    marks: String,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct RevisionData {
    date: String,
    kind: String,
    detail: String,
    note: Option<String>,
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
struct RelatedData {
    title: String,
    detail: String,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct PartData {
    title: String,
    subtitle: Option<String>,
    /// Period (or 期間の定めなし), date, the levels it lists.
    detail: String,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct BodyData {
    name: String,
    role: Option<String>,
    members: Vec<(String, String, String)>,
}

/// A stored revision and what it changed.
#[derive(Debug, Serialize)]
struct StepData {
    heading: String,
    detail: String,
    /// (change, what, field, before, after)
    changes: Vec<(String, String, String, String, String)>,
}

/// Revisions after the first, each with its changes (改訂履歴).
fn history(p: &Publication) -> Vec<StepData> {
    use gyokaku_domain::diff::field_label;
    use gyokaku_domain::present::Lang;
    if p.history.len() < 2 {
        return Vec::new();
    }
    p.history
        .iter()
        .skip(1)
        .map(|s| {
            let e = &s.entry;
            let mut detail = Vec::new();
            if let Some(d) = e.date {
                detail.push(format!("決定 {}", present::date(Lang::Ja, d)));
            }
            if let Some(y) = e.applies_from {
                detail.push(format!("{}から適用", present::fiscal_year(Lang::Ja, y)));
            }
            if let Some(b) = &e.decided_by {
                detail.push(b.clone());
            }
            if let Some(r) = &e.reason {
                detail.push(r.clone());
            }
            StepData {
                heading: format!("改訂 {}（{}）", s.number, e.kind),
                detail: detail.join("　"),
                changes: s
                    .changes
                    .iter()
                    .map(|c| {
                        (
                            c.kind.label(Lang::Ja).to_string(),
                            c.subject.label(Lang::Ja),
                            c.field
                                .map(|f| field_label(f, Lang::Ja).to_string())
                                .unwrap_or_default(),
                            c.before.clone().unwrap_or_default(),
                            c.after.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The plan's own text and history, for the appendix.
#[derive(Debug, Serialize)]
pub struct PlanText {
    history: Vec<StepData>,
    parts: Vec<PartData>,
    philosophy: Option<String>,
    chapters: Vec<ChapterData>,
    revisions: Vec<RevisionData>,
    predecessors: Vec<PredecessorData>,
    related: Vec<RelatedData>,
    bodies: Vec<BodyData>,
}

/// Sentences joined with 。, none doubled where a part already ends
/// with one.
fn sentences(parts: Vec<String>) -> String {
    parts
        .iter()
        .map(|s| s.trim().trim_end_matches('。'))
        .filter(|s| !s.is_empty())
        .map(|s| format!("{s}。"))
        .collect()
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
    RevisionData {
        date: r
            .date
            .map(|d| present::date(JA, d))
            .unwrap_or_else(|| present::NONE.into()),
        kind: r.kind.clone(),
        detail: sentences(detail),
        note: r.note.clone(),
    }
}

/// The glossary terms a chapter's or a node's text marks, as printed
/// beside the text: ※1 RPA、24 MaaS.
pub fn marks_at(p: &Publication, at: MarkPlace) -> String {
    p.doc
        .marks_at(at)
        .into_iter()
        .map(|(_, t, m)| format!("{} {}", m.mark.as_deref().unwrap_or("※"), t.term))
        .collect::<Vec<_>>()
        .join("、")
}

fn parts(p: &Publication) -> Vec<PartData> {
    let h = &p.doc.header;
    h.plan
        .parts
        .iter()
        .map(|pt| {
            let mut detail = vec![present::period_or_standing(JA, pt.period, h.plan.draft)];
            if let Some(d) = pt.published {
                detail.push(present::date(JA, d));
            }
            let levels: Vec<String> = pt
                .levels
                .iter()
                .filter_map(|k| h.levels.iter().position(|l| &l.key == k))
                .map(|i| present::level_name(JA, &h.levels[i], i))
                .collect();
            if !levels.is_empty() {
                detail.push(format!("収める階層: {}", levels.join("、")));
            }
            PartData {
                title: pt.title.clone(),
                subtitle: pt.subtitle.clone(),
                detail: detail.join("　"),
                note: pt.note.clone(),
            }
        })
        .collect()
}

fn predecessors(p: &Publication) -> Vec<PredecessorData> {
    p.doc
        .header
        .predecessors
        .iter()
        .map(|pr| {
            let mut detail = Vec::new();
            if let Some(s) = pr.period {
                detail.push(format!("期間 {}", present::span(JA, s)));
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
        .collect()
}

fn related(p: &Publication) -> Vec<RelatedData> {
    p.doc
        .header
        .related_plans
        .iter()
        .map(|r| {
            let mut detail = Vec::new();
            if let Some(t) = &r.relation {
                detail.push(t.clone());
            }
            if let Some(s) = r.period {
                detail.push(present::span(JA, s));
            }
            if let Some(d) = r.adopted {
                detail.push(format!("{}策定", present::date(JA, d)));
            }
            RelatedData {
                title: r.title.clone(),
                detail: detail.join("　"),
                note: r.note.clone(),
            }
        })
        .collect()
}

pub fn plan_text(p: &Publication) -> PlanText {
    let h = &p.doc.header;
    PlanText {
        history: history(p),
        parts: parts(p),
        philosophy: h.plan.philosophy.clone(),
        chapters: walk_chapters(&h.chapters)
            .into_iter()
            .map(|(c, depth)| ChapterData {
                depth: depth + 1,
                heading: c.heading(),
                body: c.body.clone(),
                outline: c.outline,
                marks: marks_at(p, MarkPlace::Chapter(&c.id)),
                note: c.note.clone(),
            })
            .collect(),
        revisions: h.revisions.iter().map(revision).collect(),
        predecessors: predecessors(p),
        related: related(p),
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

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn sentences_end_in_one_maru() {
        assert_eq!(
            sentences(vec![
                "第1次改訂".into(),
                "追加するため。".into(),
                " ".into()
            ]),
            "第1次改訂。追加するため。"
        );
    }
}
