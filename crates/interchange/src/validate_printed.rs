//! Checks of what a plan prints beside its outline: titled parts, front
//! chapters, revisions and earlier plans, related plans, named numberings,
//! matrices of two axes, and where the glossary's terms are marked.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use gyokaku_domain::state::item_level;
use gyokaku_domain::{
    walk_chapters, walk_nodes, AxisKind, AxisMark, Node, Period, PlanDocument, Revision, Span,
};

use crate::read::{GLOSSARY, NODES, PLAN};
use crate::validate::Ctx;

pub(crate) fn check(cx: &mut Ctx, doc: &PlanDocument) {
    parts(cx, doc);
    chapters(cx, doc);
    history(cx, doc);
    numberings(cx, doc);
    matrices(cx, doc);
    single_values(cx, doc);
    term_marks(cx, doc);
}

pub(crate) fn period(cx: &mut Ctx, file: &str, path: String, p: Option<Period>) {
    if let Some(p) = p {
        if p.from > p.to {
            cx.err(
                file,
                path,
                format!(
                    "期間の開始 {} が終了 {} より後です",
                    p.from.wareki(),
                    p.to.wareki()
                ),
                format!(
                    "period starts ({}) after it ends ({})",
                    p.from.english(),
                    p.to.english()
                ),
            );
        }
    }
}

/// Another plan's period: one end or both, the start not after the end.
fn span(cx: &mut Ctx, path: String, s: Option<Span>) {
    match s {
        Some(Span {
            from: Some(from),
            to: Some(to),
        }) => period(cx, PLAN, path, Some(Period { from, to })),
        Some(Span {
            from: None,
            to: None,
        }) => cx.err(
            PLAN,
            path,
            "期間には from（始期）か to（終期）の少なくとも一方を書きます",
            "a period needs from (first year) or to (last year), or both",
        ),
        _ => {}
    }
}

fn not_empty(cx: &mut Ctx, file: &str, path: String, text: &str) {
    if text.trim().is_empty() {
        cx.err(
            file,
            path,
            "空です（文字を書いてください）",
            "is empty (write some text)",
        );
    }
}

fn parts(cx: &mut Ctx, doc: &PlanDocument) {
    let levels: Vec<&str> = doc.header.levels.iter().map(|l| l.key.as_str()).collect();
    for (i, part) in doc.header.plan.parts.iter().enumerate() {
        not_empty(cx, PLAN, format!("plan.parts[{i}].title"), &part.title);
        period(cx, PLAN, format!("plan.parts[{i}].period"), part.period);
        for (j, l) in part.levels.iter().enumerate() {
            if !levels.contains(&l.as_str()) {
                cx.err(
                    PLAN,
                    format!("plan.parts[{i}].levels[{j}]"),
                    format!("階層「{l}」は levels にありません（{}）", levels.join(", ")),
                    format!("level '{l}' is not in levels ({})", levels.join(", ")),
                );
            }
        }
    }
}

fn chapters(cx: &mut Ctx, doc: &PlanDocument) {
    let all = walk_chapters(&doc.header.chapters);
    cx.unique(
        PLAN,
        "章 id",
        "chapter id",
        all.iter()
            .map(|(c, _)| (format!("chapters[id={}].id", c.id), c.id.as_str())),
    );
    for (c, _) in &all {
        if !valid_key(&c.id) {
            cx.err(
                PLAN,
                format!("chapters[id={}].id", c.id),
                format!(
                    "章 id「{}」は英数字・ハイフン・下線で書いてください（例: ch1-2）",
                    c.id
                ),
                format!(
                    "chapter id '{}' must use letters, digits, '-' and '_' (e.g. ch1-2)",
                    c.id
                ),
            );
        }
        match (&c.title, &c.number, &c.body) {
            (Some(t), _, _) => not_empty(cx, PLAN, format!("chapters[id={}].title", c.id), t),
            (None, None, None) if c.children.is_empty() => cx.err(
                PLAN,
                format!("chapters[id={}]", c.id),
                "見出しも番号も本文もない章です（title・number・body のいずれかを書きます）",
                "a chapter with no heading, number or text (give title, number or body)",
            ),
            _ => {}
        }
    }
}

/// A key that may appear in a file name or a URL of the published site.
fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 64
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn revisions(cx: &mut Ctx, at: &str, list: &[Revision]) {
    for (i, r) in list.iter().enumerate() {
        not_empty(cx, PLAN, format!("{at}[{i}].kind"), &r.kind);
        period(cx, PLAN, format!("{at}[{i}].period"), r.period);
    }
}

fn history(cx: &mut Ctx, doc: &PlanDocument) {
    let h = &doc.header;
    revisions(cx, "revisions", &h.revisions);
    for (i, p) in h.predecessors.iter().enumerate() {
        not_empty(cx, PLAN, format!("predecessors[{i}].title"), &p.title);
        span(cx, format!("predecessors[{i}].period"), p.period);
        revisions(cx, &format!("predecessors[{i}].revisions"), &p.revisions);
    }
    for (i, r) in h.related_plans.iter().enumerate() {
        not_empty(cx, PLAN, format!("related_plans[{i}].title"), &r.title);
        span(cx, format!("related_plans[{i}].period"), r.period);
    }
}

fn numberings(cx: &mut Ctx, doc: &PlanDocument) {
    let h = &doc.header;
    cx.unique(
        PLAN,
        "番号の付け方キー",
        "numbering key",
        h.numberings
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("numberings[{i}].key"), n.key.as_str())),
    );
    let keys: Vec<&str> = h.numberings.iter().map(|n| n.key.as_str()).collect();
    for (n, _, _) in walk_nodes(&doc.nodes) {
        for (key, printed) in &n.numbers {
            let at = format!("[id={}].numbers.{key}", n.id);
            if !keys.contains(&key.as_str()) {
                cx.err(
                    NODES,
                    at,
                    format!(
                        "番号の付け方「{key}」は plan.yaml の numberings にありません（{}）",
                        keys.join(", ")
                    ),
                    format!(
                        "numbering '{key}' is not in plan.yaml numberings ({})",
                        keys.join(", ")
                    ),
                );
            } else if printed.trim().is_empty() {
                cx.err(NODES, at, "番号が空です", "the number is empty");
            }
        }
    }
}

fn matrices(cx: &mut Ctx, doc: &PlanDocument) {
    let h = &doc.header;
    let mut usable = Vec::new();
    for (i, m) in h.matrices.iter().enumerate() {
        let mut ok = true;
        for (field, key) in [("rows", &m.rows), ("columns", &m.columns)] {
            match h.axes.iter().find(|a| &a.key == key) {
                None => {
                    ok = false;
                    cx.err(
                        PLAN,
                        format!("matrices[{i}].{field}"),
                        format!("分類軸「{key}」は axes にありません"),
                        format!("axis '{key}' is not in axes"),
                    );
                }
                Some(a) if a.kind != AxisKind::Single => {
                    ok = false;
                    cx.err(
                        PLAN,
                        format!("matrices[{i}].{field}"),
                        format!(
                            "マトリクスの軸「{}」は kind: single（一つの値）である必要があります",
                            a.name
                        ),
                        format!(
                            "matrix axis '{}' must be of kind single (one value)",
                            a.name
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        if m.rows == m.columns {
            ok = false;
            cx.err(
                PLAN,
                format!("matrices[{i}].columns"),
                "マトリクスの行と列に同じ分類軸は使えません",
                "a matrix needs two different axes for rows and columns",
            );
        }
        if ok {
            usable.push(m);
        }
    }
    // Every item sits in one cell of each matrix: a value on both axes,
    // its own or inherited from the nodes above it.
    for (item, marks) in item_marks(doc) {
        for m in &usable {
            for key in [&m.rows, &m.columns] {
                if !marks.contains_key(key.as_str()) {
                    let name = axis_name(doc, key);
                    cx.err(
                        NODES,
                        format!("[id={}].axes.{key}", item.id),
                        format!(
                            "この取組にはマトリクスの軸「{name}」の値がありません（マトリクスのどのセルにも入りません）"
                        ),
                        format!(
                            "this item has no value on the matrix axis '{name}' (it would fall in no cell)"
                        ),
                    );
                }
            }
        }
    }
}

fn axis_name<'a>(doc: &'a PlanDocument, key: &'a str) -> &'a str {
    doc.header
        .axes
        .iter()
        .find(|a| a.key == key)
        .map_or(key, |a| a.name.as_str())
}

/// Each item (a node at the item level) with the values it carries on
/// each axis, its own and those of the nodes above it: (code, the node
/// that marks it).
/// An item's values by axis key: (code, the node that marks it); a flag
/// has the empty code.
type Marks<'a> = BTreeMap<&'a str, Vec<(&'a str, &'a str)>>;

fn item_marks(doc: &PlanDocument) -> Vec<(&Node, Marks<'_>)> {
    fn walk<'a>(
        n: &'a Node,
        item_level: &str,
        above: &Marks<'a>,
        out: &mut Vec<(&'a Node, Marks<'a>)>,
    ) {
        let mut marks = above.clone();
        for (axis, mark) in &n.axes {
            let codes: Vec<&str> = match mark {
                AxisMark::Codes(c) => c.iter().map(String::as_str).collect(),
                AxisMark::Flag(true) => vec![""],
                AxisMark::Flag(false) => vec![],
            };
            for c in codes {
                marks
                    .entry(axis.as_str())
                    .or_default()
                    .push((c, n.id.as_str()));
            }
        }
        if n.level == item_level {
            out.push((n, marks.clone()));
        }
        for c in &n.children {
            walk(c, item_level, &marks, out);
        }
    }
    let mut out = Vec::new();
    if let Some(level) = item_level(&doc.header.levels, &doc.nodes) {
        for n in &doc.nodes {
            walk(n, &level.key, &BTreeMap::new(), &mut out);
        }
    }
    out
}

/// One value per item on a single axis, counting those it inherits: a
/// value on a node and another on a node above it are two.
fn single_values(cx: &mut Ctx, doc: &PlanDocument) {
    let single: Vec<&str> = doc
        .header
        .axes
        .iter()
        .filter(|a| a.kind == AxisKind::Single)
        .map(|a| a.key.as_str())
        .collect();
    for (item, marks) in item_marks(doc) {
        for (axis, values) in &marks {
            let from: BTreeSet<&str> = values.iter().map(|(_, n)| *n).collect();
            // Two codes on the item's own node are reported where they are
            // written (check_nodes); here, those that meet by inheritance.
            if single.contains(axis) && values.len() > 1 && from.len() > 1 {
                let name = axis_name(doc, axis);
                let list: Vec<String> = values.iter().map(|(c, n)| format!("{c}（{n}）")).collect();
                cx.err(
                    NODES,
                    format!("[id={}].axes.{axis}", item.id),
                    format!(
                        "「{name}」は一つの値だけの分類ですが、この取組は上位の項目から受け継いだ値と合わせて {} 個の値を持ちます: {}",
                        values.len(),
                        list.join("、")
                    ),
                    format!(
                        "'{name}' takes one value, but this item has {} with those inherited from the nodes above it: {}",
                        values.len(),
                        list.join(", ")
                    ),
                );
            }
        }
    }
}

fn term_marks(cx: &mut Ctx, doc: &PlanDocument) {
    let nodes: HashSet<&str> = walk_nodes(&doc.nodes)
        .iter()
        .map(|(n, _, _)| n.id.as_str())
        .collect();
    let chapters: HashSet<&str> = walk_chapters(&doc.header.chapters)
        .iter()
        .map(|(c, _)| c.id.as_str())
        .collect();
    for (i, t) in doc.glossary.iter().enumerate() {
        for (j, m) in t.marks.iter().enumerate() {
            let at = format!("[{i}].marks[{j}]");
            match (&m.node, &m.chapter) {
                (Some(n), None) if !nodes.contains(n.as_str()) => cx.err(
                    GLOSSARY,
                    format!("{at}.node"),
                    format!("項目「{n}」は nodes.yaml にありません"),
                    format!("node '{n}' is not in nodes.yaml"),
                ),
                (None, Some(c)) if !chapters.contains(c.as_str()) => cx.err(
                    GLOSSARY,
                    format!("{at}.chapter"),
                    format!("章「{c}」は plan.yaml の chapters にありません"),
                    format!("chapter '{c}' is not in plan.yaml chapters"),
                ),
                (Some(_), None) | (None, Some(_)) => {}
                _ => cx.err(
                    GLOSSARY,
                    at,
                    "node（項目 id）か chapter（章 id）のどちらか一方を書きます",
                    "give either node (a node id) or chapter (a chapter id), not both or neither",
                ),
            }
        }
    }
}
