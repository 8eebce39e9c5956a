//! The plan page: what the plan is (title, parts, period, state, date,
//! office), its basic approach and front chapters with the terms they mark,
//! its history, the earlier and related plans it names, and its promotion
//! bodies with their members. One builder per section.

use askama::Template;

use gyokaku_domain::present::{self, Label, Lang};
use gyokaku_domain::{walk_chapters, MarkPlace, Revision};

use super::{slug, DynTemplate, Frame, Site};
use crate::PublishError;

/// A glossary term marked in a text: (mark as printed, term, link).
pub type MarkLink = (String, String, String);

pub struct PartLine {
    pub title: Label,
    pub subtitle: String,
    pub generation: String,
    pub period: String,
    pub published: String,
    /// The levels the part lists (方針, 取組), as named.
    pub levels: String,
    pub note: String,
}

/// A chapter heading and its text; `level` is its heading level (h3 for a
/// top chapter, under the section's h2).
pub struct ChapterBlock {
    pub anchor: String,
    pub level: usize,
    /// As printed (第1章), Japanese.
    pub number: String,
    pub title: Label,
    pub body: String,
    pub note: String,
    /// The chapter prints the outline: links to the policies and items.
    pub outline: bool,
    pub marks: Vec<MarkLink>,
}

impl ChapterBlock {
    /// The plan prints a heading (a number, a title or both).
    pub fn titled(&self) -> bool {
        !self.number.is_empty() || !self.title.text.is_empty()
    }
}

pub struct RevisionLine {
    pub date: String,
    pub kind: String,
    pub title: String,
    pub applies_from: String,
    pub period: String,
    pub reason: String,
    pub decided_by: String,
    pub note: String,
}

pub struct PredecessorBlock {
    pub title: String,
    pub adopted: String,
    pub period: String,
    pub summary: String,
    pub note: String,
    pub revisions: Vec<RevisionLine>,
    /// The id of its revisions table.
    pub table_id: String,
}

pub struct RelatedLine {
    pub title: String,
    pub relation: String,
    pub period: String,
    pub adopted: String,
    pub note: String,
}

pub struct BodyBlock {
    pub name: String,
    pub role: String,
    pub members: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "site/plan.html")]
struct PlanPage {
    f: Frame,
    title: String,
    subtitle: String,
    generation: String,
    draft: bool,
    period: String,
    published: String,
    managing_office: String,
    parts: Vec<PartLine>,
    philosophy: String,
    chapters: Vec<ChapterBlock>,
    revisions: Vec<RevisionLine>,
    predecessors: Vec<PredecessorBlock>,
    related: Vec<RelatedLine>,
    bodies: Vec<BodyBlock>,
}

fn text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

impl Site<'_> {
    fn lang(&self) -> Lang {
        self.tr.lang
    }

    fn date_text(&self, d: Option<gyokaku_domain::PlanDate>) -> String {
        d.map(|d| present::date(self.lang(), d)).unwrap_or_default()
    }

    fn period_text(&self, p: Option<gyokaku_domain::Period>) -> String {
        p.map(|p| present::period(self.lang(), p))
            .unwrap_or_default()
    }

    /// The glossary terms a node's or a chapter's text marks, linked to the
    /// glossary (`up` leads from the page to the language's folder).
    pub(super) fn marks_at(&self, at: MarkPlace, up: &str) -> Vec<MarkLink> {
        self.p
            .doc
            .marks_at(at)
            .into_iter()
            .map(|(i, t, m)| {
                (
                    m.mark.clone().unwrap_or_else(|| "※".into()),
                    t.term.clone(),
                    format!("{up}glossary.html#{}", super::term_anchor(i)),
                )
            })
            .collect()
    }

    fn revision_line(&self, r: &Revision) -> RevisionLine {
        RevisionLine {
            date: self.date_text(r.date),
            kind: r.kind.clone(),
            title: text(&r.title),
            applies_from: r
                .applies_from
                .map(|y| present::fiscal_year(self.lang(), y))
                .unwrap_or_default(),
            period: self.period_text(r.period),
            reason: text(&r.reason),
            decided_by: text(&r.decided_by),
            note: text(&r.note),
        }
    }

    fn parts(&self) -> Vec<PartLine> {
        let h = &self.p.doc.header;
        h.plan
            .parts
            .iter()
            .map(|pt| PartLine {
                title: present::label(self.lang(), &pt.title, pt.title_en.as_deref()),
                subtitle: text(&pt.subtitle),
                generation: text(&pt.generation),
                period: present::period_or_standing(self.lang(), pt.period, h.plan.draft),
                published: self.date_text(pt.published),
                levels: pt
                    .levels
                    .iter()
                    .filter_map(|k| h.levels.iter().position(|l| &l.key == k))
                    .map(|i| present::level_name(self.lang(), &h.levels[i], i))
                    .collect::<Vec<_>>()
                    .join(self.tr.s("comma")),
                note: text(&pt.note),
            })
            .collect()
    }

    fn chapters(&self) -> Vec<ChapterBlock> {
        walk_chapters(&self.p.doc.header.chapters)
            .into_iter()
            .map(|(c, depth)| ChapterBlock {
                anchor: format!("ch-{}", slug(&c.id)),
                level: (depth + 3).min(6),
                number: text(&c.number),
                title: present::label(
                    self.lang(),
                    c.title.as_deref().unwrap_or(""),
                    c.title_en.as_deref(),
                ),
                body: self.marked(c.body.as_deref().unwrap_or(""), ""),
                note: text(&c.note),
                outline: c.outline,
                marks: self.marks_at(MarkPlace::Chapter(&c.id), ""),
            })
            .collect()
    }

    fn predecessors(&self) -> Vec<PredecessorBlock> {
        self.p
            .doc
            .header
            .predecessors
            .iter()
            .enumerate()
            .map(|(i, pr)| PredecessorBlock {
                title: pr.title.clone(),
                adopted: self.date_text(pr.adopted),
                period: pr
                    .period
                    .map(|s| present::span(self.lang(), s))
                    .unwrap_or_default(),
                summary: text(&pr.summary),
                note: text(&pr.note),
                revisions: pr.revisions.iter().map(|r| self.revision_line(r)).collect(),
                table_id: format!("pred-{}-revisions", i + 1),
            })
            .collect()
    }

    fn related(&self) -> Vec<RelatedLine> {
        self.p
            .doc
            .header
            .related_plans
            .iter()
            .map(|r| RelatedLine {
                title: r.title.clone(),
                relation: text(&r.relation),
                period: r
                    .period
                    .map(|s| present::span(self.lang(), s))
                    .unwrap_or_default(),
                adopted: self.date_text(r.adopted),
                note: text(&r.note),
            })
            .collect()
    }

    fn bodies(&self) -> Vec<BodyBlock> {
        self.p
            .doc
            .header
            .bodies
            .iter()
            .map(|b| BodyBlock {
                name: b.name.clone(),
                role: text(&b.role),
                members: b.members.iter().map(|m| m.cells()).collect(),
            })
            .collect()
    }

    pub(super) fn plan_page(&self) -> Result<String, PublishError> {
        let h = &self.p.doc.header;
        PlanPage {
            f: self.frame(self.tr.s("about_plan").to_string(), "", "plan.html"),
            title: h.plan.full_title(),
            subtitle: text(&h.plan.subtitle),
            generation: text(&h.plan.generation),
            draft: h.plan.draft,
            period: present::period_or_standing(self.lang(), h.plan.period, h.plan.draft),
            published: self.date_text(h.plan.published),
            managing_office: text(&h.plan.managing_office),
            parts: self.parts(),
            philosophy: self.marked(h.plan.philosophy.as_deref().unwrap_or(""), ""),
            chapters: self.chapters(),
            revisions: h.revisions.iter().map(|r| self.revision_line(r)).collect(),
            predecessors: self.predecessors(),
            related: self.related(),
            bodies: self.bodies(),
        }
        .render_page()
    }
}
