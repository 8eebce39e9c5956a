//! Checks of what a plan prints beside its outline: titled parts, front
//! chapters, revisions and earlier plans, related plans, named numberings,
//! matrices of two axes, and where the glossary's terms are marked.

use std::collections::HashSet;

use gyokaku_domain::{
    classify, walk_chapters, walk_nodes, AxisKind, Period, PlanDocument, PlanModel, Revision,
};

use crate::read::{GLOSSARY, NODES, PLAN};
use crate::validate::Ctx;

pub(crate) fn check(cx: &mut Ctx, doc: &PlanDocument) {
    parts(cx, doc);
    chapters(cx, doc);
    history(cx, doc);
    numberings(cx, doc);
    matrices(cx, doc);
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
        not_empty(cx, PLAN, format!("chapters[id={}].title", c.id), &c.title);
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
        period(cx, PLAN, format!("predecessors[{i}].period"), p.period);
        revisions(cx, &format!("predecessors[{i}].revisions"), &p.revisions);
    }
    for (i, r) in h.related_plans.iter().enumerate() {
        not_empty(cx, PLAN, format!("related_plans[{i}].title"), &r.title);
        period(cx, PLAN, format!("related_plans[{i}].period"), r.period);
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
    if usable.is_empty() {
        return;
    }
    // Every item sits in one cell of each matrix: a value on both axes,
    // its own or inherited from the nodes above it.
    let model = PlanModel::new(doc.clone());
    for m in usable {
        for it in &model.items {
            for key in [&m.rows, &m.columns] {
                if !classify::placed_on(it, key) {
                    let name = h
                        .axes
                        .iter()
                        .find(|a| &a.key == key)
                        .map(|a| a.name.as_str())
                        .unwrap_or(key);
                    cx.err(
                        NODES,
                        format!("[id={}].axes.{key}", it.id),
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
