//! Edits of a draft revision beyond its nodes and indicators: the
//! organisation (a department added, renamed, moved, ended with its
//! successor — a merger or a split — its items following), the glossary,
//! the status scale, the levels' names and numbering, the axes and their
//! values, the promotion bodies and their meetings. Each is checked here
//! field by field; the whole plan is checked again by the store.

use std::collections::{BTreeMap, HashSet};

use crate::edit::{refuse, FieldError, MAX_ID, MAX_TEXT, MAX_TITLE};
use crate::numbers::Numbering;
use crate::plan::{
    walk_nodes, Axis, AxisKind, AxisMark, Body, Department, DepartmentKind, GlossaryTerm, Meeting,
    Node, PlanDocument, StatusLevel,
};
use crate::wareki::PlanDate;

/// A department as the office edits it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DepartmentFields {
    pub name: String,
    pub abbreviation: Option<String>,
    pub kind: DepartmentKind,
    /// The department it belongs to; `None` at the top.
    pub parent: Option<String>,
    /// The day it ended (a reorganisation).
    pub valid_to: Option<PlanDate>,
    /// The department that took over its work.
    pub successor: Option<String>,
    pub note: Option<String>,
    /// Its items are answered for by the successor from now on.
    pub move_items: bool,
}

/// A glossary term as edited; `was` names the term it replaces (its marks
/// in the plan's text follow it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TermFields {
    pub was: Option<String>,
    pub term: String,
    pub reading: Option<String>,
    pub description: String,
    pub note: Option<String>,
}

/// A level's names and numbering (levels themselves are added or removed
/// in the workbook or a folder: every node hangs on them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LevelFields {
    pub key: String,
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub numbering: Numbering,
    pub prefix: Option<String>,
}

/// One edit of the plan's settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Setting {
    /// Add (`new`) or change a department.
    Department {
        id: String,
        new: bool,
        fields: DepartmentFields,
    },
    /// The whole glossary, in order.
    Glossary { terms: Vec<TermFields> },
    /// The whole status scale, best first (empty: none).
    Scale { levels: Vec<StatusLevel> },
    /// The levels' names and numbering.
    Levels { levels: Vec<LevelFields> },
    /// Add, change (`axis` with the same key) or remove (`None`) an axis;
    /// a value still marked on a node cannot go.
    Axis { key: String, axis: Option<Axis> },
    /// The promotion bodies with their members.
    Bodies { bodies: Vec<Body> },
    /// The meetings of those bodies.
    Meetings { meetings: Vec<Meeting> },
}

/// How deep departments may nest.
const MAX_DEPTH: usize = 8;

fn bounded(field: &'static str, text: &str, max: usize, required: bool) -> Result<(), FieldError> {
    let n = text.trim().chars().count();
    if (required && n == 0) || n > max {
        return Err(refuse(
            field,
            if required {
                format!("{max}文字以内で入力してください（空欄にはできません）")
            } else {
                format!("{max}文字以内で入力してください")
            },
            format!(
                "at most {max} characters{}",
                if required { ", not empty" } else { "" }
            ),
        ));
    }
    Ok(())
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn flat(doc: &PlanDocument) -> Vec<(Department, Option<String>)> {
    doc.organisation
        .flatten()
        .into_iter()
        .map(|(d, p)| (d.clone(), p.map(str::to_string)))
        .collect()
}

/// The organisation rebuilt from (department, parent) pairs in order.
fn tree(list: Vec<(Department, Option<String>)>) -> Vec<Department> {
    fn build(
        parent: Option<&str>,
        list: &[(Department, Option<String>)],
        depth: usize,
    ) -> Vec<Department> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        list.iter()
            .filter(|(_, p)| p.as_deref() == parent)
            .map(|(d, _)| {
                let mut d = d.clone();
                d.children = build(Some(&d.id), list, depth + 1);
                d
            })
            .collect()
    }
    build(None, &list, 0)
}

fn rename_departments(nodes: &mut [Node], from: &str, to: &str) {
    for n in nodes {
        if let Some(i) = n.departments.iter().position(|d| d == from) {
            if n.departments.iter().any(|d| d == to) {
                n.departments.remove(i);
            } else {
                n.departments[i] = to.to_string();
            }
        }
        rename_departments(&mut n.children, from, to);
    }
}

fn department(
    doc: &mut PlanDocument,
    id: &str,
    new: bool,
    f: &DepartmentFields,
) -> Result<(), FieldError> {
    let id = id.trim();
    bounded("name", &f.name, MAX_TITLE, true)?;
    bounded(
        "abbreviation",
        f.abbreviation.as_deref().unwrap_or(""),
        20,
        false,
    )?;
    bounded("note", f.note.as_deref().unwrap_or(""), MAX_TEXT, false)?;
    let mut list = flat(doc);
    let exists = list.iter().any(|(d, _)| d.id == id);
    if new {
        if id.is_empty()
            || id == "new"
            || id.chars().count() > MAX_ID
            || id.chars().any(char::is_control)
        {
            return Err(refuse(
                "id",
                format!("ID は{MAX_ID}文字以内で入力してください（例: 総務部/総務課）"),
                format!("an id has at most {MAX_ID} characters (e.g. 総務部/総務課)"),
            ));
        }
        if exists {
            return Err(refuse(
                "id",
                format!("ID「{id}」の部署はすでにあります"),
                format!("department '{id}' exists already"),
            ));
        }
    } else if !exists {
        return Err(refuse(
            "id",
            format!("部署「{id}」はこの計画の組織にありません"),
            format!("department '{id}' is not in this plan's organisation"),
        ));
    }
    let known = |x: &str| list.iter().any(|(d, _)| d.id == x);
    if let Some(p) = &f.parent {
        if !known(p) || p == id {
            return Err(refuse(
                "parent",
                format!("上位の部署「{p}」は選べません"),
                format!("'{p}' cannot be the parent"),
            ));
        }
        // Not under one of its own sub-units, and not deeper than a city's
        // organisation goes.
        let mut at = Some(p.clone());
        let mut steps = 0;
        while let Some(x) = at {
            if steps >= MAX_DEPTH {
                return Err(refuse(
                    "parent",
                    format!("部署の階層は{MAX_DEPTH}段までです"),
                    format!("departments nest at most {MAX_DEPTH} deep"),
                ));
            }
            if x == id {
                return Err(refuse(
                    "parent",
                    "部署を自分の下の部署の下へ移すことはできません",
                    "a department cannot move under one of its own units",
                ));
            }
            at = list
                .iter()
                .find(|(d, _)| d.id == x)
                .and_then(|(_, pp)| pp.clone());
            steps += 1;
        }
    }
    if let Some(s) = &f.successor {
        if !known(s) || s == id {
            return Err(refuse(
                "successor",
                format!("後継の部署「{s}」は選べません"),
                format!("'{s}' cannot be the successor"),
            ));
        }
    }
    if f.move_items && f.successor.is_none() {
        return Err(refuse(
            "successor",
            "項目を引き継がせるには後継の部署を選んでください",
            "choose the successor that takes over the items",
        ));
    }
    if f.successor.is_some() && f.valid_to.is_none() {
        return Err(refuse(
            "valid_to",
            "後継の部署を選ぶときは、廃止日を入力してください",
            "a department with a successor needs the day it ended",
        ));
    }
    let mut d = list
        .iter()
        .find(|(d, _)| d.id == id)
        .map(|(d, _)| d.clone())
        .unwrap_or_else(|| Department::new(id, "", f.kind));
    d.name = f.name.trim().to_string();
    d.abbreviation = clean(&f.abbreviation);
    d.kind = f.kind;
    d.valid_to = f.valid_to;
    d.successor = f.successor.clone();
    d.note = clean(&f.note);
    d.children.clear();
    match list.iter().position(|(x, _)| x.id == id) {
        Some(i) => list[i] = (d, f.parent.clone()),
        None => list.push((d, f.parent.clone())),
    }
    doc.organisation.departments = tree(list);
    if let (true, Some(s)) = (f.move_items, &f.successor) {
        rename_departments(&mut doc.nodes, id, s);
    }
    Ok(())
}

fn glossary(doc: &mut PlanDocument, terms: &[TermFields]) -> Result<(), FieldError> {
    let mut out: Vec<GlossaryTerm> = Vec::new();
    for t in terms {
        bounded("term", &t.term, MAX_TITLE, true)?;
        bounded("description", &t.description, MAX_TEXT, true)?;
        bounded(
            "reading",
            t.reading.as_deref().unwrap_or(""),
            MAX_TITLE,
            false,
        )?;
        bounded("note", t.note.as_deref().unwrap_or(""), MAX_TEXT, false)?;
        let term = t.term.trim().to_string();
        if out.iter().any(|g| g.term == term) {
            return Err(refuse(
                "term",
                format!("用語「{term}」が二度あります"),
                format!("term '{term}' is given twice"),
            ));
        }
        let marks = t
            .was
            .as_deref()
            .and_then(|w| doc.glossary.iter().find(|g| g.term == w))
            .map(|g| g.marks.clone())
            .unwrap_or_default();
        out.push(GlossaryTerm {
            term,
            reading: clean(&t.reading),
            description: t.description.trim().to_string(),
            marks,
            note: clean(&t.note),
        });
    }
    doc.glossary = out;
    Ok(())
}

fn scale(doc: &mut PlanDocument, levels: &[StatusLevel]) -> Result<(), FieldError> {
    let mut seen = HashSet::new();
    for l in levels {
        bounded("code", &l.code, 40, true)?;
        bounded("label", &l.label, MAX_TITLE, true)?;
        bounded(
            "label_en",
            l.label_en.as_deref().unwrap_or(""),
            MAX_TITLE,
            false,
        )?;
        if !seen.insert(l.code.trim()) {
            return Err(refuse(
                "code",
                format!("評価区分の記号「{}」が二度あります", l.code.trim()),
                format!("status code '{}' is given twice", l.code.trim()),
            ));
        }
    }
    doc.header.status_scale = levels
        .iter()
        .map(|l| StatusLevel {
            code: l.code.trim().to_string(),
            label: l.label.trim().to_string(),
            label_en: clean(&l.label_en),
            achieved: l.achieved,
        })
        .collect();
    Ok(())
}

fn levels(doc: &mut PlanDocument, fields: &[LevelFields]) -> Result<(), FieldError> {
    for f in fields {
        bounded("name", f.name.as_deref().unwrap_or(""), 60, false)?;
        bounded("name_en", f.name_en.as_deref().unwrap_or(""), 60, false)?;
        bounded("prefix", f.prefix.as_deref().unwrap_or(""), 20, false)?;
        let Some(l) = doc.header.levels.iter_mut().find(|l| l.key == f.key) else {
            return Err(refuse(
                "key",
                format!("階層「{}」はこの計画にありません", f.key),
                format!("level '{}' is not in this plan", f.key),
            ));
        };
        l.name = clean(&f.name);
        l.name_en = clean(&f.name_en);
        l.numbering = f.numbering;
        l.prefix = clean(&f.prefix);
    }
    Ok(())
}

fn axis(doc: &mut PlanDocument, key: &str, new: Option<&Axis>) -> Result<(), FieldError> {
    // What the nodes mark on this axis now.
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    let mut flagged = false;
    for (n, _, _) in walk_nodes(&doc.nodes) {
        match n.axes.get(key) {
            Some(AxisMark::Codes(list)) => {
                for c in list {
                    used.entry(c.clone()).or_insert_with(|| n.id.clone());
                }
            }
            Some(AxisMark::Flag(true)) => flagged = true,
            _ => {}
        }
    }
    let Some(a) = new else {
        if let Some((code, node)) = used.iter().next() {
            return Err(refuse(
                "key",
                format!("項目「{node}」が「{code}」を付けているため、この分類は削除できません"),
                format!("node '{node}' is marked '{code}': the axis cannot go"),
            ));
        }
        if flagged {
            return Err(refuse(
                "key",
                "この分類が付いた項目があるため、削除できません",
                "some nodes carry this flag: the axis cannot go",
            ));
        }
        doc.header.axes.retain(|x| x.key != key);
        drop_marks(&mut doc.nodes, key);
        return Ok(());
    };
    if a.key != key
        || a.key == "new"
        || a.key.is_empty()
        || a.key.chars().count() > 40
        || a.key.chars().any(char::is_whitespace)
    {
        return Err(refuse(
            "key",
            "分類キーは40文字以内で、空白を含めずに入力してください（例: theme）",
            "an axis key has at most 40 characters, without spaces (e.g. theme)",
        ));
    }
    bounded("name", &a.name, 60, true)?;
    bounded("name_en", a.name_en.as_deref().unwrap_or(""), 60, false)?;
    let mut codes = HashSet::new();
    for v in &a.values {
        bounded("values", &v.code, 40, true)?;
        bounded("values", &v.label, MAX_TITLE, true)?;
        bounded(
            "values",
            v.label_en.as_deref().unwrap_or(""),
            MAX_TITLE,
            false,
        )?;
        bounded("values", v.number.as_deref().unwrap_or(""), 20, false)?;
        bounded(
            "values",
            v.description.as_deref().unwrap_or(""),
            MAX_TEXT,
            false,
        )?;
        if !codes.insert(v.code.as_str()) {
            return Err(refuse(
                "values",
                format!("値コード「{}」が二度あります", v.code),
                format!("value code '{}' is given twice", v.code),
            ));
        }
    }
    match a.kind {
        AxisKind::Flag if !a.values.is_empty() => {
            return Err(refuse(
                "values",
                "○印の分類には値を書きません",
                "a flag axis has no values",
            ))
        }
        AxisKind::Multi | AxisKind::Single if a.values.is_empty() => {
            return Err(refuse(
                "values",
                "値を一つ以上入力してください",
                "give at least one value",
            ))
        }
        _ => {}
    }
    if let Some((code, node)) = used.iter().find(|(c, _)| !codes.contains(c.as_str())) {
        return Err(refuse(
            "values",
            format!("項目「{node}」が「{code}」を付けているため、この値は削除できません"),
            format!("node '{node}' is marked '{code}': the value cannot go"),
        ));
    }
    let old_kind = doc
        .header
        .axes
        .iter()
        .find(|x| x.key == key)
        .map(|x| x.kind);
    if old_kind.is_some_and(|k| (k == AxisKind::Flag) != (a.kind == AxisKind::Flag))
        && (flagged || !used.is_empty())
    {
        return Err(refuse(
            "kind",
            "項目が使っている分類の種類（○印か値か）は変えられません",
            "the kind of an axis in use cannot change between flag and values",
        ));
    }
    if old_kind.is_some_and(|k| (k == AxisKind::Flag) != (a.kind == AxisKind::Flag)) {
        // Only empty marks are left: they go with the old kind.
        drop_marks(&mut doc.nodes, key);
    }
    match doc.header.axes.iter_mut().find(|x| x.key == key) {
        Some(x) => *x = a.clone(),
        None => doc.header.axes.push(a.clone()),
    }
    Ok(())
}

/// Removes every node's mark on an axis (only empty ones are left when
/// this is called: a `false` flag or an empty list).
fn drop_marks(nodes: &mut [Node], key: &str) {
    for n in nodes {
        n.axes.remove(key);
        drop_marks(&mut n.children, key);
    }
}

fn bodies(doc: &mut PlanDocument, list: &[Body]) -> Result<(), FieldError> {
    let mut seen = HashSet::new();
    for b in list {
        bounded("name", &b.name, MAX_TITLE, true)?;
        bounded("role", b.role.as_deref().unwrap_or(""), MAX_TEXT, false)?;
        if b.members.len() > 500 {
            return Err(refuse(
                "members",
                "委員は500人までです",
                "at most 500 members",
            ));
        }
        if !seen.insert(b.name.trim()) {
            return Err(refuse(
                "name",
                format!("「{}」が二度あります", b.name.trim()),
                format!("'{}' is given twice", b.name.trim()),
            ));
        }
        for m in &b.members {
            bounded("members", &m.name, MAX_TITLE, true)?;
            bounded("members", m.role.as_deref().unwrap_or(""), MAX_TITLE, false)?;
            bounded(
                "members",
                m.affiliation.as_deref().unwrap_or(""),
                MAX_TITLE,
                false,
            )?;
        }
    }
    let names: HashSet<&str> = list.iter().map(|b| b.name.trim()).collect();
    if let Some(m) = doc
        .header
        .meetings
        .iter()
        .find(|m| !names.contains(m.body.as_str()))
    {
        return Err(refuse(
            "name",
            format!(
                "会議「{}」が「{}」の会議として記録されているため、その体制は削除・改名できません",
                m.title, m.body
            ),
            format!(
                "meeting '{}' belongs to '{}': that body cannot be removed or renamed",
                m.title, m.body
            ),
        ));
    }
    doc.header.bodies = list.to_vec();
    Ok(())
}

fn meetings(doc: &mut PlanDocument, list: &[Meeting]) -> Result<(), FieldError> {
    for m in list {
        bounded("title", &m.title, MAX_TITLE, true)?;
        bounded("agenda", m.agenda.as_deref().unwrap_or(""), MAX_TEXT, false)?;
        if m.kinds.len() > 20 || m.kinds.iter().any(|k| k.chars().count() > 60) {
            return Err(refuse(
                "kinds",
                "種別は60文字以内で20個までです",
                "at most 20 kinds of at most 60 characters",
            ));
        }
        if !doc.header.bodies.iter().any(|b| b.name == m.body) {
            return Err(refuse(
                "body",
                format!("「{}」は推進体制にありません", m.body),
                format!("'{}' is not one of the plan's bodies", m.body),
            ));
        }
        if let (Some(a), Some(b)) = (m.date, m.end_date) {
            if b < a {
                return Err(refuse(
                    "end_date",
                    "終了日が開始日より前です",
                    "the end date is before the start date",
                ));
            }
        }
    }
    doc.header.meetings = list.to_vec();
    Ok(())
}

/// Applies one settings edit; a refused edit changes nothing.
pub fn apply(doc: &mut PlanDocument, s: &Setting) -> Result<(), FieldError> {
    let mut work = doc.clone();
    match s {
        Setting::Department { id, new, fields } => department(&mut work, id, *new, fields)?,
        Setting::Glossary { terms } => glossary(&mut work, terms)?,
        Setting::Scale { levels: l } => scale(&mut work, l)?,
        Setting::Levels { levels: l } => levels(&mut work, l)?,
        Setting::Axis { key, axis: a } => axis(&mut work, key, a.as_ref())?,
        Setting::Bodies { bodies: b } => bodies(&mut work, b)?,
        Setting::Meetings { meetings: m } => meetings(&mut work, m)?,
    }
    *doc = work;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{AxisValue, BodyKind};

    fn doc() -> PlanDocument {
        let spec = crate::start::NewPlan {
            city: crate::LocalGovCode::parse("082015").unwrap(),
            id: "p".into(),
            title: "計画".into(),
            generation: None,
            period: None,
            draft: true,
            template: crate::start::Template::TwoLevels,
            departments: "総務部/総務課\n総務部/人事課\n財政課".into(),
        };
        let mut d = crate::start::new_plan(&spec).unwrap();
        let node = |id: &str, depts: &[&str]| Node {
            id: id.into(),
            level: "item".into(),
            number: None,
            numbers: Default::default(),
            title: id.into(),
            title_en: None,
            body: None,
            sections: Default::default(),
            departments: depts.iter().map(|s| s.to_string()).collect(),
            axes: Default::default(),
            sdgs: vec![],
            period: None,
            schedule: Default::default(),
            note: None,
            retired: None,
            children: vec![],
        };
        d.nodes = vec![
            node("a", &["総務部/人事課"]),
            node("b", &["総務部/人事課", "総務部/総務課"]),
        ];
        d
    }

    fn fields(name: &str) -> DepartmentFields {
        DepartmentFields {
            name: name.into(),
            abbreviation: None,
            kind: DepartmentKind::Division,
            parent: Some("総務部".into()),
            valid_to: None,
            successor: None,
            note: None,
            move_items: false,
        }
    }

    #[test]
    fn a_merger_moves_the_items_to_the_successor() {
        let mut d = doc();
        let mut f = fields("人事課");
        f.valid_to = PlanDate::new(2026, 3, Some(31));
        f.successor = Some("総務部/総務課".into());
        f.move_items = true;
        apply(
            &mut d,
            &Setting::Department {
                id: "総務部/人事課".into(),
                new: false,
                fields: f,
            },
        )
        .unwrap();
        assert_eq!(d.nodes[0].departments, vec!["総務部/総務課"]);
        assert_eq!(
            d.nodes[1].departments,
            vec!["総務部/総務課"],
            "no department twice"
        );
        let ended = d
            .organisation
            .flatten()
            .into_iter()
            .find(|(x, _)| x.id == "総務部/人事課")
            .unwrap()
            .0
            .clone();
        assert_eq!(ended.successor.as_deref(), Some("総務部/総務課"));
    }

    #[test]
    fn a_department_cannot_move_under_its_own_unit_and_nothing_changes() {
        let mut d = doc();
        let before = d.clone();
        let mut f = fields("総務部");
        f.kind = DepartmentKind::Department;
        f.parent = Some("総務部/総務課".into());
        let e = apply(
            &mut d,
            &Setting::Department {
                id: "総務部".into(),
                new: false,
                fields: f,
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "parent");
        assert_eq!(d, before);
        let e = apply(
            &mut d,
            &Setting::Department {
                id: "財政課".into(),
                new: true,
                fields: fields("財政課"),
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "id");
    }

    #[test]
    fn an_axis_value_in_use_cannot_go() {
        let mut d = doc();
        let theme = Axis {
            key: "theme".into(),
            name: "テーマ".into(),
            name_en: None,
            kind: AxisKind::Multi,
            values: vec![
                AxisValue {
                    code: "財政".into(),
                    number: None,
                    label: "健全な財政".into(),
                    label_en: None,
                    description: None,
                },
                AxisValue {
                    code: "ICT".into(),
                    number: None,
                    label: "ICT の活用".into(),
                    label_en: None,
                    description: None,
                },
            ],
        };
        apply(
            &mut d,
            &Setting::Axis {
                key: "theme".into(),
                axis: Some(theme.clone()),
            },
        )
        .unwrap();
        d.nodes[0]
            .axes
            .insert("theme".into(), AxisMark::Codes(vec!["ICT".into()]));
        let mut fewer = theme.clone();
        fewer.values.truncate(1);
        let e = apply(
            &mut d,
            &Setting::Axis {
                key: "theme".into(),
                axis: Some(fewer),
            },
        )
        .unwrap_err();
        assert!(e.message.ja.contains("ICT"), "{e:?}");
        let e = apply(
            &mut d,
            &Setting::Axis {
                key: "theme".into(),
                axis: None,
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "key");
    }

    #[test]
    fn a_body_with_meetings_keeps_its_name_and_terms_keep_their_marks() {
        let mut d = doc();
        let body = Body {
            name: "審議会".into(),
            kind: BodyKind::Council,
            role: None,
            members: vec![],
        };
        apply(
            &mut d,
            &Setting::Bodies {
                bodies: vec![body.clone()],
            },
        )
        .unwrap();
        let m = Meeting {
            body: "審議会".into(),
            title: "第1回".into(),
            number: Some(1),
            date: None,
            end_date: None,
            agenda: None,
            kinds: vec![],
        };
        apply(&mut d, &Setting::Meetings { meetings: vec![m] }).unwrap();
        let e = apply(&mut d, &Setting::Bodies { bodies: vec![] }).unwrap_err();
        assert_eq!(e.field, "name");
        d.glossary.push(GlossaryTerm {
            term: "PPP".into(),
            reading: None,
            description: "官民連携".into(),
            marks: vec![crate::plan::TermMark {
                node: Some("a".into()),
                chapter: None,
                mark: Some("※".into()),
            }],
            note: None,
        });
        let t = TermFields {
            was: Some("PPP".into()),
            term: "PPP/PFI".into(),
            reading: None,
            description: "官民連携の手法".into(),
            note: None,
        };
        apply(&mut d, &Setting::Glossary { terms: vec![t] }).unwrap();
        assert_eq!(d.glossary[0].marks.len(), 1);
    }
}
