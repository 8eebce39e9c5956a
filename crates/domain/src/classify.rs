//! Where the plan places its items: each item's values on the plan's
//! classification axes (in the plan's order, inherited from the nodes above
//! it), the matrices of two single axes, the ○ tables of multi-valued axes.
//! Every output (site, open data, workbook, PDF) shows these, so they are
//! computed once here from the read model.

use crate::plan::{Axis, AxisKind, AxisValue, Matrix};
use crate::present::{self, Label, Lang};
use crate::state::{Item, PlanModel};

/// One value an item carries on one axis (a flag axis carries no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement<'a> {
    pub axis: &'a Axis,
    /// `None` for a flag.
    pub value: Option<&'a AxisValue>,
}

impl Placement<'_> {
    /// The value as the plan prints it, `(1) 市民ニーズ`; a flag as
    /// 該当 (Marked).
    pub fn printed(&self, lang: Lang) -> String {
        self.label(lang).text
    }

    /// [`Placement::printed`] with the language it is in.
    pub fn label(&self, lang: Lang) -> Label {
        match self.value {
            Some(v) => value_label(lang, v),
            None => Label::new(present::flag_mark(lang), lang),
        }
    }
}

/// An axis's name in `lang` where the plan gives one.
pub fn axis_name(lang: Lang, axis: &Axis) -> Label {
    present::label(lang, &axis.name, axis.name_en.as_deref())
}

/// [`printed_value`] with the language it is in.
pub fn value_label(lang: Lang, v: &AxisValue) -> Label {
    let label = present::label(lang, &v.label, v.label_en.as_deref());
    match &v.number {
        Some(n) => Label::new(format!("{n} {}", label.text), label.lang),
        None => label,
    }
}

/// An item's placements grouped by axis, axes in the plan's order.
pub fn by_axis<'a>(model: &'a PlanModel, item: &Item) -> Vec<(&'a Axis, Vec<Placement<'a>>)> {
    let mut out: Vec<(&Axis, Vec<Placement>)> = Vec::new();
    for p in placements(model, item) {
        match out.last_mut() {
            Some((a, list)) if a.key == p.axis.key => list.push(p),
            _ => out.push((p.axis, vec![p])),
        }
    }
    out
}

/// An axis value with its printed number: `(1) 市民ニーズ`; in English
/// the English label where the plan gives one.
pub fn printed_value(lang: Lang, v: &AxisValue) -> String {
    let label = lang.pick(&v.label, v.label_en.as_deref());
    match &v.number {
        Some(n) => format!("{n} {label}"),
        None => label.to_string(),
    }
}

/// An item's placements, axis by axis in the plan's order, values in the
/// axis's order. Marks that name no known axis or value are left out (the
/// plan check reports them).
pub fn placements<'a>(model: &'a PlanModel, item: &Item) -> Vec<Placement<'a>> {
    let mut out = Vec::new();
    for axis in &model.doc.header.axes {
        match axis.kind {
            AxisKind::Flag => {
                if item.tags.iter().any(|t| t == &axis.key) {
                    out.push(Placement { axis, value: None });
                }
            }
            AxisKind::Single | AxisKind::Multi => {
                for v in &axis.values {
                    if has(item, &axis.key, &v.code) {
                        out.push(Placement {
                            axis,
                            value: Some(v),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Whether an item carries a value (or, with `code` empty, a flag).
pub fn has(item: &Item, axis: &str, code: &str) -> bool {
    item.tags.iter().any(|t| match t.split_once(':') {
        Some((a, c)) => a == axis && c == code,
        None => code.is_empty() && t == axis,
    })
}

/// Whether an item carries any value on an axis.
pub fn placed_on(item: &Item, axis: &str) -> bool {
    item.tags
        .iter()
        .any(|t| t.split_once(':').is_some_and(|(a, _)| a == axis))
}

/// The items (indices into `model.items`) carrying a value, in reading
/// order.
pub fn items_with(model: &PlanModel, axis: &str, code: &str) -> Vec<usize> {
    (0..model.items.len())
        .filter(|&i| has(&model.items[i], axis, code))
        .collect()
}

/// A matrix as the plan prints it: rows of one axis × columns of another,
/// each cell the items placed there.
#[derive(Debug, Clone)]
pub struct MatrixTable<'a> {
    pub matrix: &'a Matrix,
    pub rows_axis: &'a Axis,
    pub columns_axis: &'a Axis,
    /// `cells[row][column]`: item indices in reading order.
    pub cells: Vec<Vec<Vec<usize>>>,
}

impl MatrixTable<'_> {
    /// Its title as the plan gives it, else `rows × columns`.
    pub fn title(&self, lang: Lang) -> Label {
        match &self.matrix.title {
            Some(t) => present::label(lang, t, self.matrix.title_en.as_deref()),
            None => {
                let (r, c) = (
                    axis_name(lang, self.rows_axis),
                    axis_name(lang, self.columns_axis),
                );
                let both = if r.lang == c.lang { r.lang } else { Lang::Ja };
                Label::new(format!("{} × {}", r.text, c.text), both)
            }
        }
    }
}

/// The flag axes some item carries, each with its items (indices into
/// `model.items`, in reading order).
pub fn flag_lists(model: &PlanModel) -> Vec<(&Axis, Vec<usize>)> {
    model
        .doc
        .header
        .axes
        .iter()
        .filter(|a| a.kind == AxisKind::Flag)
        .map(|a| (a, items_with(model, &a.key, "")))
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

/// The plan's declared matrices whose axes exist (the check refuses the
/// others).
pub fn matrices(model: &PlanModel) -> Vec<MatrixTable<'_>> {
    let h = &model.doc.header;
    h.matrices
        .iter()
        .filter_map(|m| {
            let rows_axis = h.axes.iter().find(|a| a.key == m.rows)?;
            let columns_axis = h.axes.iter().find(|a| a.key == m.columns)?;
            let cells = rows_axis
                .values
                .iter()
                .map(|r| {
                    columns_axis
                        .values
                        .iter()
                        .map(|c| {
                            (0..model.items.len())
                                .filter(|&i| {
                                    let it = &model.items[i];
                                    has(it, &m.rows, &r.code) && has(it, &m.columns, &c.code)
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect();
            Some(MatrixTable {
                matrix: m,
                rows_axis,
                columns_axis,
                cells,
            })
        })
        .collect()
}

/// The multi-valued axes (苫小牧's 7 themes), printed as a ○ table of
/// items × values; axes no item uses are left out.
pub fn mark_tables(model: &PlanModel) -> Vec<MarkTable<'_>> {
    model
        .doc
        .header
        .axes
        .iter()
        .filter(|a| a.kind == AxisKind::Multi)
        .filter(|a| model.items.iter().any(|it| placed_on(it, &a.key)))
        .map(|axis| MarkTable {
            axis,
            marks: model
                .items
                .iter()
                .map(|it| {
                    axis.values
                        .iter()
                        .map(|v| has(it, &axis.key, &v.code))
                        .collect()
                })
                .collect(),
        })
        .collect()
}

/// A ○ table: per item (in `model.items` order), per value of the axis,
/// whether the item is marked.
#[derive(Debug, Clone)]
pub struct MarkTable<'a> {
    pub axis: &'a Axis,
    pub marks: Vec<Vec<bool>>,
}

/// The axes whose values the plan explains, each with those values and
/// what the plan says they mean.
pub fn explained(model: &PlanModel) -> Vec<(&Axis, Vec<(&AxisValue, &str)>)> {
    model
        .doc
        .header
        .axes
        .iter()
        .map(|a| {
            let values = a
                .values
                .iter()
                .filter_map(|v| Some((v, v.description.as_deref()?)))
                .collect::<Vec<_>>();
            (a, values)
        })
        .filter(|(_, values)| !values.is_empty())
        .collect()
}

/// Each SDG some item relates to (1–17, in order), with its items
/// (indices into `model.items`, in reading order).
pub fn sdg_lists(model: &PlanModel) -> Vec<(u8, Vec<usize>)> {
    (1..=17u8)
        .map(|g| {
            let items = (0..model.items.len())
                .filter(|&i| model.items[i].sdgs.contains(&g))
                .collect::<Vec<_>>();
            (g, items)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::*;

    /// A policy with three items on a matrix of two axes, a multi axis
    /// and a flag (also used by the diff's tests).
    pub(crate) fn doc() -> PlanDocument {
        let header = header();
        let item = |id: &str, n: u32, axes: &[(&str, AxisMark)]| Node {
            retired: None,
            id: id.into(),
            level: "item".into(),
            number: Some(n),
            numbers: Default::default(),
            title: format!("取組{id}"),
            title_en: None,
            body: None,
            sections: Default::default(),
            departments: vec![],
            axes: axes
                .iter()
                .map(|(k, m)| (k.to_string(), m.clone()))
                .collect(),
            sdgs: vec![],
            period: None,
            schedule: Default::default(),
            note: None,
            children: vec![],
        };
        let codes = |c: &[&str]| AxisMark::Codes(c.iter().map(|s| s.to_string()).collect());
        let mut policy = item("p1", 1, &[("key", AxisMark::Flag(true))]);
        policy.level = "policy".into();
        policy.children = vec![
            item(
                "1-1",
                1,
                &[
                    ("field", codes(&["b"])),
                    ("how", codes(&["x"])),
                    ("theme", codes(&["t2", "t1"])),
                ],
            ),
            item(
                "1-2",
                2,
                &[("field", codes(&["a"])), ("how", codes(&["x"]))],
            ),
            item(
                "1-3",
                3,
                &[("field", codes(&["b"])), ("how", codes(&["x"]))],
            ),
        ];
        PlanDocument {
            header,
            organisation: Organisation::default(),
            nodes: vec![policy],
            indicators: vec![],
            glossary: vec![],
            fiscal: vec![],
            progress: vec![],
            indicator_values: vec![],
        }
    }

    /// Two single axes declared as a matrix, a multi axis and a flag.
    fn header() -> PlanHeader {
        let axis =
            |key: &str, name: &str, kind: AxisKind, values: &[(&str, Option<&str>, &str)]| Axis {
                key: key.into(),
                name: name.into(),
                name_en: None,
                kind,
                values: values
                    .iter()
                    .map(|(c, n, l)| AxisValue {
                        code: c.to_string(),
                        number: n.map(str::to_string),
                        label: l.to_string(),
                        label_en: None,
                        description: None,
                    })
                    .collect(),
            };
        let level = |key: &str, name: &str| Level {
            key: key.into(),
            name: Some(name.into()),
            name_en: None,
            numbering: crate::numbers::Numbering::Arabic,
            prefix: None,
            items: false,
        };
        serde_json::from_value(serde_json::json!({
            "format": FORMAT,
            "city": {"code": "999997", "name": "試験市", "prefecture": "試験県"},
            "plan": {"id": "m", "title": "試験計画"},
            "levels": [level("policy", "方針"), level("item", "取組")],
            "axes": [
                axis("field", "分野", AxisKind::Single, &[("a", Some("(1)"), "組織"), ("b", Some("(2)"), "財政")]),
                axis("how", "手法", AxisKind::Single, &[("x", None, "見直し"), ("y", None, "新規")]),
                axis("theme", "テーマ", AxisKind::Multi, &[("t1", None, "協働"), ("t2", None, "DX")]),
                axis("key", "重点", AxisKind::Flag, &[]),
            ],
            "matrices": [{"rows": "field", "columns": "how"}],
        }))
        .expect("header")
    }

    #[test]
    fn placements_follow_the_plans_order_and_inherit_flags() {
        let model = PlanModel::new(doc());
        let it = model.item("1-1").unwrap();
        let printed: Vec<String> = placements(&model, it)
            .iter()
            .map(|p| format!("{}={}", p.axis.key, p.printed(Lang::Ja)))
            .collect();
        // Field, how, theme in axis order (t1 before t2 though the node
        // lists t2 first), then the policy's flag.
        assert_eq!(
            printed,
            [
                "field=(2) 財政",
                "how=見直し",
                "theme=協働",
                "theme=DX",
                "key=該当"
            ]
        );
    }

    #[test]
    fn a_matrix_puts_each_item_in_its_cell() {
        let model = PlanModel::new(doc());
        let m = matrices(&model);
        assert_eq!(m.len(), 1);
        let ids = |cell: &Vec<usize>| -> Vec<String> {
            cell.iter().map(|&i| model.items[i].id.clone()).collect()
        };
        assert_eq!(ids(&m[0].cells[0][0]), ["1-2"]);
        assert_eq!(ids(&m[0].cells[1][0]), ["1-1", "1-3"]);
        assert!(m[0].cells[0][1].is_empty() && m[0].cells[1][1].is_empty());
        assert_eq!(mark_tables(&model).len(), 1);
        assert_eq!(items_with(&model, "theme", "t1"), [0]);
    }
}
