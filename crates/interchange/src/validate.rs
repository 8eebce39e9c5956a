//! Cross-checks of a parsed plan folder: references resolve, keys are
//! unique, numbers do not repeat, marks fit their axes. Department names as
//! plans write them, `(総)総務課`, are resolved to department ids here.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use gyokaku_domain::{
    text::compact, walk_nodes, AxisKind, AxisMark, Department, DepartmentKind, Node, PlanDocument,
    FORMAT,
};

use crate::error::ImportError;
use crate::read::{DEPARTMENTS, GLOSSARY, INDICATORS, NODES, PLAN};

pub(crate) struct Ctx<'a> {
    dir: &'a Path,
    errors: &'a mut Vec<ImportError>,
}

impl Ctx<'_> {
    pub(crate) fn err(
        &mut self,
        file: &str,
        path: impl Into<String>,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.errors
            .push(ImportError::yaml(self.dir.join(file), path, ja, en));
    }

    pub(crate) fn unique<'b>(
        &mut self,
        file: &str,
        what_ja: &str,
        what_en: &str,
        items: impl IntoIterator<Item = (String, &'b str)>,
    ) {
        let mut seen = HashSet::new();
        for (path, key) in items {
            if !seen.insert(key.to_string()) {
                self.err(
                    file,
                    path,
                    format!("{what_ja}「{key}」が重複しています"),
                    format!("duplicate {what_en} '{key}'"),
                );
            }
        }
    }
}

/// Levels a plan may have: far above any plan (石岡 2, 安中 3), low enough
/// that nodes never nest deeper than readers and writers recurse.
pub(crate) const MAX_LEVELS: usize = 10;

pub(crate) fn check_plan(dir: &Path, doc: &mut PlanDocument, errors: &mut Vec<ImportError>) {
    let mut cx = Ctx { dir, errors };
    check_header(&mut cx, doc);
    check_departments(&mut cx, doc);
    resolve_departments(&mut cx, doc);
    check_nodes(&mut cx, doc);
    check_indicators(&mut cx, doc);
    check_retired(&mut cx, doc);
    crate::validate_printed::check(&mut cx, doc);
    cx.unique(
        GLOSSARY,
        "用語",
        "term",
        doc.glossary
            .iter()
            .enumerate()
            .map(|(i, g)| (format!("[{i}].term"), g.term.as_str())),
    );
}

fn check_header(cx: &mut Ctx, doc: &PlanDocument) {
    let h = &doc.header;
    if h.format != FORMAT {
        cx.err(
            PLAN,
            "format",
            format!(
                "format は {FORMAT} である必要があります（実際: {}）",
                h.format
            ),
            format!("format must be {FORMAT} (found: {})", h.format),
        );
    }
    let id = &h.plan.id;
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        cx.err(
            PLAN,
            "plan.id",
            format!("計画 id「{id}」は英小文字・数字・ハイフンで書いてください（例: taiko-4）"),
            format!("plan id '{id}' must use a-z, 0-9 and '-' (e.g. taiko-4)"),
        );
    }
    // No period is a standing plan (期間の定めなし), draft or adopted.
    crate::validate_printed::period(cx, PLAN, "plan.period".into(), h.plan.period);
    if h.levels.is_empty() {
        cx.err(
            PLAN,
            "levels",
            "階層（levels）が一つ以上必要です",
            "at least one level is required",
        );
    }
    if h.levels.len() > MAX_LEVELS {
        cx.err(
            PLAN,
            "levels",
            format!(
                "階層（levels）は{MAX_LEVELS}段までです（{}段あります）",
                h.levels.len()
            ),
            format!(
                "a plan has at most {MAX_LEVELS} levels (found {})",
                h.levels.len()
            ),
        );
    }
    for (i, _) in h.levels.iter().enumerate().filter(|(_, l)| l.items).skip(1) {
        cx.err(
            PLAN,
            format!("levels[{i}].items"),
            "取組の階層（items: true）は一つだけ指定できます",
            "only one level may be marked as the item level (items: true)",
        );
    }
    cx.unique(
        PLAN,
        "階層キー",
        "level key",
        h.levels
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("levels[{i}].key"), l.key.as_str())),
    );
    cx.unique(
        PLAN,
        "セクションキー",
        "section key",
        h.sections
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("sections[{i}].key"), s.key.as_str())),
    );
    cx.unique(
        PLAN,
        "評価区分コード",
        "status code",
        h.status_scale
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("status_scale[{i}].code"), s.code.as_str())),
    );
    cx.unique(
        PLAN,
        "分類軸キー",
        "axis key",
        h.axes
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("axes[{i}].key"), a.key.as_str())),
    );
    for (i, axis) in h.axes.iter().enumerate() {
        cx.unique(
            PLAN,
            "分類コード",
            "axis value code",
            axis.values
                .iter()
                .enumerate()
                .map(|(j, v)| (format!("axes[{i}].values[{j}].code"), v.code.as_str())),
        );
        match axis.kind {
            AxisKind::Flag if !axis.values.is_empty() => cx.err(
                PLAN,
                format!("axes[{i}].values"),
                "flag の分類軸には values を書きません",
                "a flag axis has no values",
            ),
            AxisKind::Multi | AxisKind::Single if axis.values.is_empty() => cx.err(
                PLAN,
                format!("axes[{i}].values"),
                "この分類軸には values が必要です",
                "this axis needs values",
            ),
            _ => {}
        }
    }
    let codes: Vec<&str> = h.status_scale.iter().map(|s| s.code.as_str()).collect();
    for (i, rs) in h.recorded_summaries.iter().enumerate() {
        let mut sum = 0;
        for (j, c) in rs.counts.iter().enumerate() {
            sum += c.count;
            if !codes.contains(&c.status.as_str()) {
                cx.err(
                    PLAN,
                    format!("recorded_summaries[{i}].counts[{j}].status"),
                    format!(
                        "「{}」は評価区分にありません（{}）",
                        c.status,
                        codes.join(" / ")
                    ),
                    format!(
                        "'{}' is not on the status scale ({})",
                        c.status,
                        codes.join(" / ")
                    ),
                );
            }
        }
        if sum != rs.total {
            cx.err(
                PLAN,
                format!("recorded_summaries[{i}].total"),
                format!("件数の合計 {sum} が合計欄 {} と一致しません", rs.total),
                format!("the counts add up to {sum} but total says {}", rs.total),
            );
        }
    }
    cx.unique(
        PLAN,
        "財政比率",
        "fiscal threshold",
        h.fiscal_thresholds
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("fiscal_thresholds[{i}].ratio"), t.ratio.key())),
    );
}

fn check_departments(cx: &mut Ctx, doc: &PlanDocument) {
    let flat = doc.organisation.flatten();
    let ids: HashSet<&str> = flat.iter().map(|(d, _)| d.id.as_str()).collect();
    cx.unique(
        DEPARTMENTS,
        "部署 id",
        "department id",
        flat.iter()
            .map(|(d, _)| (format!("departments[id={}]", d.id), d.id.as_str())),
    );
    for (d, _) in &flat {
        if let Some(s) = &d.successor {
            if !ids.contains(s.as_str()) {
                cx.err(
                    DEPARTMENTS,
                    format!("departments[id={}].successor", d.id),
                    format!("後継の部署「{s}」がありません"),
                    format!("successor department '{s}' does not exist"),
                );
            }
        }
        if d.kind == DepartmentKind::Pseudo && !d.children.is_empty() {
            cx.err(
                DEPARTMENTS,
                format!("departments[id={}].children", d.id),
                "全庁・関係各課などの仮の部署には下位の部署を置けません",
                "a pseudo-department cannot have sub-units",
            );
        }
        if let (Some(from), Some(to)) = (d.valid_from, d.valid_to) {
            if from > to {
                cx.err(
                    DEPARTMENTS,
                    format!("departments[id={}].valid_to", d.id),
                    "有効期間の終わりが始まりより前です",
                    "valid_to is before valid_from",
                );
            }
        }
    }
    let mut abbreviations = HashSet::new();
    for (d, _) in &flat {
        if let Some(a) = &d.abbreviation {
            if !abbreviations.insert(a.as_str()) {
                cx.err(
                    DEPARTMENTS,
                    format!("departments[id={}].abbreviation", d.id),
                    format!("略称「{a}」が重複しています"),
                    format!("duplicate abbreviation '{a}'"),
                );
            }
        }
    }
}

/// Finds a department written as the plan writes it: its id, or
/// `(略)名` — the abbreviation of a unit, then the name of a unit under it.
fn resolve_department<'a>(
    written: &str,
    flat: &[(&'a Department, Option<&'a str>)],
) -> Option<&'a str> {
    if let Some((d, _)) = flat.iter().find(|(d, _)| d.id == written) {
        return Some(&d.id);
    }
    let s = compact(written);
    let inner = s.strip_prefix('(')?;
    let (abbr, name) = inner.split_once(')')?;
    let (unit, _) = flat
        .iter()
        .find(|(d, _)| d.abbreviation.as_deref() == Some(abbr))?;
    if name.is_empty() {
        return Some(&unit.id);
    }
    fn find<'b>(d: &'b Department, name: &str) -> Option<&'b str> {
        d.children.iter().find_map(|c| {
            if c.name == name {
                Some(c.id.as_str())
            } else {
                find(c, name)
            }
        })
    }
    find(unit, name)
}

fn resolve_departments(cx: &mut Ctx, doc: &mut PlanDocument) {
    let flat = doc.organisation.flatten();
    let mut resolved: HashMap<String, Vec<Result<String, String>>> = HashMap::new();
    for (n, _, _) in walk_nodes(&doc.nodes) {
        let r = n
            .departments
            .iter()
            .map(|w| {
                resolve_department(w, &flat)
                    .map(str::to_string)
                    .ok_or_else(|| w.clone())
            })
            .collect();
        resolved.insert(n.id.clone(), r);
    }
    let known: Vec<String> = flat
        .iter()
        .filter_map(|(d, _)| d.abbreviation.as_ref().map(|a| format!("({a}){}", d.name)))
        .collect();
    fn apply(
        nodes: &mut [Node],
        resolved: &HashMap<String, Vec<Result<String, String>>>,
        cx: &mut Ctx,
        known: &[String],
    ) {
        for n in nodes.iter_mut() {
            if let Some(list) = resolved.get(&n.id) {
                let mut out = Vec::new();
                for (i, r) in list.iter().enumerate() {
                    match r {
                        Ok(id) => out.push(id.clone()),
                        Err(w) => {
                            let hint = if known.is_empty() {
                                String::new()
                            } else {
                                format!("（略称: {}）", known.join("、"))
                            };
                            cx.err(
                                NODES,
                                format!("[id={}].departments[{i}]", n.id),
                                format!("部署「{w}」は departments.yaml にありません{hint}"),
                                format!("department '{w}' is not in departments.yaml"),
                            );
                            out.push(w.clone());
                        }
                    }
                }
                n.departments = out;
            }
            apply(&mut n.children, resolved, cx, known);
        }
    }
    apply(&mut doc.nodes, &resolved, cx, &known);
}

fn check_nodes(cx: &mut Ctx, doc: &PlanDocument) {
    let h = &doc.header;
    let level_index: HashMap<&str, usize> = h
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.key.as_str(), i))
        .collect();
    let sections: HashSet<&str> = h.sections.iter().map(|s| s.key.as_str()).collect();
    let all = walk_nodes(&doc.nodes);
    cx.unique(
        NODES,
        "項目 id",
        "node id",
        all.iter()
            .map(|(n, _, _)| (format!("[id={}]", n.id), n.id.as_str())),
    );
    let level_names: Vec<&str> = h.levels.iter().map(|l| l.key.as_str()).collect();
    for (n, _depth, parent) in &all {
        let at = |field: &str| format!("[id={}].{field}", n.id);
        match level_index.get(n.level.as_str()) {
            None => cx.err(
                NODES,
                at("level"),
                format!(
                    "階層「{}」は plan.yaml の levels にありません（{}）",
                    n.level,
                    level_names.join(", ")
                ),
                format!(
                    "level '{}' is not in plan.yaml levels ({})",
                    n.level,
                    level_names.join(", ")
                ),
            ),
            Some(&li) => {
                let parent_li = parent.and_then(|p| level_index.get(p.level.as_str()).copied());
                let ok = match (parent, parent_li) {
                    (None, _) => li == 0,
                    (Some(_), Some(pl)) => li > pl,
                    (Some(_), None) => true,
                };
                if !ok {
                    let expected = match parent_li {
                        None => h.levels.first().map(|l| l.key.clone()).unwrap_or_default(),
                        Some(pl) => h
                            .levels
                            .get(pl + 1..)
                            .map(|ls| {
                                ls.iter()
                                    .map(|l| l.key.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" / ")
                            })
                            .unwrap_or_default(),
                    };
                    cx.err(
                        NODES,
                        at("level"),
                        format!(
                            "この位置の階層は {expected} である必要があります（実際: {}）",
                            n.level
                        ),
                        format!(
                            "a node here must be of level {expected} (found: {})",
                            n.level
                        ),
                    );
                }
            }
        }
        if n.title.trim().is_empty() {
            cx.err(NODES, at("title"), "名称が空です", "title is empty");
        }
        for key in n.sections.keys() {
            if !sections.contains(key.as_str()) {
                cx.err(
                    NODES,
                    at(&format!("sections.{key}")),
                    format!("セクション「{key}」は plan.yaml の sections にありません"),
                    format!("section '{key}' is not in plan.yaml sections"),
                );
            }
        }
        let mut sdgs = HashSet::new();
        for (i, g) in n.sdgs.iter().enumerate() {
            if !(1..=17).contains(g) || !sdgs.insert(*g) {
                cx.err(
                    NODES,
                    at(&format!("sdgs[{i}]")),
                    format!("SDGs の目標番号は 1〜17 で重複なしです（{g}）"),
                    format!("SDG goals are 1-17 without repeats ({g})"),
                );
            }
        }
        for (key, mark) in &n.axes {
            let Some(axis) = h.axes.iter().find(|a| &a.key == key) else {
                cx.err(
                    NODES,
                    at(&format!("axes.{key}")),
                    format!("分類軸「{key}」は plan.yaml の axes にありません"),
                    format!("axis '{key}' is not in plan.yaml axes"),
                );
                continue;
            };
            let codes: Vec<&str> = axis.values.iter().map(|v| v.code.as_str()).collect();
            match (axis.kind, mark) {
                (AxisKind::Flag, AxisMark::Flag(_)) => {}
                (AxisKind::Flag, _) => cx.err(
                    NODES,
                    at(&format!("axes.{key}")),
                    format!("「{}」は true / false で書きます", axis.name),
                    format!("'{}' is a flag: write true or false", axis.name),
                ),
                (_, AxisMark::Flag(_)) => cx.err(
                    NODES,
                    at(&format!("axes.{key}")),
                    format!(
                        "「{}」は分類コードの一覧で書きます（{}）",
                        axis.name,
                        codes.join(", ")
                    ),
                    format!(
                        "'{}' takes a list of codes ({})",
                        axis.name,
                        codes.join(", ")
                    ),
                ),
                (kind, AxisMark::Codes(list)) => {
                    if kind == AxisKind::Single && list.len() != 1 {
                        cx.err(
                            NODES,
                            at(&format!("axes.{key}")),
                            format!("「{}」はコードを一つだけ書きます", axis.name),
                            format!("'{}' takes exactly one code", axis.name),
                        );
                    }
                    let mut seen = HashSet::new();
                    for (i, c) in list.iter().enumerate() {
                        if !codes.contains(&c.as_str()) {
                            cx.err(
                                NODES,
                                at(&format!("axes.{key}[{i}]")),
                                format!(
                                    "「{c}」は「{}」の分類にありません（{}）",
                                    axis.name,
                                    codes.join(", ")
                                ),
                                format!(
                                    "'{c}' is not a value of '{}' ({})",
                                    axis.name,
                                    codes.join(", ")
                                ),
                            );
                        } else if !seen.insert(c) {
                            cx.err(
                                NODES,
                                at(&format!("axes.{key}[{i}]")),
                                format!("「{c}」が重複しています"),
                                format!("'{c}' is repeated"),
                            );
                        }
                    }
                }
            }
        }
        if let Some(p) = n.period {
            if p.from > p.to {
                cx.err(
                    NODES,
                    at("period"),
                    "期間の開始が終了より後です",
                    "period starts after it ends",
                );
            }
        }
        check_sibling_numbers(cx, &n.children);
    }
    check_sibling_numbers(cx, &doc.nodes);
}

/// Siblings may not repeat a number.
/// Retired nodes and indicators (see docs/revisions.md): a merger names a
/// node still reported on; nothing reported on sits under a retired node
/// or measures one.
fn check_retired(cx: &mut Ctx, doc: &PlanDocument) {
    let all = walk_nodes(&doc.nodes);
    let retired: HashMap<&str, bool> = all
        .iter()
        .map(|(n, _, _)| (n.id.as_str(), n.retired.is_some()))
        .collect();
    let mut under_retired: HashSet<&str> = HashSet::new();
    for (n, _, parent) in &all {
        let parent_gone =
            parent.is_some_and(|p| p.retired.is_some() || under_retired.contains(p.id.as_str()));
        if parent_gone {
            under_retired.insert(n.id.as_str());
            if n.retired.is_none() {
                let p = parent.map(|p| p.id.as_str()).unwrap_or_default();
                cx.err(
                    NODES,
                    format!("[id={}]", n.id),
                    format!("項目「{}」は廃止・統合された「{p}」の下にあります。別の項目の下へ移すか、retired を書いてください", n.id),
                    format!("node '{}' sits under retired node '{p}': move it, or retire it too", n.id),
                );
            }
        }
        let Some(r) = &n.retired else { continue };
        if let Some(into) = &r.into {
            let at = format!("[id={}].retired.into", n.id);
            match retired.get(into.as_str()) {
                None => cx.err(
                    NODES,
                    at,
                    format!("統合先の項目「{into}」は nodes.yaml にありません"),
                    format!("node '{into}' (merged into) is not in nodes.yaml"),
                ),
                Some(_) if into == &n.id => cx.err(
                    NODES,
                    at,
                    "項目を自分自身へ統合することはできません",
                    "a node cannot be merged into itself",
                ),
                Some(true) => cx.err(
                    NODES,
                    at,
                    format!("統合先の項目「{into}」も廃止・統合されています。報告が続く項目を指定してください"),
                    format!("node '{into}' (merged into) is retired too; name a node still reported on"),
                ),
                Some(false) => {}
            }
        }
    }
    for ind in doc.indicators.iter().filter(|i| i.retired.is_none()) {
        let Some(node) = &ind.node else { continue };
        if retired.get(node.as_str()) == Some(&true) || under_retired.contains(node.as_str()) {
            cx.err(
                INDICATORS,
                format!("[id={}].node", ind.id),
                format!("項目「{node}」は廃止・統合されています。指標を別の項目へ移すか、retired を書いてください"),
                format!("node '{node}' is retired: move the indicator, or retire it too"),
            );
        }
    }
}

fn check_sibling_numbers(cx: &mut Ctx, siblings: &[Node]) {
    let mut numbers = HashMap::new();
    // A retired node keeps its old number; a new one may take it.
    for c in siblings.iter().filter(|c| c.retired.is_none()) {
        if let Some(num) = c.number {
            if let Some(first) = numbers.insert(num, c.id.as_str()) {
                cx.err(
                    NODES,
                    format!("[id={}].number", c.id),
                    format!("番号 {num} は同じ階層の「{first}」と重複しています"),
                    format!("number {num} repeats that of sibling '{first}'"),
                );
            }
        }
    }
}

fn check_indicators(cx: &mut Ctx, doc: &PlanDocument) {
    let node_ids: HashSet<&str> = walk_nodes(&doc.nodes)
        .iter()
        .map(|(n, _, _)| n.id.as_str())
        .collect();
    cx.unique(
        INDICATORS,
        "指標 id",
        "indicator id",
        doc.indicators
            .iter()
            .map(|i| (format!("[id={}]", i.id), i.id.as_str())),
    );
    for ind in &doc.indicators {
        let at = |f: &str| format!("[id={}].{f}", ind.id);
        if let Some(node) = &ind.node {
            if !node_ids.contains(node.as_str()) {
                cx.err(
                    INDICATORS,
                    at("node"),
                    format!("項目「{node}」は nodes.yaml にありません"),
                    format!("node '{node}' is not in nodes.yaml"),
                );
            }
        }
        if let Some(b) = &ind.baseline {
            if b.value.is_some() == b.pending.is_some() {
                cx.err(
                    INDICATORS,
                    at("baseline"),
                    "基準値は value（数値）か pending（未定の書き方）のどちらか一方を書きます",
                    "a baseline has either value or pending, not both or neither",
                );
            }
        }
        if let Some(t) = &ind.target {
            if t.kind.needs_value() && t.value.is_none() {
                cx.err(
                    INDICATORS,
                    at("target.value"),
                    "この種類の目標には value（数値）が必要です",
                    "this kind of target needs a value",
                );
            }
            if !t.kind.needs_value() && t.value.is_some() {
                cx.err(
                    INDICATORS,
                    at("target.value"),
                    "この種類の目標には value を書きません（text に書いてください）",
                    "this kind of target takes no value (use text)",
                );
            }
        }
    }
}
