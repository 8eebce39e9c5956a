//! The pages of what the plan printed beside its outline: the plan page
//! (parts, period, chapters, history, earlier and related plans, bodies and
//! their members), the item list with a pre-rendered list per axis value
//! (filters that work without JavaScript), the classification page (each
//! matrix of two axes, each ○ table of a multi-valued axis), and the
//! classification block of an item page.

use askama::Template;

use gyokaku_domain::classify::{self, Placement};
use gyokaku_domain::{present, walk_chapters, AxisKind, Item, Revision};

use super::{slug, DynTemplate, Frame, Site};
use crate::PublishError;

/// An item as lists show it: link, printed label, title, this year's
/// status.
pub struct ItemLink {
    pub href: String,
    pub label: String,
    pub title: String,
    pub status: String,
}

/// One axis value of an item, as its page shows it.
pub struct ClassLine {
    pub axis: String,
    pub values: Vec<(String, String)>,
}

/// A chapter heading and its text, at its depth (h2 for the top).
pub struct ChapterBlock {
    pub anchor: String,
    pub level: usize,
    pub heading: String,
    pub body: String,
    pub note: String,
    /// The chapter prints the outline: link to the item list.
    pub outline: bool,
    /// Glossary terms the text marks, as (mark, term, anchor).
    pub marks: Vec<(String, String, String)>,
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
}

pub struct BodyBlock {
    pub name: String,
    pub role: String,
    pub members: Vec<(String, String, String)>,
}

pub struct RelatedLine {
    pub title: String,
    pub relation: String,
    pub period: String,
    pub adopted: String,
    pub note: String,
}

pub struct PartLine {
    pub title: String,
    pub generation: String,
    pub period: String,
    pub published: String,
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

/// A filter: an axis with a link per value (and the count of its items).
pub struct Filter {
    pub axis: String,
    pub values: Vec<(String, String, usize, bool)>,
}

#[derive(Template)]
#[template(path = "site/items.html")]
struct ItemsPage {
    f: Frame,
    heading: String,
    /// Empty on the whole list; the value shown on a filtered list.
    filtered_by: String,
    filters: Vec<Filter>,
    items: Vec<ItemLink>,
}

pub struct MatrixBlock {
    pub title: String,
    pub rows_axis: String,
    pub columns: Vec<String>,
    /// Row heading, then per column the items in the cell.
    pub rows: Vec<(String, Vec<Vec<ItemLink>>)>,
}

pub struct MarkTable {
    pub axis: String,
    pub values: Vec<String>,
    /// Item, then per value whether it is marked.
    pub rows: Vec<(ItemLink, Vec<bool>)>,
}

#[derive(Template)]
#[template(path = "site/classifications.html")]
struct ClassificationsPage {
    f: Frame,
    matrices: Vec<MatrixBlock>,
    marks: Vec<MarkTable>,
    sdgs: Vec<(String, Vec<ItemLink>)>,
}

/// The file of an axis value's item list, under the language folder. A
/// flag's list has the code `_`.
pub fn list_path(axis: &str, code: &str) -> String {
    format!(
        "lists/{}/{}.html",
        slug(axis),
        slug(if code.is_empty() { "_" } else { code })
    )
}

impl Site<'_> {
    fn item_link(&self, i: usize, up: &str) -> ItemLink {
        let p = self.p;
        let it = &p.model.items[i];
        let e = p.model.item_entry(it);
        ItemLink {
            href: format!("{up}items/{}.html", slug(&e.id)),
            label: e.label.clone(),
            title: e.title.clone(),
            status: self.status_label(p.report(&e.id, p.fy).and_then(|g| g.status.as_deref())),
        }
    }

    fn revision_line(&self, r: &Revision) -> RevisionLine {
        let lang = self.tr.lang;
        RevisionLine {
            date: r.date.map(|d| present::date(lang, d)).unwrap_or_default(),
            kind: r.kind.clone(),
            title: r.title.clone().unwrap_or_default(),
            applies_from: r
                .applies_from
                .map(|y| present::fiscal_year(lang, y))
                .unwrap_or_default(),
            period: r
                .period
                .map(|pd| present::period(lang, pd))
                .unwrap_or_default(),
            reason: r.reason.clone().unwrap_or_default(),
            decided_by: r.decided_by.clone().unwrap_or_default(),
            note: r.note.clone().unwrap_or_default(),
        }
    }

    /// The terms whose marks fall in a chapter or a node.
    fn marks_in(
        &self,
        chapter: Option<&str>,
        node: Option<&str>,
        up: &str,
    ) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for (i, t) in self.p.doc.glossary.iter().enumerate() {
            for m in &t.marks {
                let here = match (chapter, node) {
                    (Some(c), _) => m.chapter.as_deref() == Some(c),
                    (_, Some(n)) => m.node.as_deref() == Some(n),
                    _ => false,
                };
                if here {
                    out.push((
                        m.mark.clone().unwrap_or_else(|| "※".into()),
                        t.term.clone(),
                        format!("{up}glossary.html#term-{}", i + 1),
                    ));
                }
            }
        }
        out
    }

    pub(super) fn plan_page(&self) -> Result<String, PublishError> {
        let (p, tr) = (self.p, self.tr);
        let lang = tr.lang;
        let h = &p.doc.header;
        let page = PlanPage {
            f: self.frame(tr.s("about_plan").to_string(), "", "plan.html"),
            title: h.plan.full_title(),
            subtitle: h.plan.subtitle.clone().unwrap_or_default(),
            generation: h.plan.generation.clone().unwrap_or_default(),
            draft: h.plan.draft,
            period: present::period_or_standing(lang, h.plan.period),
            published: h
                .plan
                .published
                .map(|d| present::date(lang, d))
                .unwrap_or_default(),
            managing_office: h.plan.managing_office.clone().unwrap_or_default(),
            parts: h
                .plan
                .parts
                .iter()
                .map(|pt| PartLine {
                    title: pt.title.clone(),
                    generation: pt.generation.clone().unwrap_or_default(),
                    period: pt
                        .period
                        .map(|pd| present::period(lang, pd))
                        .unwrap_or_default(),
                    published: pt
                        .published
                        .map(|d| present::date(lang, d))
                        .unwrap_or_default(),
                })
                .collect(),
            philosophy: self.marked(h.plan.philosophy.as_deref().unwrap_or(""), ""),
            chapters: walk_chapters(&h.chapters)
                .into_iter()
                .map(|(c, depth)| ChapterBlock {
                    anchor: format!("ch-{}", slug(&c.id)),
                    level: (depth + 3).min(6),
                    heading: c.heading(),
                    body: self.marked(c.body.as_deref().unwrap_or(""), ""),
                    note: c.note.clone().unwrap_or_default(),
                    outline: c.outline,
                    marks: self.marks_in(Some(&c.id), None, ""),
                })
                .collect(),
            revisions: h.revisions.iter().map(|r| self.revision_line(r)).collect(),
            predecessors: h
                .predecessors
                .iter()
                .map(|pr| PredecessorBlock {
                    title: pr.title.clone(),
                    adopted: pr
                        .adopted
                        .map(|d| present::date(lang, d))
                        .unwrap_or_default(),
                    period: pr
                        .period
                        .map(|pd| present::period(lang, pd))
                        .unwrap_or_default(),
                    summary: pr.summary.clone().unwrap_or_default(),
                    note: pr.note.clone().unwrap_or_default(),
                    revisions: pr.revisions.iter().map(|r| self.revision_line(r)).collect(),
                })
                .collect(),
            related: h
                .related_plans
                .iter()
                .map(|r| RelatedLine {
                    title: r.title.clone(),
                    relation: r.relation.clone().unwrap_or_default(),
                    period: r
                        .period
                        .map(|pd| present::period(lang, pd))
                        .unwrap_or_default(),
                    adopted: r
                        .adopted
                        .map(|d| present::date(lang, d))
                        .unwrap_or_default(),
                    note: r.note.clone().unwrap_or_default(),
                })
                .collect(),
            bodies: h
                .bodies
                .iter()
                .map(|b| BodyBlock {
                    name: b.name.clone(),
                    role: b.role.clone().unwrap_or_default(),
                    members: b.members.iter().map(|m| m.cells()).collect(),
                })
                .collect(),
        };
        page.render_page()
    }

    /// The filters of the item list: every axis value any item carries.
    fn filters(&self, up: &str, current: Option<(&str, &str)>) -> Vec<Filter> {
        let (p, lang) = (self.p, self.tr.lang);
        p.doc
            .header
            .axes
            .iter()
            .filter_map(|a| {
                let values: Vec<(String, String, usize, bool)> = match a.kind {
                    AxisKind::Flag => {
                        let n = classify::items_with(&p.model, &a.key, "").len();
                        vec![(
                            format!("{up}{}", list_path(&a.key, "")),
                            lang.pick(&a.name, a.name_en.as_deref()).to_string(),
                            n,
                            current == Some((a.key.as_str(), "")),
                        )]
                    }
                    _ => a
                        .values
                        .iter()
                        .map(|v| {
                            (
                                format!("{up}{}", list_path(&a.key, &v.code)),
                                classify::printed_value(lang, v),
                                classify::items_with(&p.model, &a.key, &v.code).len(),
                                current == Some((a.key.as_str(), v.code.as_str())),
                            )
                        })
                        .collect(),
                };
                let values: Vec<_> = values.into_iter().filter(|v| v.2 > 0).collect();
                (!values.is_empty()).then(|| Filter {
                    axis: lang.pick(&a.name, a.name_en.as_deref()).to_string(),
                    values,
                })
            })
            .collect()
    }

    /// `items.html` and one list per axis value, as (path, HTML).
    pub(super) fn item_lists(&self) -> Result<Vec<(String, String)>, PublishError> {
        let (p, tr) = (self.p, self.tr);
        let lang = tr.lang;
        let all: Vec<usize> = (0..p.model.items.len()).collect();
        let mut out = vec![(
            "items.html".to_string(),
            ItemsPage {
                f: self.frame(tr.s("item_list").to_string(), "", "items.html"),
                heading: tr.s("item_list").to_string(),
                filtered_by: String::new(),
                filters: self.filters("", None),
                items: all.iter().map(|&i| self.item_link(i, "")).collect(),
            }
            .render_page()?,
        )];
        for a in &p.doc.header.axes {
            let codes: Vec<(String, String)> = match a.kind {
                AxisKind::Flag => vec![(
                    String::new(),
                    lang.pick(&a.name, a.name_en.as_deref()).to_string(),
                )],
                _ => a
                    .values
                    .iter()
                    .map(|v| (v.code.clone(), classify::printed_value(lang, v)))
                    .collect(),
            };
            for (code, label) in codes {
                let members = classify::items_with(&p.model, &a.key, &code);
                if members.is_empty() {
                    continue;
                }
                let path = list_path(&a.key, &code);
                let by = format!("{}: {label}", lang.pick(&a.name, a.name_en.as_deref()));
                let page = ItemsPage {
                    f: self.frame(format!("{} — {by}", tr.s("item_list")), "../../", &path),
                    heading: tr.s("item_list").to_string(),
                    filtered_by: by,
                    filters: self.filters("../../", Some((&a.key, &code))),
                    items: members
                        .iter()
                        .map(|&i| self.item_link(i, "../../"))
                        .collect(),
                };
                out.push((path, page.render_page()?));
            }
        }
        Ok(out)
    }

    /// Whether the plan places items anywhere (axes or SDGs): the
    /// classification page exists.
    pub(super) fn has_classifications(&self) -> bool {
        self.has_classes
    }

    pub(super) fn classifications_page(&self) -> Result<String, PublishError> {
        let (p, tr) = (self.p, self.tr);
        let lang = tr.lang;
        let matrices = classify::matrices(&p.model)
            .into_iter()
            .map(|m| MatrixBlock {
                title: m
                    .matrix
                    .title
                    .as_deref()
                    .map(|t| lang.pick(t, m.matrix.title_en.as_deref()).to_string())
                    .unwrap_or_else(|| {
                        format!(
                            "{} × {}",
                            lang.pick(&m.rows_axis.name, m.rows_axis.name_en.as_deref()),
                            lang.pick(&m.columns_axis.name, m.columns_axis.name_en.as_deref())
                        )
                    }),
                rows_axis: lang
                    .pick(&m.rows_axis.name, m.rows_axis.name_en.as_deref())
                    .to_string(),
                columns: m
                    .columns_axis
                    .values
                    .iter()
                    .map(|v| classify::printed_value(lang, v))
                    .collect(),
                rows: m
                    .rows_axis
                    .values
                    .iter()
                    .zip(&m.cells)
                    .map(|(v, cells)| {
                        (
                            classify::printed_value(lang, v),
                            cells
                                .iter()
                                .map(|cell| cell.iter().map(|&i| self.item_link(i, "")).collect())
                                .collect(),
                        )
                    })
                    .collect(),
            })
            .collect();
        let marks = classify::mark_tables(&p.model)
            .into_iter()
            .map(|a| MarkTable {
                axis: lang.pick(&a.name, a.name_en.as_deref()).to_string(),
                values: a
                    .values
                    .iter()
                    .map(|v| classify::printed_value(lang, v))
                    .collect(),
                rows: (0..p.model.items.len())
                    .map(|i| {
                        let it = &p.model.items[i];
                        (
                            self.item_link(i, ""),
                            a.values
                                .iter()
                                .map(|v| classify::has(it, &a.key, &v.code))
                                .collect(),
                        )
                    })
                    .collect(),
            })
            .collect();
        let mut sdgs = Vec::new();
        for g in 1..=17u8 {
            let members: Vec<ItemLink> = (0..p.model.items.len())
                .filter(|&i| p.model.items[i].sdgs.contains(&g))
                .map(|i| self.item_link(i, ""))
                .collect();
            if !members.is_empty() {
                sdgs.push((present::sdg(lang, g), members));
            }
        }
        ClassificationsPage {
            f: self.frame(
                tr.s("classifications").to_string(),
                "",
                "classifications.html",
            ),
            matrices,
            marks,
            sdgs,
        }
        .render_page()
    }

    /// The classification block of an item page: each axis with its
    /// values (linked to their lists), then the SDGs.
    pub(super) fn class_lines(&self, it: &Item) -> Vec<ClassLine> {
        let (p, lang) = (self.p, self.tr.lang);
        let placements = classify::placements(&p.model, it);
        let mut out: Vec<ClassLine> = Vec::new();
        for pl in &placements {
            let Placement { axis, value } = pl;
            let axis_name = lang.pick(&axis.name, axis.name_en.as_deref()).to_string();
            let value_text = match value {
                Some(v) => classify::printed_value(lang, v),
                None => self.tr.s("marked").to_string(),
            };
            let href = format!(
                "../{}",
                list_path(&axis.key, value.map(|v| v.code.as_str()).unwrap_or(""))
            );
            match out.last_mut() {
                Some(l) if l.axis == axis_name => l.values.push((value_text, href)),
                _ => out.push(ClassLine {
                    axis: axis_name,
                    values: vec![(value_text, href)],
                }),
            }
        }
        if !it.sdgs.is_empty() {
            out.push(ClassLine {
                axis: "SDGs".into(),
                values: it
                    .sdgs
                    .iter()
                    .map(|g| (present::sdg(lang, *g), String::new()))
                    .collect(),
            });
        }
        out
    }

    /// The node's other printed numbers, as (numbering, number).
    pub(super) fn other_numbers(&self, n: &gyokaku_domain::Node) -> Vec<(String, String)> {
        let lang = self.tr.lang;
        self.p
            .doc
            .header
            .numberings
            .iter()
            .filter_map(|k| {
                n.numbers.get(&k.key).map(|v| {
                    (
                        lang.pick(&k.name, k.name_en.as_deref()).to_string(),
                        v.clone(),
                    )
                })
            })
            .collect()
    }

    /// Glossary marks in a node's text, for its page.
    pub(super) fn node_marks(&self, node: &str) -> Vec<(String, String, String)> {
        self.marks_in(None, Some(node), "../")
    }
}
