//! Open-data tables of what the plan printed beside its outline: the plan
//! itself (title, parts, period or none, draft), where each item is placed
//! on the plan's axes and SDGs, its other printed numbers, the front
//! chapters, the history (revisions, earlier plans), related plans, the
//! promotion bodies and members, meetings and the glossary with where the
//! text marks its terms.

use gyokaku_domain::present::{self, Lang};
use gyokaku_domain::{
    classify, walk_chapters, walk_nodes, AxisKind, BodyKind, Period, PlanDate, Revision, Span,
};

use super::{b, f, lg, opt, plan, req, unique, Base, Table, KEY3};
use crate::model::Publication;

/// `2025-03` or `2025-03-07`: plans print a month or a day.
const DATE_PATTERN: &str = "[0-9]{4}-[0-9]{2}(-[0-9]{2})?";

fn date_field(name: &'static str, title: &'static str, description: &'static str) -> super::Field {
    let mut field = f(name, "string", title, description);
    field.pattern = Some(DATE_PATTERN);
    field
}

fn date(d: Option<PlanDate>) -> String {
    opt(d)
}

fn period(p: Option<Period>) -> [String; 2] {
    [opt(p.map(|p| p.from.year())), opt(p.map(|p| p.to.year()))]
}

/// Another plan's period, either end perhaps missing.
fn span(s: Option<Span>) -> [String; 2] {
    [
        opt(s.and_then(|s| s.from).map(|y| y.year())),
        opt(s.and_then(|s| s.to).map(|y| y.year())),
    ]
}

fn period_fields() -> [super::Field; 2] {
    [
        f(
            "period_from",
            "year",
            "期間の始期（年度）",
            "first fiscal year of the period (empty: none stated)",
        ),
        f(
            "period_to",
            "year",
            "期間の終期（年度）",
            "last fiscal year of the period",
        ),
    ]
}

/// Every table of this module.
pub(super) fn tables(p: &Publication, base: &Base) -> Vec<Table> {
    vec![
        plan_table(p, base),
        parts(p, base),
        chapters(p, base),
        axes(p, base),
        matrices(p, base),
        numberings(p, base),
        item_classifications(p, base),
        item_sdgs(p, base),
        item_numbers(p, base),
        predecessors(p, base),
        revisions(p, base),
        related_plans(p, base),
        bodies(p, base),
        body_members(p, base),
        meetings(p, base),
        glossary(p, base),
        glossary_marks(p, base),
    ]
}

/// `plan`: one row describing the plan.
fn plan_table(p: &Publication, base: &Base) -> Table {
    let h = &p.doc.header;
    let [from, to] = period(h.plan.period);
    let mut fields = vec![
        lg(),
        plan(),
        req(f("city_name", "string", "団体名", "the city's name")),
        req(f(
            "prefecture",
            "string",
            "都道府県名",
            "the prefecture's name",
        )),
        req(f(
            "title",
            "string",
            "計画の名称",
            "the plan's title as printed",
        )),
        f("subtitle", "string", "副題", "subtitle"),
        f(
            "generation",
            "string",
            "次数",
            "generation as printed (第4次)",
        ),
        req(f(
            "draft",
            "boolean",
            "案か",
            "true while the plan is a draft (案, 素案); false for an adopted plan",
        )),
    ];
    fields.extend(period_fields());
    fields.extend([
        date_field(
            "published",
            "策定・公表日",
            "the date the plan document gives (a month or a day)",
        ),
        f(
            "mid_term_review_fy",
            "year",
            "中間見直し年度",
            "fiscal year of the mid-term review",
        ),
        f(
            "managing_office",
            "string",
            "所管課",
            "the office that manages the plan",
        ),
        f(
            "philosophy",
            "string",
            "基本的な考え方",
            "the plan's basic approach, as printed",
        ),
    ]);
    Table {
        name: "plan",
        title: "計画",
        description: "The plan: title as printed, draft or adopted, period (both empty for a standing plan without a fixed period), dates.",
        fields,
        primary_key: vec!["lgcode", "plan_id"],
        foreign_keys: vec![],
        rows: vec![base.row(vec![
            h.city.name.clone(),
            h.city.prefecture.clone(),
            h.plan.title.clone(),
            opt(h.plan.subtitle.as_deref()),
            opt(h.plan.generation.as_deref()),
            b(h.plan.draft),
            from,
            to,
            date(h.plan.published),
            opt(h.plan.mid_term_review_fy.map(|y| y.year())),
            opt(h.plan.managing_office.as_deref()),
            opt(h.plan.philosophy.as_deref()),
        ])],
    }
}

/// `plan_parts`: the titled parts a plan is printed as.
fn parts(p: &Publication, base: &Base) -> Table {
    let mut fields = vec![
        lg(),
        plan(),
        req(f(
            "part_no",
            "integer",
            "部の順",
            "the part's position, from 1",
        )),
        req(f("title", "string", "名称", "the part's title as printed")),
        f(
            "title_en",
            "string",
            "名称（英語）",
            "the part's title in English, where the plan gives one",
        ),
        f("subtitle", "string", "副題", "subtitle"),
        f("generation", "string", "次数", "generation as printed"),
    ];
    fields.extend(period_fields());
    fields.extend([
        date_field("published", "策定・公表日", "date the part gives"),
        f(
            "levels",
            "string",
            "収録する階層",
            "keys of the plan levels the part lists, separated by spaces",
        ),
        f("note", "string", "備考", "note"),
    ]);
    Table {
        name: "plan_parts",
        title: "計画の構成（部）",
        description: "The titled parts of a plan printed as several (a 大綱 part and an 実施計画 part), in order.",
        fields,
        primary_key: vec!["lgcode", "plan_id", "part_no"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .plan
            .parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let [from, to] = period(part.period);
                base.row(vec![
                    (i + 1).to_string(),
                    part.title.clone(),
                    opt(part.title_en.as_deref()),
                    opt(part.subtitle.as_deref()),
                    opt(part.generation.as_deref()),
                    from,
                    to,
                    date(part.published),
                    part.levels.join(" "),
                    opt(part.note.as_deref()),
                ])
            })
            .collect(),
    }
}

/// `chapters`: the front chapters and sections, in reading order.
fn chapters(p: &Publication, base: &Base) -> Table {
    let mut rows = Vec::new();
    fn walk(
        cs: &[gyokaku_domain::Chapter],
        parent: Option<&str>,
        base: &Base,
        rows: &mut Vec<Vec<String>>,
    ) {
        for c in cs {
            rows.push(base.row(vec![
                c.id.clone(),
                opt(parent),
                (rows.len() + 1).to_string(),
                opt(c.number.as_deref()),
                opt(c.title.as_deref()),
                opt(c.title_en.as_deref()),
                opt(c.body.as_deref()),
                b(c.outline),
                opt(c.note.as_deref()),
            ]));
            walk(&c.children, Some(&c.id), base, rows);
        }
    }
    walk(&p.doc.header.chapters, None, base, &mut rows);
    Table {
        name: "chapters",
        title: "章・節",
        description: "The plan's front chapters and sections (はじめに, 策定の趣旨, 推進体制 …) in reading order, with their text as printed.",
        fields: vec![
            lg(),
            plan(),
            unique(req(f("chapter_id", "string", "章ID", "the chapter's id in the plan"))),
            f("parent_id", "string", "親の章ID", "the enclosing chapter (empty at the top)"),
            req(f("position", "integer", "順序", "reading order, from 1")),
            f("number", "string", "番号", "the number as printed (第1章, 2, (3))"),
            f("title", "string", "見出し", "heading (empty for a section printed without one)"),
            f("title_en", "string", "見出し（英語）", "heading in English, where the plan gives one"),
            f("body", "string", "本文", "text"),
            req(f("holds_outline", "boolean", "体系を収める章か", "true where the chapter prints the plan's policies and items (items.csv)")),
            f("note", "string", "備考", "note on the transcription"),
        ],
        primary_key: vec!["lgcode", "plan_id", "chapter_id"],
        foreign_keys: vec![(vec!["parent_id"], "", vec!["chapter_id"])],
        rows,
    }
}

fn axis_kind(k: AxisKind) -> &'static str {
    match k {
        AxisKind::Single => "single",
        AxisKind::Multi => "multi",
        AxisKind::Flag => "flag",
    }
}

/// `axes`: the plan's classification axes with their values, one row per
/// value (a flag axis: one row without a value).
fn axes(p: &Publication, base: &Base) -> Table {
    let mut rows = Vec::new();
    for (i, a) in p.doc.header.axes.iter().enumerate() {
        let head =
            |rows: &mut Vec<Vec<String>>, pos: usize, v: Option<&gyokaku_domain::AxisValue>| {
                rows.push(base.row(vec![
                    a.key.clone(),
                    (i + 1).to_string(),
                    a.name.clone(),
                    opt(a.name_en.as_deref()),
                    axis_kind(a.kind).to_string(),
                    pos.to_string(),
                    opt(v.map(|v| v.code.as_str())),
                    opt(v.and_then(|v| v.number.as_deref())),
                    opt(v.map(|v| v.label.as_str())),
                    opt(v.and_then(|v| v.label_en.as_deref())),
                    opt(v.and_then(|v| v.description.as_deref())),
                ]));
            };
        if a.values.is_empty() {
            head(&mut rows, 1, None);
        }
        for (j, v) in a.values.iter().enumerate() {
            head(&mut rows, j + 1, Some(v));
        }
    }
    Table {
        name: "axes",
        title: "分類軸",
        description: "The plan's classification axes and their values in the plan's order, with the numbers printed before the values; a flag axis (重点) has one row without a value. Item placements are in item_classifications.csv.",
        fields: vec![
            lg(),
            plan(),
            req(f("axis_key", "string", "分類軸キー", "the axis's key in the plan")),
            req(f("axis_no", "integer", "分類軸の順", "the axis's position, from 1")),
            req(f("axis_name", "string", "分類軸", "the axis's name")),
            f("axis_name_en", "string", "分類軸（英語）", "the axis's name in English"),
            super::one_of(
                req(f("axis_kind", "string", "分類軸の種類", "single (one value per item), multi (several), flag (a mark)")),
                vec!["single".into(), "multi".into(), "flag".into()],
            ),
            req(f("position", "integer", "順序", "the value's position on its axis, from 1")),
            f("value_code", "string", "分類コード", "the value's code (empty for a flag)"),
            f("value_number", "string", "分類の番号", "the number printed before the value ((1), ①)"),
            f("value_label", "string", "分類", "the value's label"),
            f("value_label_en", "string", "分類（英語）", "the value's label in English"),
            f("value_description", "string", "分類の説明", "what the plan says the value means"),
        ],
        primary_key: vec!["lgcode", "plan_id", "axis_key", "position"],
        foreign_keys: vec![],
        rows,
    }
}

/// `matrices`: the pairs of single axes the plan prints as a matrix.
fn matrices(p: &Publication, base: &Base) -> Table {
    Table {
        name: "matrices",
        title: "マトリクス",
        description: "Two single axes the plan prints as a matrix: items in the cells of rows × columns (their values in item_classifications.csv).",
        fields: vec![
            lg(),
            plan(),
            req(f("matrix_no", "integer", "順序", "position, from 1")),
            f("title", "string", "表題", "the matrix's title as printed"),
            req(f("rows_axis_key", "string", "行の分類軸", "the axis of the rows (axes.csv)")),
            req(f("columns_axis_key", "string", "列の分類軸", "the axis of the columns (axes.csv)")),
        ],
        primary_key: vec!["lgcode", "plan_id", "matrix_no"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .matrices
            .iter()
            .enumerate()
            .map(|(i, m)| {
                base.row(vec![
                    (i + 1).to_string(),
                    opt(m.title.as_deref()),
                    m.rows.clone(),
                    m.columns.clone(),
                ])
            })
            .collect(),
    }
}

/// `numberings`: the plan's other ways of numbering its nodes.
fn numberings(p: &Publication, base: &Base) -> Table {
    Table {
        name: "numberings",
        title: "番号の種類",
        description: "Numberings the plan prints beside its labels (実施番号); each node's numbers are in item_numbers.csv.",
        fields: vec![
            lg(),
            plan(),
            unique(req(f("numbering_key", "string", "番号の種類キー", "the numbering's key"))),
            req(f("name", "string", "名称", "its name")),
            f("name_en", "string", "名称（英語）", "its name in English"),
        ],
        primary_key: vec!["lgcode", "plan_id", "numbering_key"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .numberings
            .iter()
            .map(|n| base.row(vec![n.key.clone(), n.name.clone(), opt(n.name_en.as_deref())]))
            .collect(),
    }
}

/// `item_classifications`: each item's values on the plan's axes.
fn item_classifications(p: &Publication, base: &Base) -> Table {
    let mut rows = Vec::new();
    for it in &p.model.items {
        for (k, pl) in classify::placements(&p.model, it).iter().enumerate() {
            rows.push(base.row(vec![
                it.id.clone(),
                (k + 1).to_string(),
                pl.axis.key.clone(),
                pl.axis.name.clone(),
                axis_kind(pl.axis.kind).to_string(),
                opt(pl.value.map(|v| v.code.as_str())),
                opt(pl.value.and_then(|v| v.number.as_deref())),
                pl.value.map_or_else(
                    || present::flag_mark(Lang::Ja).to_string(),
                    |v| v.label.clone(),
                ),
            ]));
        }
    }
    Table {
        name: "item_classifications",
        title: "取組の分類",
        description: "Where each item sits on the plan's classification axes (its own marks and those of the nodes above it), one value per row, axes and values in the plan's order. A flag axis (重点, チャレンジ) has a row for each item it marks, without a value.",
        fields: vec![
            lg(),
            plan(),
            req(f("node_id", "string", "項目ID", "the item's id")),
            req(f("position", "integer", "順序", "the value's position among the item's, from 1")),
            req(f("axis_key", "string", "分類軸キー", "the axis's key in the plan")),
            req(f("axis_name", "string", "分類軸", "the axis's name")),
            super::one_of(
                req(f("axis_kind", "string", "分類軸の種類", "single (one value per item), multi (several), flag (a mark)")),
                vec!["single".into(), "multi".into(), "flag".into()],
            ),
            f("value_code", "string", "分類コード", "the value's code (empty for a flag)"),
            f("value_number", "string", "分類の番号", "the number the plan prints before the value ((1), ①)"),
            req(f("value_label", "string", "分類", "the value's label as printed, without its number (a flag: 該当)")),
        ],
        primary_key: vec!["lgcode", "plan_id", "node_id", "position"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows,
    }
}

/// `item_sdgs`: the SDGs each item relates to.
fn item_sdgs(p: &Publication, base: &Base) -> Table {
    let rows = p
        .model
        .items
        .iter()
        .flat_map(|it| {
            it.sdgs.iter().map(|g| {
                base.row(vec![
                    it.id.clone(),
                    g.to_string(),
                    gyokaku_domain::present::sdg(gyokaku_domain::present::Lang::Ja, *g),
                ])
            })
        })
        .collect();
    let mut goal = req(f("goal", "integer", "SDGsの目標番号", "goal number, 1-17"));
    goal.range = Some((1, 17));
    Table {
        name: "item_sdgs",
        title: "取組とSDGs",
        description: "The Sustainable Development Goals each item relates to (its own and those of the nodes above it).",
        fields: vec![
            lg(),
            plan(),
            req(f("node_id", "string", "項目ID", "the item's id")),
            goal,
            req(f("goal_name", "string", "目標", "the goal's Japanese short name")),
        ],
        primary_key: vec!["lgcode", "plan_id", "node_id", "goal"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows,
    }
}

/// `item_numbers`: numbers a node carries in the plan's other numberings.
fn item_numbers(p: &Publication, base: &Base) -> Table {
    let h = &p.doc.header;
    let mut rows = Vec::new();
    for (n, _, _) in walk_nodes(&p.doc.nodes) {
        for numbering in &h.numberings {
            if let Some(number) = n.numbers.get(&numbering.key) {
                rows.push(base.row(vec![
                    n.id.clone(),
                    numbering.key.clone(),
                    numbering.name.clone(),
                    number.clone(),
                ]));
            }
        }
    }
    Table {
        name: "item_numbers",
        title: "項目の別番号",
        description: "Numbers the plan prints for a node besides its label (an implementation number 1-① beside the table's (1)①), by named numbering.",
        fields: vec![
            lg(),
            plan(),
            req(f("node_id", "string", "項目ID", "the node's id")),
            req(f("numbering_key", "string", "番号の種類キー", "the numbering's key in the plan")),
            req(f("numbering_name", "string", "番号の種類", "the numbering's name")),
            req(f("number", "string", "番号", "the number as printed")),
        ],
        primary_key: vec!["lgcode", "plan_id", "node_id", "numbering_key"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows,
    }
}

/// `predecessors`: the earlier plans the plan names.
fn predecessors(p: &Publication, base: &Base) -> Table {
    let mut fields = vec![
        lg(),
        plan(),
        req(f(
            "predecessor_no",
            "integer",
            "前計画の順",
            "position, from 1",
        )),
        req(f("title", "string", "名称", "the earlier plan's title")),
        date_field("adopted", "策定日", "its adoption date"),
    ];
    fields.extend(period_fields());
    fields.push(f(
        "summary",
        "string",
        "概要",
        "summary as the plan gives it",
    ));
    fields.push(f("note", "string", "備考", "note on the transcription"));
    Table {
        name: "predecessors",
        title: "これまでの計画",
        description: "Earlier plans the plan names, with their adoption and period; their revisions and extensions are rows of revisions.csv.",
        fields,
        primary_key: vec!["lgcode", "plan_id", "predecessor_no"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .predecessors
            .iter()
            .enumerate()
            .map(|(i, pr)| {
                let [from, to] = span(pr.period);
                base.row(vec![
                    (i + 1).to_string(),
                    pr.title.clone(),
                    date(pr.adopted),
                    from,
                    to,
                    opt(pr.summary.as_deref()),
                    opt(pr.note.as_deref()),
                ])
            })
            .collect(),
    }
}

/// `revisions`: the plan's history (策定, 改訂, 見直し …) and that of its
/// earlier plans.
fn revisions(p: &Publication, base: &Base) -> Table {
    let h = &p.doc.header;
    let mut rows = Vec::new();
    let mut push = |predecessor: Option<usize>, r: &Revision| {
        let [from, to] = period(r.period);
        let no = rows.len() + 1;
        rows.push(base.row(vec![
            no.to_string(),
            opt(predecessor.map(|i| i + 1)),
            r.kind.clone(),
            opt(r.title.as_deref()),
            date(r.date),
            opt(r.applies_from.map(|y| y.year())),
            from,
            to,
            opt(r.reason.as_deref()),
            opt(r.decided_by.as_deref()),
            opt(r.note.as_deref()),
        ]));
    };
    for r in &h.revisions {
        push(None, r);
    }
    for (i, pr) in h.predecessors.iter().enumerate() {
        for r in &pr.revisions {
            push(Some(i), r);
        }
    }
    let mut fields = vec![
        lg(),
        plan(),
        req(f(
            "revision_no",
            "integer",
            "順序",
            "position, from 1: the plan's own steps first",
        )),
        f(
            "predecessor_no",
            "integer",
            "前計画の順",
            "empty for the plan itself; else the earlier plan (predecessors.csv)",
        ),
        req(f(
            "kind",
            "string",
            "種別",
            "as printed: 策定, 改訂, 見直し, 期間延長",
        )),
        f("title", "string", "名称", "as printed (第2次改訂)"),
        date_field("date", "日付", "the date of the step (a month or a day)"),
        f(
            "applies_from",
            "year",
            "適用開始年度",
            "the first fiscal year it applies to",
        ),
    ];
    fields.extend([
        f(
            "period_from",
            "year",
            "改訂後の期間の始期",
            "the period after this step (an extension), first year",
        ),
        f(
            "period_to",
            "year",
            "改訂後の期間の終期",
            "the period after this step, last year",
        ),
        f("reason", "string", "理由", "why"),
        f(
            "decided_by",
            "string",
            "決定機関",
            "the body or meeting that decided it",
        ),
        f("note", "string", "備考", "note"),
    ]);
    Table {
        name: "revisions",
        title: "策定・改訂の経過",
        description: "The plan's history, step by step (策定, 改訂, 見直し, 期間延長), then the steps of the earlier plans.",
        fields,
        primary_key: vec!["lgcode", "plan_id", "revision_no"],
        foreign_keys: vec![(vec!["predecessor_no"], "predecessors", vec!["predecessor_no"])],
        rows,
    }
}

/// `related_plans`: other plans the plan names.
fn related_plans(p: &Publication, base: &Base) -> Table {
    let mut fields = vec![
        lg(),
        plan(),
        req(f("related_no", "integer", "順序", "position, from 1")),
        req(f("title", "string", "名称", "the related plan's title")),
        f(
            "relation",
            "string",
            "関係",
            "as printed: 上位計画, 関連計画",
        ),
    ];
    fields.extend(period_fields());
    fields.push(date_field("adopted", "策定日", "its adoption date"));
    fields.push(f("note", "string", "備考", "note"));
    Table {
        name: "related_plans",
        title: "関連計画",
        description: "Other plans the plan names (the 総合計画 above it, related plans).",
        fields,
        primary_key: vec!["lgcode", "plan_id", "related_no"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .related_plans
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let [from, to] = span(r.period);
                base.row(vec![
                    (i + 1).to_string(),
                    r.title.clone(),
                    opt(r.relation.as_deref()),
                    from,
                    to,
                    date(r.adopted),
                    opt(r.note.as_deref()),
                ])
            })
            .collect(),
    }
}

fn body_kind(k: BodyKind) -> &'static str {
    match k {
        BodyKind::Council => "council",
        BodyKind::Internal => "internal",
        BodyKind::Office => "office",
        BodyKind::Other => "other",
    }
}

/// `bodies`: the promotion bodies (推進体制).
fn bodies(p: &Publication, base: &Base) -> Table {
    Table {
        name: "bodies",
        title: "推進体制",
        description: "The bodies that promote and check the plan: council (審議会, external), internal (推進本部), office, other.",
        fields: vec![
            lg(),
            plan(),
            req(f("body_no", "integer", "順序", "position, from 1")),
            req(f("name", "string", "名称", "the body's name")),
            super::one_of(
                req(f("kind", "string", "種別", "council, internal, office or other")),
                vec!["council".into(), "internal".into(), "office".into(), "other".into()],
            ),
            f("role", "string", "役割", "role as the plan states it"),
        ],
        primary_key: vec!["lgcode", "plan_id", "body_no"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .bodies
            .iter()
            .enumerate()
            .map(|(i, bd)| {
                base.row(vec![
                    (i + 1).to_string(),
                    bd.name.clone(),
                    body_kind(bd.kind).to_string(),
                    opt(bd.role.as_deref()),
                ])
            })
            .collect(),
    }
}

/// `body_members`: the members the plan lists for each body.
fn body_members(p: &Publication, base: &Base) -> Table {
    let mut rows = Vec::new();
    for (i, bd) in p.doc.header.bodies.iter().enumerate() {
        for (j, m) in bd.members.iter().enumerate() {
            rows.push(base.row(vec![
                (i + 1).to_string(),
                (j + 1).to_string(),
                opt(m.role.as_deref()),
                opt(m.affiliation.as_deref()),
                m.name.clone(),
            ]));
        }
    }
    Table {
        name: "body_members",
        title: "推進体制の構成員",
        description: "Members of each body as the plan lists them (role, affiliation, name).",
        fields: vec![
            lg(),
            plan(),
            req(f(
                "body_no",
                "integer",
                "推進体制の順",
                "the body (bodies.csv)",
            )),
            req(f(
                "position",
                "integer",
                "順序",
                "position in the list, from 1",
            )),
            f("role", "string", "役職", "role in the body (会長, 委員)"),
            f("affiliation", "string", "所属", "affiliation"),
            req(f("name", "string", "氏名", "name")),
        ],
        primary_key: vec!["lgcode", "plan_id", "body_no", "position"],
        foreign_keys: vec![(vec!["body_no"], "bodies", vec!["body_no"])],
        rows,
    }
}

/// `meetings`: the meetings the plan records (諮問, 答申 …).
fn meetings(p: &Publication, base: &Base) -> Table {
    Table {
        name: "meetings",
        title: "会議の経過",
        description:
            "Meetings of the bodies in the plan's making and checking, in the plan's order.",
        fields: vec![
            lg(),
            plan(),
            req(f("meeting_no", "integer", "順序", "position, from 1")),
            req(f("body", "string", "会議体", "the body that met")),
            req(f("title", "string", "会議名", "the meeting as printed")),
            f("number", "integer", "回", "its number (第41回: 41)"),
            date_field("date", "開催日", "date (a month or a day)"),
            date_field("end_date", "終了日", "last date when held over a span"),
            f("agenda", "string", "議題", "agenda"),
            f(
                "kinds",
                "string",
                "種別",
                "kinds, separated by 、 (諮問, 答申, 報告, 協議)",
            ),
        ],
        primary_key: vec!["lgcode", "plan_id", "meeting_no"],
        foreign_keys: vec![],
        rows: p
            .doc
            .header
            .meetings
            .iter()
            .enumerate()
            .map(|(i, m)| {
                base.row(vec![
                    (i + 1).to_string(),
                    m.body.clone(),
                    m.title.clone(),
                    opt(m.number),
                    date(m.date),
                    date(m.end_date),
                    opt(m.agenda.as_deref()),
                    m.kinds.join("、"),
                ])
            })
            .collect(),
    }
}

/// `glossary`: the plan's 用語解説.
fn glossary(p: &Publication, base: &Base) -> Table {
    Table {
        name: "glossary",
        title: "用語解説",
        description: "The plan's glossary, in its order.",
        fields: vec![
            lg(),
            plan(),
            unique(req(f("term", "string", "用語", "the term"))),
            req(f("position", "integer", "順序", "position, from 1")),
            f("reading", "string", "読み", "reading (kana)"),
            req(f(
                "description",
                "string",
                "解説",
                "the explanation as printed",
            )),
            f("note", "string", "備考", "note"),
        ],
        primary_key: vec!["lgcode", "plan_id", "term"],
        foreign_keys: vec![],
        rows: p
            .doc
            .glossary
            .iter()
            .enumerate()
            .map(|(i, t)| {
                base.row(vec![
                    t.term.clone(),
                    (i + 1).to_string(),
                    opt(t.reading.as_deref()),
                    t.description.clone(),
                    opt(t.note.as_deref()),
                ])
            })
            .collect(),
    }
}

/// `glossary_marks`: where the plan's text marks a glossary term.
fn glossary_marks(p: &Publication, base: &Base) -> Table {
    let chapters: Vec<&str> = walk_chapters(&p.doc.header.chapters)
        .into_iter()
        .map(|(c, _)| c.id.as_str())
        .collect();
    let mut rows = Vec::new();
    for t in &p.doc.glossary {
        for (j, m) in t.marks.iter().enumerate() {
            // Marks pointing at nothing published are left out (the plan
            // check refuses them; the foreign keys would too).
            let node_ok = m.node.as_deref().is_none_or(|n| p.entry(n).is_some());
            let chapter_ok = m.chapter.as_deref().is_none_or(|c| chapters.contains(&c));
            if node_ok && chapter_ok {
                rows.push(base.row(vec![
                    t.term.clone(),
                    (j + 1).to_string(),
                    opt(m.node.as_deref()),
                    opt(m.chapter.as_deref()),
                    opt(m.mark.as_deref()),
                ]));
            }
        }
    }
    Table {
        name: "glossary_marks",
        title: "用語の注記箇所",
        description: "Where the plan's text marks a glossary term (※ or a footnote number): in a node or in a chapter.",
        fields: vec![
            lg(),
            plan(),
            req(f("term", "string", "用語", "the term (glossary.csv)")),
            req(f("position", "integer", "順序", "position among the term's marks, from 1")),
            f("node_id", "string", "項目ID", "the node whose text marks it"),
            f("chapter_id", "string", "章ID", "the chapter whose text marks it"),
            f("mark", "string", "記号", "the mark as printed (※, 24)"),
        ],
        primary_key: vec!["lgcode", "plan_id", "term", "position"],
        foreign_keys: vec![
            (vec!["term"], "glossary", vec!["term"]),
            (vec!["node_id"], "items", KEY3[2..].to_vec()),
            (vec!["chapter_id"], "chapters", vec!["chapter_id"]),
        ],
        rows,
    }
}
