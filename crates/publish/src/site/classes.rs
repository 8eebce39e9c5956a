//! Where the items sit: the item list with a pre-rendered list per axis
//! value (filters that work without JavaScript), the classification page
//! (each matrix of two axes, each ○ table of a multi-valued axis, each
//! flag, the SDGs), and the classification block of an item page. Every
//! value is printed by `domain::classify`, as in the open data and the PDF.

use askama::Template;

use gyokaku_domain::classify;
use gyokaku_domain::present::{self, Label};
use gyokaku_domain::{AxisKind, Item, Node};

use super::{slug, DynTemplate, Frame, Site};
use crate::PublishError;

/// An item as lists show it: link, its label with those above it
/// (方針1 (2)), title, this year's status.
pub struct ItemLink {
    pub href: String,
    pub label: String,
    pub title: String,
    pub status: String,
}

/// One axis of an item with its values, each linked to its list.
pub struct ClassLine {
    pub axis: Label,
    pub values: Vec<(Label, String)>,
}

/// A filter: an axis with a link per value, its item count, and whether it
/// is the list shown.
pub struct Filter {
    pub axis: Label,
    pub values: Vec<(String, Label, usize, bool)>,
}

#[derive(Template)]
#[template(path = "site/items.html")]
struct ItemsPage {
    f: Frame,
    heading: String,
    /// The axis and value of a filtered list; none on the whole list.
    filtered_by: Option<(Label, Label)>,
    /// What the plan says the value means.
    description: String,
    filters: Vec<Filter>,
    items: Vec<ItemLink>,
}

pub struct MatrixBlock {
    pub title: Label,
    pub rows_axis: Label,
    pub columns: Vec<Label>,
    /// Row heading, then per column the items in the cell.
    pub rows: Vec<(Label, Vec<Vec<ItemLink>>)>,
}

pub struct MarkTable {
    pub axis: Label,
    pub values: Vec<Label>,
    /// Item, then per value whether it is marked.
    pub rows: Vec<(ItemLink, Vec<bool>)>,
}

#[derive(Template)]
#[template(path = "site/classifications.html")]
struct ClassificationsPage {
    f: Frame,
    matrices: Vec<MatrixBlock>,
    marks: Vec<MarkTable>,
    flags: Vec<(Label, Vec<ItemLink>)>,
    sdgs: Vec<(String, Vec<ItemLink>)>,
    /// Axes whose values the plan explains: (axis, [(value, text)]).
    explained: Vec<(Label, Vec<(Label, String)>)>,
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
        let e = p.model.item_entry(&p.model.items[i]);
        ItemLink {
            href: format!("{up}items/{}.html", slug(&e.id)),
            label: p.model.full_label(e),
            title: e.title.clone(),
            status: self.status_label(p.report(&e.id, p.fy).and_then(|g| g.status.as_deref())),
        }
    }

    fn item_links(&self, items: &[usize], up: &str) -> Vec<ItemLink> {
        items.iter().map(|&i| self.item_link(i, up)).collect()
    }

    /// Every value (or flag) of an axis as (code, label); a flag's code is
    /// empty.
    fn values_of(&self, a: &gyokaku_domain::Axis) -> Vec<(String, Label)> {
        let lang = self.tr.lang;
        match a.kind {
            AxisKind::Flag => vec![(String::new(), classify::axis_name(lang, a))],
            _ => a
                .values
                .iter()
                .map(|v| (v.code.clone(), classify::value_label(lang, v)))
                .collect(),
        }
    }

    /// The filters of the item list: every axis value some item carries.
    fn filters(&self, up: &str, current: Option<(&str, &str)>) -> Vec<Filter> {
        let p = self.p;
        p.doc
            .header
            .axes
            .iter()
            .filter_map(|a| {
                let values: Vec<_> = self
                    .values_of(a)
                    .into_iter()
                    .map(|(code, label)| {
                        let n = classify::items_with(&p.model, &a.key, &code).len();
                        let here = current == Some((a.key.as_str(), code.as_str()));
                        (format!("{up}{}", list_path(&a.key, &code)), label, n, here)
                    })
                    .filter(|v| v.2 > 0)
                    .collect();
                (!values.is_empty()).then(|| Filter {
                    axis: classify::axis_name(self.tr.lang, a),
                    values,
                })
            })
            .collect()
    }

    /// `items.html` and one list per axis value, as (path, HTML).
    pub(super) fn item_lists(&self) -> Result<Vec<(String, String)>, PublishError> {
        let (p, tr) = (self.p, self.tr);
        let all: Vec<usize> = (0..p.model.items.len()).collect();
        let mut out = vec![(
            "items.html".to_string(),
            ItemsPage {
                f: self.frame(tr.s("item_list").to_string(), "", "items.html"),
                heading: tr.s("item_list").to_string(),
                filtered_by: None,
                description: String::new(),
                filters: self.filters("", None),
                items: self.item_links(&all, ""),
            }
            .render_page()?,
        )];
        for a in &p.doc.header.axes {
            for (code, label) in self.values_of(a) {
                let members = classify::items_with(&p.model, &a.key, &code);
                if members.is_empty() {
                    continue;
                }
                let path = list_path(&a.key, &code);
                let axis = classify::axis_name(tr.lang, a);
                let title = format!("{} — {}: {}", tr.s("item_list"), axis.text, label.text);
                let page = ItemsPage {
                    f: self.frame(title, "../../", &path),
                    heading: tr.s("item_list").to_string(),
                    filtered_by: Some((axis, label)),
                    description: a
                        .values
                        .iter()
                        .find(|v| v.code == code)
                        .and_then(|v| v.description.clone())
                        .unwrap_or_default(),
                    filters: self.filters("../../", Some((&a.key, &code))),
                    items: self.item_links(&members, "../../"),
                };
                out.push((path, page.render_page()?));
            }
        }
        Ok(out)
    }

    /// Whether the plan places items anywhere (axes, flags or SDGs): the
    /// classification page exists.
    pub(super) fn has_classifications(&self) -> bool {
        self.has_classes
    }

    fn matrix_blocks(&self) -> Vec<MatrixBlock> {
        let lang = self.tr.lang;
        classify::matrices(&self.p.model)
            .into_iter()
            .map(|m| MatrixBlock {
                title: m.title(lang),
                rows_axis: classify::axis_name(lang, m.rows_axis),
                columns: m
                    .columns_axis
                    .values
                    .iter()
                    .map(|v| classify::value_label(lang, v))
                    .collect(),
                rows: m
                    .rows_axis
                    .values
                    .iter()
                    .zip(&m.cells)
                    .map(|(v, cells)| {
                        let cells = cells.iter().map(|c| self.item_links(c, "")).collect();
                        (classify::value_label(lang, v), cells)
                    })
                    .collect(),
            })
            .collect()
    }

    fn mark_tables(&self) -> Vec<MarkTable> {
        let (p, lang) = (self.p, self.tr.lang);
        classify::mark_tables(&p.model)
            .into_iter()
            .map(|t| MarkTable {
                axis: classify::axis_name(lang, t.axis),
                values: t
                    .axis
                    .values
                    .iter()
                    .map(|v| classify::value_label(lang, v))
                    .collect(),
                rows: t
                    .marks
                    .into_iter()
                    .enumerate()
                    .map(|(i, marks)| (self.item_link(i, ""), marks))
                    .collect(),
            })
            .collect()
    }

    pub(super) fn classifications_page(&self) -> Result<String, PublishError> {
        let (p, tr) = (self.p, self.tr);
        let flags = classify::flag_lists(&p.model)
            .into_iter()
            .map(|(a, items)| (classify::axis_name(tr.lang, a), self.item_links(&items, "")))
            .collect();
        let sdgs = classify::sdg_lists(&p.model)
            .into_iter()
            .map(|(g, items)| (present::sdg(tr.lang, g), self.item_links(&items, "")))
            .collect();
        ClassificationsPage {
            f: self.frame(
                tr.s("classifications").to_string(),
                "",
                "classifications.html",
            ),
            matrices: self.matrix_blocks(),
            marks: self.mark_tables(),
            flags,
            sdgs,
            explained: classify::explained(&p.model)
                .into_iter()
                .map(|(a, values)| {
                    let values = values
                        .into_iter()
                        .map(|(v, text)| (classify::value_label(tr.lang, v), text.to_string()))
                        .collect();
                    (classify::axis_name(tr.lang, a), values)
                })
                .collect(),
        }
        .render_page()
    }

    /// The classification block of an item page: each axis with its
    /// values (linked to their lists), then the SDGs.
    pub(super) fn class_lines(&self, it: &Item) -> Vec<ClassLine> {
        let (p, lang) = (self.p, self.tr.lang);
        let mut out: Vec<ClassLine> = classify::by_axis(&p.model, it)
            .into_iter()
            .map(|(axis, placements)| ClassLine {
                axis: classify::axis_name(lang, axis),
                values: placements
                    .iter()
                    .map(|pl| {
                        let code = pl.value.map_or("", |v| v.code.as_str());
                        (pl.label(lang), format!("../{}", list_path(&axis.key, code)))
                    })
                    .collect(),
            })
            .collect();
        if !it.sdgs.is_empty() {
            out.push(ClassLine {
                axis: Label::new("SDGs", lang),
                values: it
                    .sdgs
                    .iter()
                    .map(|g| (Label::new(present::sdg(lang, *g), lang), String::new()))
                    .collect(),
            });
        }
        out
    }

    /// A node's numbers in the plan's other numberings, as (numbering,
    /// number).
    pub(super) fn other_numbers(&self, n: &Node) -> Vec<(Label, String)> {
        let lang = self.tr.lang;
        self.p
            .doc
            .header
            .numberings
            .iter()
            .filter_map(|k| {
                let name = present::label(lang, &k.name, k.name_en.as_deref());
                n.numbers.get(&k.key).map(|v| (name, v.clone()))
            })
            .collect()
    }
}
