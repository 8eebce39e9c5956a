//! What changed between two versions of a plan: nodes added, removed,
//! moved under another parent, renumbered, or changed field by field;
//! indicators (baselines and targets before → after), departments, the
//! status scale, the axes and the plan's own facts. Nodes and indicators are
//! matched by id, so a renamed item is a change of its title, not a removal
//! and an addition. `gyokaku diff` and `import --dry-run` print it; plan
//! revisions will keep it as their history.

use std::collections::{BTreeMap, HashMap};

use crate::plan::{walk_nodes, AxisMark, Indicator, Node, PlanDocument};
use crate::present::{self, Lang};

/// What happened to a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    /// Under another parent.
    Moved,
    Renumbered,
    Changed,
    /// Kept, but no longer reported on (完了, 統合, 廃止).
    Retired,
}

impl ChangeKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ChangeKind::Added, Lang::Ja) => "追加",
            (ChangeKind::Removed, Lang::Ja) => "削除",
            (ChangeKind::Moved, Lang::Ja) => "移動",
            (ChangeKind::Renumbered, Lang::Ja) => "番号変更",
            (ChangeKind::Changed, Lang::Ja) => "変更",
            (ChangeKind::Retired, Lang::Ja) => "廃止・統合",
            (ChangeKind::Added, Lang::En) => "added",
            (ChangeKind::Removed, Lang::En) => "removed",
            (ChangeKind::Moved, Lang::En) => "moved",
            (ChangeKind::Renumbered, Lang::En) => "renumbered",
            (ChangeKind::Changed, Lang::En) => "changed",
            (ChangeKind::Retired, Lang::En) => "retired",
        }
    }

    pub fn key(self) -> &'static str {
        self.label(Lang::En)
    }
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Plan,
    Node(String),
    Indicator(String),
    Department(String),
    StatusLevel(String),
    Axis(String),
    Level(String),
    Term(String),
    Body(String),
    Meeting(String),
}

impl Subject {
    /// What kind of thing, as open data names it.
    pub fn kind_key(&self) -> &'static str {
        match self {
            Subject::Plan => "plan",
            Subject::Node(_) => "node",
            Subject::Indicator(_) => "indicator",
            Subject::Department(_) => "department",
            Subject::StatusLevel(_) => "status",
            Subject::Axis(_) => "axis",
            Subject::Level(_) => "level",
            Subject::Term(_) => "term",
            Subject::Body(_) => "body",
            Subject::Meeting(_) => "meeting",
        }
    }

    /// The thing's id (none for the plan itself).
    pub fn id(&self) -> Option<&str> {
        match self {
            Subject::Plan => None,
            Subject::Node(id)
            | Subject::Indicator(id)
            | Subject::Department(id)
            | Subject::StatusLevel(id)
            | Subject::Axis(id)
            | Subject::Level(id)
            | Subject::Term(id)
            | Subject::Body(id)
            | Subject::Meeting(id) => Some(id),
        }
    }

    pub fn label(&self, lang: Lang) -> String {
        let (ja, en, id) = match self {
            Subject::Plan => {
                return if lang == Lang::Ja {
                    "計画".into()
                } else {
                    "plan".into()
                }
            }
            Subject::Node(id) => ("項目", "node", id),
            Subject::Indicator(id) => ("指標", "indicator", id),
            Subject::Department(id) => ("部署", "department", id),
            Subject::StatusLevel(id) => ("評価区分", "status", id),
            Subject::Axis(id) => ("分類軸", "axis", id),
            Subject::Level(id) => ("階層", "level", id),
            Subject::Term(id) => ("用語", "term", id),
            Subject::Body(id) => ("推進体制", "body", id),
            Subject::Meeting(id) => ("会議", "meeting", id),
        };
        match lang {
            Lang::Ja => format!("{ja} {id}"),
            Lang::En => format!("{en} {id}"),
        }
    }
}

/// A changed field's name as a reader knows it.
pub fn field_label(name: &str, lang: Lang) -> &str {
    let (ja, en) = match name {
        "title" => ("名称", "title"),
        "title_en" => ("英語名称", "English title"),
        "subtitle" => ("副題", "subtitle"),
        "generation" => ("次数", "generation"),
        "draft" => ("案", "draft"),
        "period" => ("期間", "period"),
        "published" => ("策定日", "date"),
        "revisions" => ("策定・改訂の経過", "history"),
        "body" => ("本文", "text"),
        "sections" => ("記載事項", "sections"),
        "departments" => ("担当部署", "departments"),
        "axes" => ("分類", "classification"),
        "sdgs" => ("SDGs", "SDGs"),
        "schedule" => ("年次計画", "yearly schedule"),
        "numbers" => ("その他の番号", "other numbers"),
        "level" => ("階層", "level"),
        "note" => ("備考", "note"),
        "number" => ("番号", "number"),
        "parent" => ("上位", "parent"),
        "name" => ("名称", "name"),
        "label" => ("名称", "label"),
        "achieved" => ("達成扱い", "counts as achieved"),
        "values" => ("値", "values"),
        "kind" => ("種類", "kind"),
        "node" => ("対象の項目", "node"),
        "unit" => ("単位", "unit"),
        "definition" => ("定義", "definition"),
        "source" => ("出典", "source"),
        "cumulative" => ("累計", "cumulative"),
        "baseline" => ("基準値", "baseline"),
        "target" => ("目標値", "target"),
        "retired" => ("廃止・統合", "retirement"),
        "successor" => ("統合先", "successor"),
        "valid_to" => ("廃止日", "until"),
        "name_en" => ("英語名称", "English name"),
        "numbering" => ("番号の形式", "numbering"),
        "prefix" => ("接頭辞", "prefix"),
        "reading" => ("読み", "reading"),
        "description" => ("説明", "description"),
        "role" => ("役割", "role"),
        "members" => ("委員", "members"),
        "date" => ("日付", "date"),
        "end_date" => ("終了日", "end date"),
        "agenda" => ("議題", "agenda"),
        other => (other, other),
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// One change: a thing, what happened, and for a field its text before and
/// after (as the plan writes it; `None` where absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub subject: Subject,
    pub kind: ChangeKind,
    pub field: Option<&'static str>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    /// One line: `変更 項目 1-2 title: 旧 → 新`.
    pub fn line(&self, lang: Lang) -> String {
        let mut s = format!("{} {}", self.kind.label(lang), self.subject.label(lang));
        if let Some(f) = self.field {
            s.push(' ');
            s.push_str(f);
        }
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => s.push_str(&format!(": {} → {}", one_line(b), one_line(a))),
            (None, Some(a)) => s.push_str(&format!(": {}", one_line(a))),
            (Some(b), None) => s.push_str(&format!(": {}", one_line(b))),
            (None, None) => {}
        }
        s
    }
}

fn one_line(s: &str) -> String {
    let flat: String = s.replace('\n', " ⏎ ");
    if flat.chars().count() > 80 {
        format!("{}…", flat.chars().take(80).collect::<String>())
    } else {
        flat
    }
}

/// The changes from `old` to `new`, in the new plan's reading order (then
/// what was removed).
pub fn diff(old: &PlanDocument, new: &PlanDocument) -> Vec<Change> {
    let mut out = Vec::new();
    plan_facts(old, new, &mut out);
    scale(old, new, &mut out);
    axes(old, new, &mut out);
    departments(old, new, &mut out);
    levels(old, new, &mut out);
    nodes(old, new, &mut out);
    indicators(old, new, &mut out);
    glossary(old, new, &mut out);
    bodies(old, new, &mut out);
    out
}

/// A named thing's fields as compared.
type Fields = Vec<(&'static str, Option<String>)>;

/// Added, removed and changed things of a list matched by key.
fn keyed<T>(
    out: &mut Vec<Change>,
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    subject: impl Fn(String) -> Subject,
    name: impl Fn(&T) -> String,
    fields: impl Fn(&T) -> Fields,
) {
    for b in new {
        let k = key(b);
        match old.iter().find(|a| key(a) == k) {
            None => whole(out, subject(k), ChangeKind::Added, name(b)),
            Some(a) => {
                let s = subject(k);
                for ((f, before), (_, after)) in fields(a).into_iter().zip(fields(b)) {
                    field(out, &s, f, before, after);
                }
            }
        }
    }
    for a in old {
        let k = key(a);
        if !new.iter().any(|b| key(b) == k) {
            whole(out, subject(k), ChangeKind::Removed, name(a));
        }
    }
}

fn levels(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    keyed(
        out,
        &old.header.levels,
        &new.header.levels,
        |l| l.key.clone(),
        Subject::Level,
        |l| l.name.clone().unwrap_or_else(|| l.key.clone()),
        |l| {
            vec![
                ("name", l.name.clone()),
                ("name_en", l.name_en.clone()),
                ("numbering", Some(l.numbering.format(1, Some(1)))),
                ("prefix", l.prefix.clone()),
            ]
        },
    );
}

fn glossary(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    keyed(
        out,
        &old.glossary,
        &new.glossary,
        |g| g.term.clone(),
        Subject::Term,
        |g| g.description.clone(),
        |g| {
            vec![
                ("reading", g.reading.clone()),
                ("description", Some(g.description.clone())),
                ("note", g.note.clone()),
            ]
        },
    );
}

fn bodies(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    keyed(
        out,
        &old.header.bodies,
        &new.header.bodies,
        |b| b.name.clone(),
        Subject::Body,
        |b| b.name.clone(),
        |b| {
            vec![
                ("kind", Some(format!("{:?}", b.kind).to_lowercase())),
                ("role", b.role.clone()),
                (
                    "members",
                    Some(
                        b.members
                            .iter()
                            .map(|m| {
                                let (r, a, n) = m.cells();
                                [r, a, n]
                                    .into_iter()
                                    .filter(|x| !x.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .collect::<Vec<_>>()
                            .join("、"),
                    )
                    .filter(|s| !s.is_empty()),
                ),
            ]
        },
    );
    keyed(
        out,
        &old.header.meetings,
        &new.header.meetings,
        |m| format!("{} {}", m.body, m.title),
        Subject::Meeting,
        |m| m.title.clone(),
        |m| {
            vec![
                ("number", m.number.map(|n| n.to_string())),
                ("date", m.date.map(|d| d.to_string())),
                ("end_date", m.end_date.map(|d| d.to_string())),
                ("agenda", m.agenda.clone()),
                ("kinds", Some(m.kinds.join("、")).filter(|s| !s.is_empty())),
            ]
        },
    );
}

fn field(
    out: &mut Vec<Change>,
    subject: &Subject,
    name: &'static str,
    before: Option<String>,
    after: Option<String>,
) {
    if before != after {
        out.push(Change {
            subject: subject.clone(),
            kind: ChangeKind::Changed,
            field: Some(name),
            before,
            after,
        });
    }
}

fn whole(out: &mut Vec<Change>, subject: Subject, kind: ChangeKind, text: String) {
    let (before, after) = match kind {
        ChangeKind::Removed => (Some(text), None),
        _ => (None, Some(text)),
    };
    out.push(Change {
        subject,
        kind,
        field: None,
        before,
        after,
    });
}

fn plan_facts(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    let (a, b) = (&old.header.plan, &new.header.plan);
    let s = Subject::Plan;
    field(
        out,
        &s,
        "title",
        Some(a.title.clone()),
        Some(b.title.clone()),
    );
    field(out, &s, "subtitle", a.subtitle.clone(), b.subtitle.clone());
    field(
        out,
        &s,
        "generation",
        a.generation.clone(),
        b.generation.clone(),
    );
    field(
        out,
        &s,
        "draft",
        Some(a.draft.to_string()),
        Some(b.draft.to_string()),
    );
    let period = |p: Option<crate::plan::Period>| p.map(|p| present::period(Lang::Ja, p));
    field(out, &s, "period", period(a.period), period(b.period));
    field(
        out,
        &s,
        "published",
        a.published.map(|d| d.to_string()),
        b.published.map(|d| d.to_string()),
    );
    let kinds = |d: &PlanDocument| {
        d.header
            .revisions
            .iter()
            .map(|r| match r.date {
                Some(date) => format!("{} {date}", r.kind),
                None => r.kind.clone(),
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    field(out, &s, "revisions", Some(kinds(old)), Some(kinds(new)));
}

fn scale(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    let before: HashMap<&str, _> = old
        .header
        .status_scale
        .iter()
        .map(|s| (s.code.as_str(), s))
        .collect();
    for s in &new.header.status_scale {
        let subject = Subject::StatusLevel(s.code.clone());
        match before.get(s.code.as_str()) {
            None => whole(out, subject, ChangeKind::Added, s.label.clone()),
            Some(o) => {
                field(
                    out,
                    &subject,
                    "label",
                    Some(o.label.clone()),
                    Some(s.label.clone()),
                );
                field(
                    out,
                    &subject,
                    "achieved",
                    Some(o.achieved.to_string()),
                    Some(s.achieved.to_string()),
                );
            }
        }
    }
    for s in &old.header.status_scale {
        if !new.header.status_scale.iter().any(|n| n.code == s.code) {
            whole(
                out,
                Subject::StatusLevel(s.code.clone()),
                ChangeKind::Removed,
                s.label.clone(),
            );
        }
    }
}

fn axes(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    let values = |a: &crate::plan::Axis| {
        a.values
            .iter()
            .map(|v| match &v.number {
                Some(n) => format!("{} {n} {}", v.code, v.label),
                None => format!("{} {}", v.code, v.label),
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    for a in &new.header.axes {
        let subject = Subject::Axis(a.key.clone());
        match old.header.axes.iter().find(|o| o.key == a.key) {
            None => whole(out, subject, ChangeKind::Added, a.name.clone()),
            Some(o) => {
                field(
                    out,
                    &subject,
                    "name",
                    Some(o.name.clone()),
                    Some(a.name.clone()),
                );
                field(out, &subject, "values", Some(values(o)), Some(values(a)));
            }
        }
    }
    for a in &old.header.axes {
        if !new.header.axes.iter().any(|n| n.key == a.key) {
            whole(
                out,
                Subject::Axis(a.key.clone()),
                ChangeKind::Removed,
                a.name.clone(),
            );
        }
    }
}

fn departments(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    type Facts = (String, Option<String>, Option<String>, Option<String>);
    let flat = |d: &PlanDocument| -> BTreeMap<String, Facts> {
        d.organisation
            .flatten()
            .into_iter()
            .map(|(x, parent)| {
                (
                    x.id.clone(),
                    (
                        x.name.clone(),
                        parent.map(str::to_string),
                        x.successor.clone(),
                        x.valid_to.map(|v| v.to_string()),
                    ),
                )
            })
            .collect()
    };
    let (a, b) = (flat(old), flat(new));
    for (id, (name, parent, successor, valid_to)) in &b {
        let subject = Subject::Department(id.clone());
        match a.get(id) {
            None => whole(out, subject, ChangeKind::Added, name.clone()),
            Some((old_name, old_parent, old_successor, old_valid_to)) => {
                field(
                    out,
                    &subject,
                    "successor",
                    old_successor.clone(),
                    successor.clone(),
                );
                field(
                    out,
                    &subject,
                    "valid_to",
                    old_valid_to.clone(),
                    valid_to.clone(),
                );
                if old_parent != parent {
                    out.push(Change {
                        subject: subject.clone(),
                        kind: ChangeKind::Moved,
                        field: Some("parent"),
                        before: old_parent.clone(),
                        after: parent.clone(),
                    });
                }
                field(
                    out,
                    &subject,
                    "name",
                    Some(old_name.clone()),
                    Some(name.clone()),
                );
            }
        }
    }
    for (id, (name, ..)) in &a {
        if !b.contains_key(id) {
            whole(
                out,
                Subject::Department(id.clone()),
                ChangeKind::Removed,
                name.clone(),
            );
        }
    }
}

fn opt_join(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join("、"))
}

fn axes_text(axes: &BTreeMap<String, AxisMark>) -> Option<String> {
    let parts: Vec<String> = axes
        .iter()
        .map(|(k, m)| match m {
            AxisMark::Flag(b) => format!("{k}: {b}"),
            AxisMark::Codes(c) => format!("{k}: {}", c.join("・")),
        })
        .collect();
    opt_join(&parts)
}

fn map_text<K: std::fmt::Display>(m: &BTreeMap<K, String>) -> Option<String> {
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    opt_join(&parts)
}

fn node_fields(out: &mut Vec<Change>, subject: &Subject, a: &Node, b: &Node) {
    field(
        out,
        subject,
        "title",
        Some(a.title.clone()),
        Some(b.title.clone()),
    );
    field(
        out,
        subject,
        "title_en",
        a.title_en.clone(),
        b.title_en.clone(),
    );
    field(out, subject, "body", a.body.clone(), b.body.clone());
    field(
        out,
        subject,
        "sections",
        map_text(&a.sections),
        map_text(&b.sections),
    );
    field(
        out,
        subject,
        "departments",
        opt_join(&a.departments),
        opt_join(&b.departments),
    );
    field(out, subject, "axes", axes_text(&a.axes), axes_text(&b.axes));
    let sdgs = |n: &Node| opt_join(&n.sdgs.iter().map(u8::to_string).collect::<Vec<_>>());
    field(out, subject, "sdgs", sdgs(a), sdgs(b));
    let period = |n: &Node| n.period.map(|p| present::period(Lang::Ja, p));
    field(out, subject, "period", period(a), period(b));
    let schedule = |n: &Node| {
        map_text(
            &n.schedule
                .iter()
                .map(|(y, t)| (y.wareki(), t.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    field(out, subject, "schedule", schedule(a), schedule(b));
    field(
        out,
        subject,
        "numbers",
        map_text(&a.numbers),
        map_text(&b.numbers),
    );
    field(
        out,
        subject,
        "level",
        Some(a.level.clone()),
        Some(b.level.clone()),
    );
    field(out, subject, "note", a.note.clone(), b.note.clone());
}

/// A retirement as one text: `統合 → 2-3（令和6年度まで）`.
pub fn retirement_text(r: &crate::plan::Retirement, lang: Lang) -> String {
    let mut s = match (r.reason, lang) {
        (Some(x), Lang::Ja) => x.ja().to_string(),
        (Some(x), Lang::En) => x.en().to_string(),
        (None, Lang::Ja) => "廃止・統合".to_string(),
        (None, Lang::En) => "retired".to_string(),
    };
    if let Some(into) = &r.into {
        s.push_str(&format!(" → {into}"));
    }
    if let Some(y) = r.last_year {
        s.push_str(&match lang {
            Lang::Ja => format!("（{}まで）", y.wareki()),
            Lang::En => format!(" (last year {})", y.english()),
        });
    }
    if let Some(n) = &r.note {
        s.push_str(&format!(" {n}"));
    }
    s
}

/// A retirement as a change: retired in `b`, not in `a`; or its facts
/// changed.
fn retirement(
    out: &mut Vec<Change>,
    subject: &Subject,
    a: Option<&crate::plan::Retirement>,
    b: Option<&crate::plan::Retirement>,
) {
    match (a, b) {
        (None, Some(r)) => out.push(Change {
            subject: subject.clone(),
            kind: ChangeKind::Retired,
            field: None,
            before: None,
            after: Some(retirement_text(r, Lang::Ja)),
        }),
        (a, b) => field(
            out,
            subject,
            "retired",
            a.map(|r| retirement_text(r, Lang::Ja)),
            b.map(|r| retirement_text(r, Lang::Ja)),
        ),
    }
}

fn nodes(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    let before: HashMap<&str, (&Node, Option<&str>)> = walk_nodes(&old.nodes)
        .into_iter()
        .map(|(n, _, p)| (n.id.as_str(), (n, p.map(|p| p.id.as_str()))))
        .collect();
    let after = walk_nodes(&new.nodes);
    for (n, _, parent) in &after {
        let subject = Subject::Node(n.id.clone());
        let parent = parent.map(|p| p.id.clone());
        match before.get(n.id.as_str()) {
            None => whole(out, subject, ChangeKind::Added, n.title.clone()),
            Some((o, old_parent)) => {
                if old_parent.map(str::to_string) != parent {
                    out.push(Change {
                        subject: subject.clone(),
                        kind: ChangeKind::Moved,
                        field: Some("parent"),
                        before: old_parent.map(str::to_string),
                        after: parent.clone(),
                    });
                }
                if o.number != n.number {
                    out.push(Change {
                        subject: subject.clone(),
                        kind: ChangeKind::Renumbered,
                        field: Some("number"),
                        before: o.number.map(|x| x.to_string()),
                        after: n.number.map(|x| x.to_string()),
                    });
                }
                node_fields(out, &subject, o, n);
                retirement(out, &subject, o.retired.as_ref(), n.retired.as_ref());
            }
        }
    }
    for (n, _, _) in walk_nodes(&old.nodes) {
        if !after.iter().any(|(a, _, _)| a.id == n.id) {
            whole(
                out,
                Subject::Node(n.id.clone()),
                ChangeKind::Removed,
                n.title.clone(),
            );
        }
    }
}

fn indicator_fields(out: &mut Vec<Change>, subject: &Subject, a: &Indicator, b: &Indicator) {
    field(
        out,
        subject,
        "name",
        Some(a.name.clone()),
        Some(b.name.clone()),
    );
    field(out, subject, "node", a.node.clone(), b.node.clone());
    field(
        out,
        subject,
        "kind",
        Some(a.kind.ja().into()),
        Some(b.kind.ja().into()),
    );
    field(out, subject, "unit", a.unit.clone(), b.unit.clone());
    field(
        out,
        subject,
        "definition",
        a.definition.clone(),
        b.definition.clone(),
    );
    field(out, subject, "source", a.source.clone(), b.source.clone());
    field(
        out,
        subject,
        "cumulative",
        Some(a.cumulative.to_string()),
        Some(b.cumulative.to_string()),
    );
    field(
        out,
        subject,
        "baseline",
        Some(present::baseline(a)),
        Some(present::baseline(b)),
    );
    field(
        out,
        subject,
        "target",
        Some(present::target(a)),
        Some(present::target(b)),
    );
    field(out, subject, "note", a.note.clone(), b.note.clone());
}

fn indicators(old: &PlanDocument, new: &PlanDocument, out: &mut Vec<Change>) {
    for i in &new.indicators {
        let subject = Subject::Indicator(i.id.clone());
        match old.indicators.iter().find(|o| o.id == i.id) {
            None => whole(out, subject, ChangeKind::Added, i.name.clone()),
            Some(o) => {
                indicator_fields(out, &subject, o, i);
                retirement(out, &subject, o.retired.as_ref(), i.retired.as_ref());
            }
        }
    }
    for i in &old.indicators {
        if !new.indicators.iter().any(|n| n.id == i.id) {
            whole(
                out,
                Subject::Indicator(i.id.clone()),
                ChangeKind::Removed,
                i.name.clone(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::AxisMark;

    fn lines(old: &PlanDocument, new: &PlanDocument) -> Vec<String> {
        diff(old, new).iter().map(|c| c.line(Lang::Ja)).collect()
    }

    #[test]
    fn the_same_plan_has_no_changes() {
        let doc = crate::classify::tests::doc();
        assert!(diff(&doc, &doc.clone()).is_empty());
    }

    #[test]
    fn renames_renumbers_moves_additions_and_removals_are_told_apart() {
        let old = crate::classify::tests::doc();
        let mut new = old.clone();
        let items = &mut new.nodes[0].children;
        items[0].title = "取組1-1（改）".into();
        items[1].number = Some(5);
        items[1]
            .axes
            .insert("how".into(), AxisMark::Codes(vec!["y".into()]));
        let moved = items.remove(2);
        let mut second = new.nodes[0].clone();
        second.id = "p2".into();
        second.number = Some(2);
        second.children = vec![moved];
        new.nodes.push(second);
        let got = lines(&old, &new);
        assert!(
            got.contains(&"変更 項目 1-1 title: 取組1-1 → 取組1-1（改）".to_string()),
            "{got:#?}"
        );
        assert!(
            got.contains(&"番号変更 項目 1-2 number: 2 → 5".to_string()),
            "{got:#?}"
        );
        assert!(got.iter().any(|l| l.starts_with("変更 項目 1-2 axes: ")
            && l.contains("how: x")
            && l.contains("how: y")));
        assert!(
            got.contains(&"移動 項目 1-3 parent: p1 → p2".to_string()),
            "{got:#?}"
        );
        assert!(
            got.contains(&"追加 項目 p2: 取組p1".to_string()),
            "{got:#?}"
        );
        // Nothing else: the other fields are the same.
        assert_eq!(got.len(), 5, "{got:#?}");

        let removed = lines(&new, &old);
        assert!(
            removed.contains(&"削除 項目 p2: 取組p1".to_string()),
            "{removed:#?}"
        );
        assert_eq!(
            diff(&new, &old)[0].line(Lang::En).split(':').next(),
            Some("changed node 1-1 title")
        );
    }
}
