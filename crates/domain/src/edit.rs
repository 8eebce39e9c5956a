//! Edits the reform office makes to a draft revision of its plan, one at a
//! time: change a node (its text, number, place in the tree, departments),
//! add one, retire one (with everything beneath it) or bring one back. Each
//! edit is checked against the whole plan before it is applied; a refused
//! edit changes nothing and names the field at fault, in Japanese and
//! English.

use std::collections::HashSet;

use crate::indicator::{Baseline, IndicatorKind, Target};
use crate::plan::{find_node_mut, walk_nodes, Indicator, Node, PlanDocument, Retirement};
use crate::text::Message;

/// The longest title or id an edit accepts (characters).
pub const MAX_TITLE: usize = 200;
pub const MAX_ID: usize = 64;
/// The longest body or note an edit accepts (characters).
pub const MAX_TEXT: usize = 20_000;

/// A node's fields as the office edits them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct NodeFields {
    pub title: String,
    pub title_en: Option<String>,
    pub body: Option<String>,
    pub number: Option<u32>,
    /// The node it sits under; `None` at the top.
    pub parent: Option<String>,
    pub departments: Vec<String>,
    pub note: Option<String>,
    /// SDGs (1–17) the node relates to.
    pub sdgs: Vec<u8>,
    /// The yearly plan: what is to be done in each fiscal year.
    pub schedule: std::collections::BTreeMap<crate::wareki::FiscalYear, String>,
    /// The text sections by the plan's section key; `None` leaves them.
    pub sections: Option<std::collections::BTreeMap<String, String>>,
    /// The marks on the plan's axes; `None` leaves them.
    pub axes: Option<std::collections::BTreeMap<String, crate::plan::AxisMark>>,
}

impl NodeFields {
    /// A node's fields as they stand, with the id of its parent.
    pub fn of(n: &Node, parent: Option<&str>) -> NodeFields {
        NodeFields {
            title: n.title.clone(),
            title_en: n.title_en.clone(),
            body: n.body.clone(),
            number: n.number,
            parent: parent.map(str::to_string),
            departments: n.departments.clone(),
            note: n.note.clone(),
            sdgs: n.sdgs.clone(),
            schedule: n.schedule.clone(),
            sections: Some(n.sections.clone()),
            axes: Some(n.axes.clone()),
        }
    }
}

/// An indicator's fields as the office edits them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndicatorFields {
    /// The node it measures; `None` for the whole plan.
    pub node: Option<String>,
    pub kind: IndicatorKind,
    pub name: String,
    pub unit: Option<String>,
    pub definition: Option<String>,
    pub source: Option<String>,
    pub cumulative: bool,
    pub challenge: bool,
    pub baseline: Option<Baseline>,
    pub target: Option<Target>,
    pub note: Option<String>,
}

impl IndicatorFields {
    pub fn of(i: &Indicator) -> IndicatorFields {
        IndicatorFields {
            node: i.node.clone(),
            kind: i.kind,
            name: i.name.clone(),
            unit: i.unit.clone(),
            definition: i.definition.clone(),
            source: i.source.clone(),
            cumulative: i.cumulative,
            challenge: i.challenge,
            baseline: i.baseline.clone(),
            target: i.target.clone(),
            note: i.note.clone(),
        }
    }
}

/// One edit of a draft (serialised as the audit log records it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum Edit {
    /// Change a node: its text, number, parent and departments.
    Change { id: String, fields: NodeFields },
    /// Add a node of `level` at the end of its parent's children.
    Add {
        id: String,
        level: String,
        fields: NodeFields,
    },
    /// Retire a node and everything beneath it.
    Retire { id: String, retirement: Retirement },
    /// Bring a retired node (and what was retired with it) back.
    Restore { id: String },
    /// Change an indicator: what it measures, its baseline and target.
    ChangeIndicator { id: String, fields: IndicatorFields },
    /// Add an indicator at the end of the list.
    AddIndicator { id: String, fields: IndicatorFields },
    /// Retire an indicator (its actuals stay).
    RetireIndicator { id: String, retirement: Retirement },
    /// The organisation, glossary, scale, levels, axes, bodies or meetings.
    Setting { setting: crate::settings::Setting },
}

fn check_indicator(doc: &PlanDocument, f: &IndicatorFields) -> Result<(), FieldError> {
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > MAX_TITLE {
        return Err(refuse(
            "name",
            format!("指標名を{MAX_TITLE}文字以内で入力してください"),
            format!("enter the indicator's name, at most {MAX_TITLE} characters"),
        ));
    }
    if let Some(node_id) = &f.node {
        let (n, _) = node(doc, node_id).map_err(|mut e| {
            e.field = "node";
            e
        })?;
        if n.retired.is_some() {
            return Err(refuse(
                "node",
                format!("項目「{node_id}」は廃止・統合されています"),
                format!("node '{node_id}' is retired"),
            ));
        }
    }
    if let Some(b) = &f.baseline {
        if b.value.is_some() && b.pending.is_some() {
            return Err(refuse(
                "baseline_value",
                "基準値は数値か未定の書き方のどちらか一方を入力してください",
                "give the baseline as a value or as pending text, not both",
            ));
        }
    }
    if let Some(t) = &f.target {
        if t.kind.needs_value() && t.value.is_none() {
            return Err(refuse(
                "target_value",
                "この種類の目標には目標値（数値）が必要です",
                "a target of this kind needs a value",
            ));
        }
    }
    Ok(())
}

fn set_indicator(i: &mut Indicator, f: &IndicatorFields) {
    let clean = |s: &Option<String>| s.clone().filter(|t| !t.trim().is_empty());
    i.node = f.node.clone();
    i.kind = f.kind;
    i.name = f.name.trim().to_string();
    i.unit = clean(&f.unit);
    i.definition = clean(&f.definition);
    i.source = clean(&f.source);
    i.cumulative = f.cumulative;
    i.challenge = f.challenge;
    i.baseline = f.baseline.clone();
    i.target = f.target.clone();
    i.note = clean(&f.note);
}

fn indicator_at(doc: &PlanDocument, id: &str) -> Result<usize, FieldError> {
    doc.indicators
        .iter()
        .position(|i| i.id == id)
        .ok_or_else(|| {
            refuse(
                "id",
                format!("指標「{id}」はこの計画にありません"),
                format!("indicator '{id}' is not in this plan"),
            )
        })
}

/// A refused edit: the form field at fault and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: Message,
}

/// A refusal naming its field.
pub(crate) fn refuse(
    field: &'static str,
    ja: impl Into<String>,
    en: impl Into<String>,
) -> FieldError {
    FieldError {
        field,
        message: Message::new(ja, en),
    }
}

/// Takes a node (with its subtree) out of the tree.
fn take(nodes: &mut Vec<Node>, id: &str) -> Option<Node> {
    if let Some(i) = nodes.iter().position(|n| n.id == id) {
        return Some(nodes.remove(i));
    }
    nodes.iter_mut().find_map(|n| take(&mut n.children, id))
}

/// The ids of a node and every node beneath it.
fn subtree(n: &Node) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![n];
    while let Some(m) = stack.pop() {
        out.insert(m.id.clone());
        stack.extend(m.children.iter());
    }
    out
}

fn check_text(f: &NodeFields) -> Result<(), FieldError> {
    let title = f.title.trim();
    if title.is_empty() {
        return Err(refuse("title", "名称を入力してください", "enter a title"));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(refuse(
            "title",
            format!("名称は{MAX_TITLE}文字以内です"),
            format!("a title has at most {MAX_TITLE} characters"),
        ));
    }
    let mut goals = HashSet::new();
    if let Some(g) = f
        .sdgs
        .iter()
        .find(|g| !(1..=17).contains(*g) || !goals.insert(**g))
    {
        return Err(refuse(
            "sdgs",
            format!("SDGs の目標番号は 1〜17 で重複なしです（{g}）"),
            format!("SDG goals are 1-17 without repeats ({g})"),
        ));
    }
    if f.schedule.values().any(|t| t.chars().count() > MAX_TEXT) {
        return Err(refuse(
            "schedule",
            format!("年次計画は1年度{MAX_TEXT}文字以内です"),
            format!("a year's plan has at most {MAX_TEXT} characters"),
        ));
    }
    if f.sections
        .iter()
        .flatten()
        .any(|(_, t)| t.chars().count() > MAX_TEXT)
    {
        return Err(refuse(
            "sections",
            format!("{MAX_TEXT}文字以内で入力してください"),
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    for (field, text) in [
        ("body", &f.body),
        ("note", &f.note),
        ("title_en", &f.title_en),
    ] {
        if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
            return Err(refuse(
                field,
                format!("{MAX_TEXT}文字以内で入力してください"),
                format!("at most {MAX_TEXT} characters"),
            ));
        }
    }
    Ok(())
}

/// Where `level` may sit: top-level nodes are of the first level, a child's
/// level comes after its parent's.
fn check_level(doc: &PlanDocument, level: &str, parent: Option<&Node>) -> Result<(), FieldError> {
    let index = |key: &str| doc.header.levels.iter().position(|l| l.key == key);
    let Some(li) = index(level) else {
        return Err(refuse(
            "level",
            format!("階層「{level}」はこの計画にありません"),
            format!("level '{level}' is not in this plan"),
        ));
    };
    let ok = match parent {
        None => li == 0,
        Some(p) => index(&p.level).is_none_or(|pl| li > pl),
    };
    if ok {
        Ok(())
    } else {
        let name = |i: usize| {
            doc.header.levels[i]
                .name
                .clone()
                .unwrap_or_else(|| doc.header.levels[i].key.clone())
        };
        Err(refuse(
            "parent",
            format!(
                "「{}」の項目はこの位置に置けません（上位の階層を選んでください）",
                name(li)
            ),
            format!(
                "a node of level '{}' cannot sit here (choose a node of a level above)",
                name(li)
            ),
        ))
    }
}

fn check_departments(doc: &PlanDocument, depts: &[String]) -> Result<(), FieldError> {
    let known: HashSet<String> = doc
        .organisation
        .flatten()
        .into_iter()
        .map(|(d, _)| d.id.clone())
        .collect();
    let mut seen = HashSet::new();
    for d in depts {
        if !known.contains(d) {
            return Err(refuse(
                "departments",
                format!("部署「{d}」はこの計画の組織にありません"),
                format!("department '{d}' is not in this plan's organisation"),
            ));
        }
        if !seen.insert(d) {
            return Err(refuse(
                "departments",
                format!("部署「{d}」が重複しています"),
                format!("department '{d}' is given twice"),
            ));
        }
    }
    Ok(())
}

/// A number no sibling still reported on carries already.
fn check_number(siblings: &[Node], id: &str, number: Option<u32>) -> Result<(), FieldError> {
    let Some(n) = number else { return Ok(()) };
    match siblings
        .iter()
        .find(|s| s.id != id && s.retired.is_none() && s.number == Some(n))
    {
        Some(s) => Err(refuse(
            "number",
            format!(
                "番号 {n} は同じ階層の「{}」（{}）と重複しています",
                s.title, s.id
            ),
            format!(
                "number {n} is already that of sibling '{}' ({})",
                s.title, s.id
            ),
        )),
        None => Ok(()),
    }
}

/// The children of `parent` (the top when `None`), or an error naming it.
fn siblings<'a>(doc: &'a PlanDocument, parent: Option<&str>) -> Result<&'a [Node], FieldError> {
    match parent {
        None => Ok(&doc.nodes),
        Some(p) => walk_nodes(&doc.nodes)
            .into_iter()
            .find(|(n, _, _)| n.id == p)
            .map(|(n, _, _)| n.children.as_slice())
            .ok_or_else(|| {
                refuse(
                    "parent",
                    format!("上位の項目「{p}」はこの計画にありません"),
                    format!("parent node '{p}' is not in this plan"),
                )
            }),
    }
}

fn node<'a>(doc: &'a PlanDocument, id: &str) -> Result<(&'a Node, Option<&'a Node>), FieldError> {
    walk_nodes(&doc.nodes)
        .into_iter()
        .find(|(n, _, _)| n.id == id)
        .map(|(n, _, p)| (n, p))
        .ok_or_else(|| {
            refuse(
                "id",
                format!("項目「{id}」はこの計画にありません"),
                format!("node '{id}' is not in this plan"),
            )
        })
}

fn parent_node<'a>(
    doc: &'a PlanDocument,
    parent: Option<&str>,
) -> Result<Option<&'a Node>, FieldError> {
    parent
        .map(|p| {
            node(doc, p).map(|(n, _)| n).map_err(|mut e| {
                e.field = "parent";
                e
            })
        })
        .transpose()
}

fn set_fields(n: &mut Node, f: &NodeFields) {
    n.title = f.title.trim().to_string();
    n.title_en = f.title_en.clone().filter(|t| !t.trim().is_empty());
    n.body = f.body.clone().filter(|t| !t.trim().is_empty());
    n.number = f.number;
    n.departments = f.departments.clone();
    n.note = f.note.clone().filter(|t| !t.trim().is_empty());
    n.sdgs = f.sdgs.clone();
    n.schedule = f
        .schedule
        .iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(y, t)| (*y, t.trim().to_string()))
        .collect();
    if let Some(s) = &f.sections {
        n.sections = s
            .iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(k, t)| (k.clone(), t.trim_end().to_string()))
            .collect();
    }
    if let Some(a) = &f.axes {
        // A form cannot tell "no mark" from a stored `false` or empty list,
        // nor the stored order of the same codes: those stay as stored.
        let old = std::mem::take(&mut n.axes);
        n.axes = a.clone();
        for (k, v) in old {
            let empty = matches!(&v, crate::plan::AxisMark::Flag(false))
                || matches!(&v, crate::plan::AxisMark::Codes(c) if c.is_empty());
            match (n.axes.get(&k), &v) {
                (None, _) if empty => {
                    n.axes.insert(k, v);
                }
                (Some(crate::plan::AxisMark::Codes(new)), crate::plan::AxisMark::Codes(stored))
                    if new.len() == stored.len() && new.iter().all(|c| stored.contains(c)) =>
                {
                    n.axes.insert(k, v);
                }
                _ => {}
            }
        }
    }
}

/// Sections the plan defines and marks its axes allow.
fn check_marks(doc: &PlanDocument, f: &NodeFields) -> Result<(), FieldError> {
    use crate::plan::{AxisKind, AxisMark};
    for k in f.sections.iter().flatten().map(|(k, _)| k) {
        if !doc.header.sections.iter().any(|s| &s.key == k) {
            return Err(refuse(
                "sections",
                format!("記述欄「{k}」はこの計画にありません"),
                format!("section '{k}' is not in this plan"),
            ));
        }
    }
    for (k, mark) in f.axes.iter().flatten() {
        let Some(axis) = doc.header.axes.iter().find(|a| &a.key == k) else {
            return Err(refuse(
                "axes",
                format!("分類「{k}」はこの計画にありません"),
                format!("axis '{k}' is not in this plan"),
            ));
        };
        let ok = match (axis.kind, mark) {
            (AxisKind::Flag, AxisMark::Flag(_)) => true,
            (AxisKind::Single, AxisMark::Codes(c)) if c.len() > 1 => false,
            (AxisKind::Multi | AxisKind::Single, AxisMark::Codes(c)) => {
                c.iter().all(|c| axis.values.iter().any(|v| &v.code == c))
            }
            _ => false,
        };
        if !ok {
            return Err(refuse(
                "axes",
                format!("「{}」の印がこの分類の値と合いません", axis.name),
                format!("the marks on '{}' do not fit its values", axis.name),
            ));
        }
    }
    Ok(())
}

/// Puts `n` at the end of `parent`'s children (the top when `None`).
fn attach(doc: &mut PlanDocument, parent: Option<&str>, n: Node) {
    match parent.and_then(|p| find_node_mut(&mut doc.nodes, p)) {
        Some(p) => p.children.push(n),
        None => doc.nodes.push(n),
    }
}

/// Applies one edit to `doc`, or refuses it and leaves `doc` as it was.
pub fn apply(doc: &mut PlanDocument, edit: &Edit) -> Result<(), FieldError> {
    match edit {
        Edit::Setting { setting } => crate::settings::apply(doc, setting),
        Edit::Change { id, fields } => {
            check_text(fields)?;
            check_marks(doc, fields)?;
            check_departments(doc, &fields.departments)?;
            let (n, old_parent) = node(doc, id)?;
            let old_parent = old_parent.map(|p| p.id.clone());
            let new_parent = parent_node(doc, fields.parent.as_deref())?;
            if let Some(p) = new_parent {
                if subtree(n).contains(&p.id) {
                    return Err(refuse(
                        "parent",
                        "項目を自分自身やその下の項目の下へ移すことはできません",
                        "a node cannot move under itself or a node beneath it",
                    ));
                }
            }
            check_level(doc, &n.level, new_parent)?;
            check_number(siblings(doc, fields.parent.as_deref())?, id, fields.number)?;
            if old_parent == fields.parent {
                let n = find_node_mut(&mut doc.nodes, id).ok_or_else(|| refuse("id", "", ""))?;
                set_fields(n, fields);
            } else {
                let mut n = take(&mut doc.nodes, id).ok_or_else(|| refuse("id", "", ""))?;
                set_fields(&mut n, fields);
                attach(doc, fields.parent.as_deref(), n);
            }
            Ok(())
        }
        Edit::Add { id, level, fields } => {
            let id = id.trim();
            if id.is_empty()
                || id.chars().count() > MAX_ID
                || id
                    .chars()
                    .any(|c| c.is_whitespace() || c == '/' || c.is_control())
            {
                return Err(refuse(
                    "id",
                    format!("ID は{MAX_ID}文字以内で、空白と / を含めずに入力してください"),
                    format!("an id has at most {MAX_ID} characters, without spaces or /"),
                ));
            }
            if node(doc, id).is_ok() {
                return Err(refuse(
                    "id",
                    format!("ID「{id}」はすでに使われています（廃止した項目を含む）"),
                    format!("id '{id}' is already used (retired nodes included)"),
                ));
            }
            check_text(fields)?;
            check_marks(doc, fields)?;
            check_departments(doc, &fields.departments)?;
            let parent = parent_node(doc, fields.parent.as_deref())?;
            check_level(doc, level, parent)?;
            check_number(siblings(doc, fields.parent.as_deref())?, id, fields.number)?;
            let mut n = Node::new(id, level.clone());
            set_fields(&mut n, fields);
            attach(doc, fields.parent.as_deref(), n);
            Ok(())
        }
        Edit::Retire { id, retirement } => {
            let (n, _) = node(doc, id)?;
            if n.retired.is_some() {
                return Err(refuse(
                    "id",
                    format!("項目「{id}」はすでに廃止・統合されています"),
                    format!("node '{id}' is retired already"),
                ));
            }
            let gone = subtree(n);
            if let Some(into) = &retirement.into {
                let (target, _) = node(doc, into).map_err(|mut e| {
                    e.field = "into";
                    e
                })?;
                if gone.contains(into) || target.retired.is_some() {
                    return Err(refuse(
                        "into",
                        "統合先には、廃止しない（この項目の下にない）項目を選んでください",
                        "merge into a node that stays (not this one or one beneath it)",
                    ));
                }
            }
            if let Some(ind) = doc
                .indicators
                .iter()
                .find(|i| i.retired.is_none() && i.node.as_ref().is_some_and(|n| gone.contains(n)))
            {
                return Err(refuse(
                    "id",
                    format!(
                        "指標「{}」がこの項目を対象にしています。先に指標を移すか廃止してください",
                        ind.name
                    ),
                    format!(
                        "indicator '{}' measures this node: move or retire it first",
                        ind.name
                    ),
                ));
            }
            let n = find_node_mut(&mut doc.nodes, id).ok_or_else(|| refuse("id", "", ""))?;
            let mut stack = vec![n];
            let mut first = true;
            while let Some(m) = stack.pop() {
                if m.retired.is_none() {
                    m.retired = Some(if first {
                        retirement.clone()
                    } else {
                        Retirement {
                            into: None,
                            ..retirement.clone()
                        }
                    });
                }
                first = false;
                stack.extend(m.children.iter_mut());
            }
            Ok(())
        }
        Edit::ChangeIndicator { id, fields } => {
            let at = indicator_at(doc, id)?;
            check_indicator(doc, fields)?;
            set_indicator(&mut doc.indicators[at], fields);
            Ok(())
        }
        Edit::AddIndicator { id, fields } => {
            let id = id.trim();
            if id.is_empty()
                || id.chars().count() > MAX_ID
                || id
                    .chars()
                    .any(|c| c.is_whitespace() || c == '/' || c.is_control())
            {
                return Err(refuse(
                    "id",
                    format!("ID は{MAX_ID}文字以内で、空白と / を含めずに入力してください"),
                    format!("an id has at most {MAX_ID} characters, without spaces or /"),
                ));
            }
            if doc.indicators.iter().any(|i| i.id == id) {
                return Err(refuse(
                    "id",
                    format!("指標ID「{id}」はすでに使われています（廃止した指標を含む）"),
                    format!("indicator id '{id}' is already used (retired ones included)"),
                ));
            }
            check_indicator(doc, fields)?;
            let mut i = Indicator {
                id: id.to_string(),
                node: None,
                kind: fields.kind,
                name: String::new(),
                definition: None,
                unit: None,
                source: None,
                cumulative: false,
                challenge: false,
                baseline: None,
                target: None,
                note: None,
                retired: None,
            };
            set_indicator(&mut i, fields);
            doc.indicators.push(i);
            Ok(())
        }
        Edit::RetireIndicator { id, retirement } => {
            let at = indicator_at(doc, id)?;
            if doc.indicators[at].retired.is_some() {
                return Err(refuse(
                    "id",
                    format!("指標「{id}」はすでに廃止されています"),
                    format!("indicator '{id}' is retired already"),
                ));
            }
            doc.indicators[at].retired = Some(Retirement {
                into: None,
                ..retirement.clone()
            });
            Ok(())
        }
        Edit::Restore { id } => {
            let (n, parent) = node(doc, id)?;
            if n.retired.is_none() {
                return Err(refuse(
                    "id",
                    format!("項目「{id}」は廃止・統合されていません"),
                    format!("node '{id}' is not retired"),
                ));
            }
            if parent.is_some_and(|p| p.retired.is_some()) {
                return Err(refuse(
                    "id",
                    "上位の項目が廃止・統合されています。先に上位の項目を戻してください",
                    "the node above is retired: restore it first",
                ));
            }
            let siblings = match parent {
                Some(p) => p.children.as_slice(),
                None => doc.nodes.as_slice(),
            };
            check_number(siblings, id, n.number)?;
            let n = find_node_mut(&mut doc.nodes, id).ok_or_else(|| refuse("id", "", ""))?;
            let mut stack = vec![n];
            while let Some(m) = stack.pop() {
                m.retired = None;
                stack.extend(m.children.iter_mut());
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::RetireReason;

    /// A policy with items 1-1 to 1-3 (classify's test plan), and a second
    /// policy with one item.
    fn doc() -> PlanDocument {
        let mut d = crate::classify::tests::doc();
        d.nodes[0].id = "1".into();
        let mut second = d.nodes[0].clone();
        second.id = "2".into();
        second.number = Some(2);
        second.children.truncate(1);
        second.children[0].id = "2-1".into();
        d.nodes.push(second);
        d
    }

    fn change(doc: &PlanDocument, id: &str) -> NodeFields {
        let (n, p) = node(doc, id).unwrap();
        NodeFields::of(n, p.map(|p| p.id.as_str()))
    }

    #[test]
    fn a_node_moves_under_another_policy_and_keeps_its_id() {
        let mut d = doc();
        let mut f = change(&d, "1-2");
        f.parent = Some("2".into());
        f.number = Some(2);
        apply(
            &mut d,
            &Edit::Change {
                id: "1-2".into(),
                fields: f,
            },
        )
        .unwrap();
        assert_eq!(d.nodes[0].children.len(), 2);
        assert_eq!(d.nodes[1].children[1].id, "1-2");
    }

    #[test]
    fn bad_edits_are_refused_and_change_nothing() {
        let before = doc();
        let cases: Vec<(Edit, &str, &str)> = vec![
            // Under its own descendant.
            (
                Edit::Change {
                    id: "1".into(),
                    fields: NodeFields {
                        parent: Some("1-1".into()),
                        ..change(&before, "1")
                    },
                },
                "parent",
                "自分自身やその下",
            ),
            // A number a sibling has.
            (
                Edit::Change {
                    id: "1-2".into(),
                    fields: NodeFields {
                        number: Some(1),
                        ..change(&before, "1-2")
                    },
                },
                "number",
                "番号 1 は同じ階層",
            ),
            // An unknown department.
            (
                Edit::Change {
                    id: "1-1".into(),
                    fields: NodeFields {
                        departments: vec!["存在しない課".into()],
                        ..change(&before, "1-1")
                    },
                },
                "departments",
                "存在しない課",
            ),
            // An item at the top.
            (
                Edit::Change {
                    id: "1-1".into(),
                    fields: NodeFields {
                        parent: None,
                        ..change(&before, "1-1")
                    },
                },
                "parent",
                "この位置に置けません",
            ),
            // An id already used.
            (
                Edit::Add {
                    id: "2-1".into(),
                    level: "item".into(),
                    fields: NodeFields {
                        title: "新しい取組".into(),
                        parent: Some("2".into()),
                        ..Default::default()
                    },
                },
                "id",
                "すでに使われています",
            ),
            // An empty title.
            (
                Edit::Add {
                    id: "2-2".into(),
                    level: "item".into(),
                    fields: NodeFields {
                        title: "  ".into(),
                        parent: Some("2".into()),
                        ..Default::default()
                    },
                },
                "title",
                "名称を入力",
            ),
            // Merged into a node beneath it.
            (
                Edit::Retire {
                    id: "1".into(),
                    retirement: Retirement {
                        last_year: None,
                        reason: Some(RetireReason::Merged),
                        into: Some("1-1".into()),
                        note: None,
                    },
                },
                "into",
                "統合先",
            ),
        ];
        for (edit, field, text) in cases {
            let mut d = before.clone();
            let e = apply(&mut d, &edit).unwrap_err();
            assert_eq!(e.field, field, "{edit:?}");
            assert!(e.message.ja.contains(text), "{}", e.message.ja);
            assert_eq!(d, before, "{edit:?} changed the draft");
        }
    }

    #[test]
    fn indicators_are_added_and_changed_with_their_targets_checked() {
        use crate::indicator::TargetKind;
        let mut d = doc();
        let fields = IndicatorFields {
            node: Some("1-1".into()),
            kind: IndicatorKind::Outcome,
            name: "窓口の待ち時間".into(),
            unit: Some("分".into()),
            definition: None,
            source: None,
            cumulative: false,
            challenge: false,
            baseline: None,
            target: Some(Target {
                fy: None,
                kind: TargetKind::AtMost,
                value: None,
                text: None,
            }),
            note: None,
        };
        let before = d.clone();
        let e = apply(
            &mut d,
            &Edit::AddIndicator {
                id: "wait".into(),
                fields: fields.clone(),
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "target_value");
        assert_eq!(d, before);
        let mut ok = fields.clone();
        ok.target.as_mut().unwrap().value = Some(crate::numbers::Decimal::parse("15").unwrap());
        apply(
            &mut d,
            &Edit::AddIndicator {
                id: "wait".into(),
                fields: ok.clone(),
            },
        )
        .unwrap();
        let e = apply(
            &mut d,
            &Edit::AddIndicator {
                id: "wait".into(),
                fields: ok.clone(),
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "id");
        let elsewhere = IndicatorFields {
            node: Some("9-9".into()),
            ..ok.clone()
        };
        let e = apply(
            &mut d,
            &Edit::ChangeIndicator {
                id: "wait".into(),
                fields: elsewhere,
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "node");
        let tighter = IndicatorFields {
            target: Some(Target {
                value: Some(crate::numbers::Decimal::parse("10").unwrap()),
                ..ok.target.clone().unwrap()
            }),
            ..ok
        };
        apply(
            &mut d,
            &Edit::ChangeIndicator {
                id: "wait".into(),
                fields: tighter,
            },
        )
        .unwrap();
        assert_eq!(
            d.indicators[0]
                .target
                .as_ref()
                .unwrap()
                .value
                .map(|v| v.to_string())
                .as_deref(),
            Some("10")
        );
    }

    #[test]
    fn retiring_takes_the_subtree_and_restoring_brings_it_back() {
        let mut d = doc();
        let r = Retirement {
            last_year: None,
            reason: Some(RetireReason::Merged),
            into: Some("2".into()),
            note: None,
        };
        apply(
            &mut d,
            &Edit::Retire {
                id: "1".into(),
                retirement: r,
            },
        )
        .unwrap();
        assert!(d.nodes[0].retired.as_ref().unwrap().into.is_some());
        assert!(d.nodes[0]
            .children
            .iter()
            .all(|c| c.retired.as_ref().is_some_and(|x| x.into.is_none())));
        // A retired number may be taken again: a new 方針1 under the top.
        apply(
            &mut d,
            &Edit::Add {
                id: "3".into(),
                level: "policy".into(),
                fields: NodeFields {
                    title: "新しい方針".into(),
                    number: Some(1),
                    ..Default::default()
                },
            },
        )
        .unwrap();
        // Bringing 1 back now clashes with the new 方針1.
        let e = apply(&mut d, &Edit::Restore { id: "1".into() }).unwrap_err();
        assert_eq!(e.field, "number");
    }
}
