//! Open data: one CSV per table (UTF-8, one datum per cell, 西暦 years, the
//! 全国地方公共団体コード on every row, as the MIC rules for machine-readable
//! data ask) and a Frictionless `datapackage.json` with a Table Schema for
//! each: types, constraints, primary and foreign keys. docs/open-data.md
//! describes the format for other cities and for readers.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use gyokaku_domain::{
    check_observation, rank_peers, walk_nodes, Evaluation, FiscalRatio, RatioValue, Threshold,
};

use crate::model::Publication;
use crate::PublishError;

mod history;
mod printed;

/// The version of the open-data format (docs/open-data.md, "Versions"):
/// the major number grows when a column changes meaning or goes, the minor
/// when tables or columns are added.
pub const FORMAT_VERSION: &str = "2.2.0";

/// A column: name, Table Schema type, Japanese title, English description,
/// required.
struct Field {
    name: &'static str,
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    required: bool,
    /// Unique within the file (a package is one plan of one city, so ids
    /// are unique and foreign keys can name them alone).
    unique: bool,
    values: Option<Vec<String>>,
    /// A pattern the text must match (dates given as a month or a day).
    pattern: Option<&'static str>,
    /// Inclusive bounds of an integer.
    range: Option<(i64, i64)>,
}

fn f(
    name: &'static str,
    kind: &'static str,
    title: &'static str,
    description: &'static str,
) -> Field {
    Field {
        name,
        kind,
        title,
        description,
        required: false,
        unique: false,
        values: None,
        pattern: None,
        range: None,
    }
}

fn unique(mut field: Field) -> Field {
    field.unique = true;
    field
}

fn req(mut field: Field) -> Field {
    field.required = true;
    field
}

fn one_of(mut field: Field, values: Vec<String>) -> Field {
    field.values = Some(values);
    field
}

/// One table of the package.
pub struct Table {
    pub name: &'static str,
    title: &'static str,
    description: &'static str,
    fields: Vec<Field>,
    primary_key: Vec<&'static str>,
    foreign_keys: Vec<(Vec<&'static str>, &'static str, Vec<&'static str>)>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    pub fn header(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }

    /// The Table Schema type of each column.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.kind).collect()
    }

    /// The Japanese title of each column.
    pub fn titles(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.title).collect()
    }

    /// The table's Japanese title.
    pub fn title(&self) -> &'static str {
        self.title
    }

    fn schema(&self) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|f| {
                let mut v = json!({
                    "name": f.name,
                    "type": f.kind,
                    "title": f.title,
                    "description": f.description,
                });
                let mut c = serde_json::Map::new();
                if f.required {
                    c.insert("required".into(), json!(true));
                }
                if let Some(values) = &f.values {
                    c.insert("enum".into(), json!(values));
                }
                if f.kind == "year" {
                    c.insert("minimum".into(), json!(1868));
                }
                if f.unique {
                    c.insert("unique".into(), json!(true));
                }
                if f.name == "lgcode" || f.name == "subject_lgcode" {
                    c.insert("pattern".into(), json!("[0-9]{6}"));
                }
                if let Some(pattern) = f.pattern {
                    c.insert("pattern".into(), json!(pattern));
                }
                if let Some((min, max)) = f.range {
                    c.insert("minimum".into(), json!(min));
                    c.insert("maximum".into(), json!(max));
                }
                if !c.is_empty() {
                    v["constraints"] = Value::Object(c);
                }
                v
            })
            .collect();
        let mut schema = json!({
            "fields": fields,
            "primaryKey": self.primary_key,
            "missingValues": [""],
        });
        if !self.foreign_keys.is_empty() {
            schema["foreignKeys"] = json!(self
                .foreign_keys
                .iter()
                .map(|(fields, resource, target)| json!({
                    "fields": fields,
                    "reference": {"resource": resource, "fields": target},
                }))
                .collect::<Vec<_>>());
        }
        schema
    }

    /// The table as CSV bytes (header first; `\n` line ends).
    pub fn csv(&self) -> Result<Vec<u8>, PublishError> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(self.header())?;
        for r in &self.rows {
            w.write_record(r)?;
        }
        w.into_inner()
            .map_err(|e| PublishError::Io(std::io::Error::other(e.to_string())))
    }
}

fn b(v: bool) -> String {
    if v { "true" } else { "false" }.to_string()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn threshold_value(t: Threshold) -> String {
    match t {
        Threshold::Plan { value } | Threshold::Statutory { value } => value.to_string(),
        Threshold::DependsOnScale { .. } | Threshold::None => String::new(),
    }
}

const KEY3: [&str; 3] = ["lgcode", "plan_id", "node_id"];

fn lg() -> Field {
    req(f(
        "lgcode",
        "string",
        "全国地方公共団体コード",
        "6-digit local government code of the publishing city",
    ))
}

fn plan() -> Field {
    req(f(
        "plan_id",
        "string",
        "計画ID",
        "the plan's id within the city",
    ))
}

fn fy_field(name: &'static str, required: bool) -> Field {
    let field = f(
        name,
        "year",
        "年度（西暦）",
        "fiscal year, by the calendar year it starts in (April)",
    );
    if required {
        req(field)
    } else {
        field
    }
}

/// The first two columns of every row: the city's code and the plan's id.
struct Base {
    lgcode: String,
    plan_id: String,
}

impl Base {
    fn of(p: &Publication) -> Base {
        Base {
            lgcode: p.lgcode(),
            plan_id: p.plan_id().to_string(),
        }
    }

    /// A row: `lgcode`, `plan_id`, then `rest`.
    fn row(&self, rest: Vec<String>) -> Vec<String> {
        let mut row = vec![self.lgcode.clone(), self.plan_id.clone()];
        row.extend(rest);
        row
    }
}

/// Every node of the plan, by id.
fn nodes_by_id(p: &Publication) -> BTreeMap<&str, &gyokaku_domain::Node> {
    walk_nodes(&p.doc.nodes)
        .into_iter()
        .map(|(n, _, _)| (n.id.as_str(), n))
        .collect()
}

/// The scale's codes, then any code a published report carries that is
/// not on it (shown as data, never dropped; the dashboard reports it).
fn status_codes(p: &Publication) -> Vec<String> {
    let mut status_codes: Vec<String> = p
        .doc
        .header
        .status_scale
        .iter()
        .map(|s| s.code.clone())
        .collect();
    for code in p.doc.progress.iter().filter_map(|g| g.status.as_deref()) {
        if !status_codes.iter().any(|c| c == code) {
            status_codes.push(code.to_string());
        }
    }
    status_codes
}

/// The published reports in the plan's reading order, then by year.
fn progress_in_order(p: &Publication) -> Vec<&gyokaku_domain::Progress> {
    let order = |id: &str| p.position(id);
    let mut progress_sorted: Vec<&gyokaku_domain::Progress> = p.doc.progress.iter().collect();
    progress_sorted.sort_by_key(|g| (order(&g.node), g.fy));
    progress_sorted
}

/// Every table of a publication.
pub fn tables(p: &Publication) -> Vec<Table> {
    let base = Base::of(p);
    let mut tables = vec![
        items(p, &base),
        item_departments(p, &base),
        progress(p, &base),
        effect_amounts(p, &base),
        indicators(p, &base),
        indicator_values(p, &base),
        indicator_achievement(p, &base),
        fiscal_ratios(p, &base),
        status_summary(p, &base),
        recorded_summaries(p, &base),
    ];
    tables.extend(printed::tables(p, &base));
    tables.extend(history::tables(p, &base));
    tables
}

/// `items`: every node of the plan in reading order.
fn items(p: &Publication, base: &Base) -> Table {
    let nodes = nodes_by_id(p);
    Table {
        name: "items",
        title: "取組（計画の項目）",
        description:
            "Every node of the plan in reading order: policies and the items departments report on.",
        fields: vec![
            lg(),
            plan(),
            unique(req(f(
                "node_id",
                "string",
                "項目ID",
                "the node's id in the plan",
            ))),
            f(
                "parent_id",
                "string",
                "親項目ID",
                "the parent node's id (empty at the top)",
            ),
            req(f("position", "integer", "順序", "reading order, from 1")),
            req(f(
                "level",
                "string",
                "階層",
                "the level's key (policy, item…)",
            )),
            f(
                "level_name",
                "string",
                "階層名",
                "the level's name as the plan gives it",
            ),
            f(
                "label",
                "string",
                "番号",
                "the number as the plan prints it (方針1, (2), ①)",
            ),
            req(f("title", "string", "名称", "title")),
            req(f(
                "is_item",
                "boolean",
                "取組か",
                "true for a leaf: the level departments report on",
            )),
            f("body", "string", "内容", "description"),
        ],
        primary_key: KEY3.to_vec(),
        foreign_keys: vec![(vec!["parent_id"], "", vec!["node_id"])],
        rows: p
            .model
            .outline
            .iter()
            .enumerate()
            .map(|(i, e)| {
                base.row(vec![
                    e.id.clone(),
                    opt(e.parent.clone()),
                    (i + 1).to_string(),
                    e.level.clone(),
                    e.level_name.clone(),
                    e.label.clone(),
                    e.title.clone(),
                    b(e.is_item),
                    nodes
                        .get(e.id.as_str())
                        .and_then(|n| n.body.clone())
                        .unwrap_or_default(),
                ])
            })
            .collect(),
    }
}

/// `item_departments`: the departments responsible for each node.
fn item_departments(p: &Publication, base: &Base) -> Table {
    let nodes = nodes_by_id(p);
    let mut dept_rows = Vec::new();
    for e in &p.model.outline {
        if let Some(n) = nodes.get(e.id.as_str()) {
            for d in &n.departments {
                dept_rows.push(base.row(vec![e.id.clone(), d.clone(), p.dept_name(d)]));
            }
        }
    }
    Table {
        name: "item_departments",
        title: "担当課",
        description: "The departments responsible for each node, one per row.",
        fields: vec![
            lg(),
            plan(),
            req(f("node_id", "string", "項目ID", "the node's id")),
            req(f(
                "department_id",
                "string",
                "部署ID",
                "the department's id in the plan",
            )),
            req(f(
                "department_name",
                "string",
                "部署名",
                "the department's name",
            )),
        ],
        primary_key: vec!["lgcode", "plan_id", "node_id", "department_id"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows: dept_rows,
    }
}

/// `progress`: each item's accepted report per fiscal year.
fn progress(p: &Publication, base: &Base) -> Table {
    let scale = &p.doc.header.status_scale;
    let progress_sorted = progress_in_order(p);
    Table {
        name: "progress",
        title: "実施状況",
        description: "Each item's report for each fiscal year, as accepted by the reform office.",
        fields: vec![
            lg(),
            plan(),
            req(f("node_id", "string", "項目ID", "the item's id")),
            fy_field("fy", true),
            one_of(
                f(
                    "status_code",
                    "string",
                    "評価区分",
                    "the status on the plan's scale",
                ),
                status_codes(p),
            ),
            f("status_label", "string", "評価区分名", "the status's label"),
            f(
                "achieved",
                "boolean",
                "達成とみなすか",
                "whether the status counts as achieved",
            ),
            f("result", "string", "取組実績", "what was done"),
            f(
                "self_evaluation",
                "string",
                "自己評価",
                "the department's own evaluation",
            ),
            f(
                "direction",
                "string",
                "次年度の方向性",
                "next year's direction (継続, 拡充, 改善, 縮小, 統合, 廃止, 完了)",
            ),
            f(
                "spending_cut_yen",
                "integer",
                "歳出削減額（円）",
                "spending cut, in yen",
            ),
            f(
                "revenue_yen",
                "integer",
                "歳入確保額（円）",
                "revenue secured, in yen",
            ),
            req(f(
                "demo",
                "boolean",
                "デモ用の架空データか",
                "true: fictional demo data",
            )),
        ],
        primary_key: vec!["lgcode", "plan_id", "node_id", "fy"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows: progress_sorted
            .iter()
            .map(|g| {
                let level = g
                    .status
                    .as_deref()
                    .and_then(|c| scale.iter().find(|s| s.code == c));
                base.row(vec![
                    g.node.clone(),
                    g.fy.year().to_string(),
                    opt(g.status.clone()),
                    opt(level.map(|l| l.label.clone())),
                    opt(level.map(|l| b(l.achieved))),
                    opt(g.result.clone()),
                    opt(g.self_evaluation.clone()),
                    opt(g.direction.map(|d| d.ja())),
                    opt(g.spending_cut.map(|y| y.0)),
                    opt(g.revenue.map(|y| y.0)),
                    b(g.demo),
                ])
            })
            .collect(),
    }
}

/// `effect_amounts`: spending cut and revenue per item and year.
fn effect_amounts(p: &Publication, base: &Base) -> Table {
    let progress_sorted = progress_in_order(p);
    Table {
        name: "effect_amounts",
        title: "効果額",
        description: "Spending cut and revenue secured per item and fiscal year, in yen.",
        fields: vec![
            lg(),
            plan(),
            req(f("node_id", "string", "項目ID", "the item's id")),
            fy_field("fy", true),
            f(
                "spending_cut_yen",
                "integer",
                "歳出削減額（円）",
                "spending cut, in yen",
            ),
            f(
                "revenue_yen",
                "integer",
                "歳入確保額（円）",
                "revenue secured, in yen",
            ),
            req(f(
                "total_yen",
                "integer",
                "効果額合計（円）",
                "spending cut plus revenue, in yen",
            )),
            req(f(
                "demo",
                "boolean",
                "デモ用の架空データか",
                "true: fictional demo data",
            )),
        ],
        primary_key: vec!["lgcode", "plan_id", "node_id", "fy"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows: progress_sorted
            .iter()
            .filter(|g| g.spending_cut.is_some() || g.revenue.is_some())
            .map(|g| {
                let total = g.spending_cut.map_or(0, |y| y.0) + g.revenue.map_or(0, |y| y.0);
                base.row(vec![
                    g.node.clone(),
                    g.fy.year().to_string(),
                    opt(g.spending_cut.map(|y| y.0)),
                    opt(g.revenue.map(|y| y.0)),
                    total.to_string(),
                    b(g.demo),
                ])
            })
            .collect(),
    }
}

/// `indicators`: the plan's indicators with baseline and target.
fn indicators(p: &Publication, base: &Base) -> Table {
    let doc = &p.doc;
    Table {
        name: "indicators",
        title: "指標",
        description: "The plan's indicators with baseline and target as the plan states them.",
        fields: vec![
            lg(),
            plan(),
            unique(req(f(
                "indicator_id",
                "string",
                "指標ID",
                "the indicator's id",
            ))),
            f(
                "node_id",
                "string",
                "項目ID",
                "the node the indicator belongs to",
            ),
            req(one_of(
                f(
                    "kind",
                    "string",
                    "種別",
                    "policy, outcome or reference indicator",
                ),
                vec!["policy".into(), "outcome".into(), "reference".into()],
            )),
            req(f("name", "string", "指標名", "name")),
            f("definition", "string", "定義", "definition"),
            f("unit", "string", "単位", "unit"),
            req(f(
                "cumulative",
                "boolean",
                "累計か",
                "true: the target is a running total",
            )),
            req(f(
                "challenge",
                "boolean",
                "チャレンジ指標か",
                "true: a challenge indicator",
            )),
            fy_field("baseline_fy", false),
            f("baseline_value", "number", "基準値", "baseline value"),
            f(
                "baseline_pending",
                "string",
                "基準値（未確定）",
                "what the plan writes where the baseline is not fixed yet",
            ),
            fy_field("target_fy", false),
            one_of(
                f(
                    "target_kind",
                    "string",
                    "目標の種類",
                    "value, at_most, at_least, increase, decrease, keep or pending",
                ),
                [
                    "value", "at_most", "at_least", "increase", "decrease", "keep", "pending",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ),
            f("target_value", "number", "目標値", "target value"),
            f(
                "target_text",
                "string",
                "目標（記載どおり）",
                "the target as the plan writes it",
            ),
        ],
        primary_key: vec!["lgcode", "plan_id", "indicator_id"],
        foreign_keys: vec![(vec!["node_id"], "items", vec!["node_id"])],
        rows: doc
            .indicators
            .iter()
            .map(|i| {
                let kind_key = |k: gyokaku_domain::TargetKind| {
                    serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                base.row(vec![
                    i.id.clone(),
                    opt(i.node.clone()),
                    i.kind.key().to_string(),
                    i.name.clone(),
                    opt(i.definition.clone()),
                    opt(i.unit.clone()),
                    b(i.cumulative),
                    b(i.challenge),
                    opt(i.baseline.as_ref().and_then(|x| x.fy).map(|y| y.year())),
                    opt(i.baseline.as_ref().and_then(|x| x.value)),
                    opt(i.baseline.as_ref().and_then(|x| x.pending.clone())),
                    opt(i.target.as_ref().and_then(|x| x.fy).map(|y| y.year())),
                    opt(i.target.as_ref().map(|x| kind_key(x.kind))),
                    opt(i.target.as_ref().and_then(|x| x.value)),
                    opt(i.target.as_ref().and_then(|x| x.text.clone())),
                ])
            })
            .collect(),
    }
}

/// `indicator_values`: each indicator's actual value per year.
fn indicator_values(p: &Publication, base: &Base) -> Table {
    let doc = &p.doc;
    let ind_pos: std::collections::HashMap<&str, usize> = doc
        .indicators
        .iter()
        .enumerate()
        .map(|(k, i)| (i.id.as_str(), k))
        .collect();
    let id_order = |id: &str| ind_pos.get(id).copied().unwrap_or(usize::MAX);
    let mut values_sorted: Vec<&gyokaku_domain::IndicatorValue> =
        doc.indicator_values.iter().collect();
    values_sorted.sort_by_key(|v| (id_order(&v.indicator), v.fy));
    Table {
        name: "indicator_values",
        title: "指標の実績値",
        description: "Each indicator's actual value per fiscal year. A missing year is a missing row, never a zero.",
        fields: vec![
            lg(),
            plan(),
            req(f("indicator_id", "string", "指標ID", "the indicator's id")),
            fy_field("fy", true),
            req(f("value", "number", "実績値", "the value reported for the year")),
            f("note", "string", "備考", "note"),
            req(f("demo", "boolean", "デモ用の架空データか", "true: fictional demo data")),
        ],
        primary_key: vec!["lgcode", "plan_id", "indicator_id", "fy"],
        foreign_keys: vec![(vec!["indicator_id"], "indicators", vec!["indicator_id"])],
        rows: values_sorted
            .iter()
            .map(|v| {
                base.row(vec![
                    v.indicator.clone(),
                    v.fy.year().to_string(),
                    v.value.to_string(),
                    opt(v.note.clone()),
                    b(v.demo),
                ])
            })
            .collect(),
    }
}

/// `indicator_achievement`: each indicator judged as of the published year.
fn indicator_achievement(p: &Publication, base: &Base) -> Table {
    let assessments = p.assessments();
    Table {
        name: "indicator_achievement",
        title: "指標の達成度",
        description: "Each indicator judged as of the published year by the method in docs/achievement.md.",
        fields: vec![
            lg(),
            plan(),
            req(f("indicator_id", "string", "指標ID", "the indicator's id")),
            fy_field("as_of_fy", true),
            req(one_of(
                f("trajectory", "string", "評価", "achieved, on_track, moderate, off_track, deteriorating, pending, no_data, not_assessable"),
                gyokaku_domain::Trajectory::ALL.iter().map(|t| t.key().to_string()).collect(),
            )),
            f("progress_percent", "number", "進捗率（%）", "(actual − baseline) / (target − baseline) in percent, for value targets"),
            f("met", "boolean", "目標の条件を満たすか", "for bound, direction and keep targets: whether the target's condition holds"),
            fy_field("latest_fy", false),
            f("latest_value", "number", "最新の実績（比較値）", "the value compared with the target (the running total for cumulative indicators)"),
            req(f("gap_years", "integer", "欠測年数", "years after the baseline year up to the as-of year with no value")),
            req(f("demo", "boolean", "デモ用の架空データか", "true: the judgement rests on fictional demo data")),
        ],
        primary_key: vec!["lgcode", "plan_id", "indicator_id"],
        foreign_keys: vec![(vec!["indicator_id"], "indicators", vec!["indicator_id"])],
        rows: assessments
            .iter()
            .map(|a| {
                let met = match &a.evaluation {
                    Evaluation::Bound { met, .. } | Evaluation::Direction { met, .. } => Some(*met),
                    Evaluation::Keep { held, .. } => Some(*held),
                    _ => None,
                };
                base.row(vec![
                    a.indicator.clone(),
                    a.as_of.year().to_string(),
                    a.trajectory.key().to_string(),
                    opt(a.progress().map(|r| r.percent(1))),
                    opt(met.map(b)),
                    opt(a.latest.map(|l| l.fy.year())),
                    opt(a.latest.map(|l| l.value)),
                    a.gap_years.len().to_string(),
                    b(a.demo),
                ])
            })
            .collect(),
    }
}

/// `fiscal_ratios`: the fiscal-soundness ratios of the city and its peers.
fn fiscal_ratios(p: &Publication, base: &Base) -> Table {
    let doc = &p.doc;
    let mut fiscal_rows = Vec::new();
    let mut obs: Vec<&gyokaku_domain::FiscalObservation> = doc.fiscal.iter().collect();
    obs.sort_by_key(|o| (o.fy, o.ratio.key(), o.lgcode.to_string()));
    for o in obs {
        let check = check_observation(o, &doc.header.city.code, &doc.header.fiscal_thresholds);
        let rank = rank_peers(o.ratio, o.fy, &doc.fiscal)
            .row(&o.lgcode)
            .and_then(|r| r.rank);
        let (value, none) = match o.value {
            RatioValue::Number(d) => (d.to_string(), false),
            RatioValue::NotApplicable => (String::new(), true),
        };
        fiscal_rows.push(base.row(vec![
            o.lgcode.to_string(),
            o.city.clone(),
            o.fy.year().to_string(),
            o.ratio.key().to_string(),
            value,
            b(none),
            threshold_value(check.thresholds.early_warning),
            threshold_value(check.thresholds.reconstruction),
            check.flag.key().to_string(),
            opt(rank),
            opt(o.source.clone()),
        ]));
    }
    Table {
        name: "fiscal_ratios",
        title: "財政健全化指標",
        description: "Fiscal-soundness ratios of the city and its peers, with the thresholds that apply, the flag and the rank among the cities of the same year.",
        fields: vec![
            lg(),
            plan(),
            req(f("subject_lgcode", "string", "対象団体コード", "6-digit code of the city the ratio is about")),
            req(f("subject_name", "string", "対象団体名", "name of the city the ratio is about")),
            fy_field("fy", true),
            req(one_of(
                f("ratio", "string", "指標", "which ratio"),
                FiscalRatio::ALL.iter().map(|r| r.key().to_string()).collect(),
            )),
            f("value", "number", "値", "the ratio (percent; an index for fiscal_capability_index); empty when not_applicable"),
            req(f("not_applicable", "boolean", "該当なし（—）", "true where the ratio is printed as — : no deficit or burden, a value and not a gap")),
            f("early_warning", "number", "早期健全化基準", "the early-warning threshold that applies (the plan's own for the city, else statutory; empty where none or where it depends on the city's scale)"),
            f("reconstruction", "number", "財政再生基準", "the reconstruction threshold that applies"),
            req(f("flag", "string", "判定", "ok, past_early_warning, past_reconstruction, not_applicable, no_threshold, indeterminate")),
            f("rank", "integer", "順位", "rank among the cities of the same year and ratio (1 = best; ties share a rank)"),
            f("source", "string", "出典", "source"),
        ],
        primary_key: vec!["lgcode", "plan_id", "subject_lgcode", "fy", "ratio"],
        foreign_keys: vec![],
        rows: fiscal_rows,
    }
}

/// `status_summary`: the status summary per year: whole plan ("all"), each
/// top-level policy and each department (a 部 with its 課), from the read
/// model (accepted reports only).
fn status_summary(p: &Publication, base: &Base) -> Table {
    let mut groups: Vec<(&str, &str, &str, &[usize])> = Vec::new();
    let all: Vec<usize> = (0..p.model.items.len()).collect();
    groups.push(("all", "all", "全体", &all));
    for g in &p.model.policies {
        groups.push(("policy", &g.key, &g.label, &g.members));
    }
    for g in &p.model.departments {
        groups.push(("department", &g.key, &g.label, &g.members));
    }
    let mut summary_rows = Vec::new();
    for (fy, whole) in &p.state.across {
        // A year under an earlier revision: its own whole-plan count only.
        let earlier = p.other_revision_years.contains(fy);
        for (kind, gid, glabel, members) in &groups {
            if earlier && *kind != "all" {
                continue;
            }
            let s = if earlier {
                whole.clone()
            } else {
                p.state.summary(&p.model, members, *fy)
            };
            let row = |code: &str, label: &str, achieved: bool, on_scale: bool, n: u32| {
                base.row(vec![
                    fy.year().to_string(),
                    kind.to_string(),
                    gid.to_string(),
                    glabel.to_string(),
                    code.to_string(),
                    label.to_string(),
                    b(achieved),
                    b(on_scale),
                    n.to_string(),
                ])
            };
            for r in &s.rows {
                summary_rows.push(row(&r.code, &r.label, r.achieved, r.on_scale, r.count));
            }
            if !s.scaled || s.no_status > 0 {
                summary_rows.push(row("_no_status", "状況なし", false, true, s.no_status));
            }
            summary_rows.push(row("_unreported", "未報告", false, true, s.unreported));
        }
    }
    let mut codes = status_codes(p);
    codes.push("_no_status".into());
    codes.push("_unreported".into());
    Table {
        name: "status_summary",
        title: "実施状況の集計",
        description: "Items per status and fiscal year, for the whole plan (group_kind all), each top-level policy and each department (a department with the items of its divisions), counting accepted reports only: _no_status counts accepted reports without a status (every report of a plan without a scale), _unreported items without an accepted report (nothing reported, or a draft, submitted or returned report); a status not on the plan's scale has a row of its own with on_scale false and never counts as achieved.",
        fields: vec![
            lg(),
            plan(),
            fy_field("fy", true),
            req(one_of(
                f("group_kind", "string", "集計の種類", "all, policy (a top-level node) or department"),
                vec!["all".into(), "policy".into(), "department".into()],
            )),
            req(f("group_id", "string", "集計区分", "all, the id of a top-level node, or a department's id")),
            f("group_label", "string", "集計区分名", "label of the group"),
            req(one_of(f("status_code", "string", "評価区分", "the status, or _unreported"), codes)),
            f("status_label", "string", "評価区分名", "the status's label"),
            req(f("achieved", "boolean", "達成とみなすか", "whether the status counts as achieved")),
            req(f("on_scale", "boolean", "評価区分にあるか", "false for a status the plan's scale does not have (a data error, shown rather than dropped)")),
            req(f("count", "integer", "件数", "number of items")),
        ],
        primary_key: vec!["lgcode", "plan_id", "fy", "group_kind", "group_id", "status_code"],
        foreign_keys: vec![],
        rows: summary_rows,
    }
}

/// `recorded_summaries`: summaries the plan itself printed (安中's 図表-2),
/// as printed: kept apart from status_summary, which is computed from
/// accepted reports.
fn recorded_summaries(p: &Publication, base: &Base) -> Table {
    let doc = &p.doc;
    let mut recorded_rows = Vec::new();
    for (i, r) in doc.header.recorded_summaries.iter().enumerate() {
        for (j, c) in r.counts.iter().enumerate() {
            recorded_rows.push(base.row(vec![
                (i + 1).to_string(),
                r.title.clone(),
                opt(r.source.as_deref()),
                r.fy.year().to_string(),
                (j + 1).to_string(),
                c.status.clone(),
                c.count.to_string(),
                r.total.to_string(),
                opt(r.note.as_deref()),
            ]));
        }
    }
    Table {
        name: "recorded_summaries",
        title: "計画書に記載された集計",
        description: "Status counts as the plan document itself printed them (e.g. a table of earlier years), transcribed, not computed; summary_no numbers each printed summary.",
        fields: vec![
            lg(),
            plan(),
            req(f("summary_no", "integer", "集計番号", "the printed summary's number, in the plan's order")),
            req(f("title", "string", "表題", "the summary's title as printed")),
            f("source", "string", "出典", "where in the plan document (e.g. 図表-2)"),
            fy_field("fy", true),
            req(f("position", "integer", "列の順", "the status's position in the printed table")),
            req(f("status_label", "string", "評価区分名", "the status as printed")),
            req(f("count", "integer", "件数", "number of items printed for the status")),
            req(f("total", "integer", "合計", "the total printed for the summary")),
            f("note", "string", "備考", "note on the transcription"),
        ],
        primary_key: vec!["lgcode", "plan_id", "summary_no", "position"],
        foreign_keys: vec![],
        rows: recorded_rows,
    }
}

/// The `datapackage.json` describing `tables`.
pub fn datapackage(p: &Publication, tables: &[Table]) -> Value {
    let h = &p.doc.header;
    json!({
        "profile": "tabular-data-package",
        "name": format!("gyokaku-{}-{}-{}", p.lgcode(), p.plan_id().to_ascii_lowercase(), p.fy.year()),
        "title": format!("{} {} {}", h.city.name, h.plan.title, p.fy.wareki_with_western()),
        "description": "行政改革の実施状況（gyokaku によるオープンデータ） / The state of administrative reform, published by gyokaku. Format: docs/open-data.md.",
        "created": format!("{}T00:00:00+09:00", p.published_on),
        "version": FORMAT_VERSION,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "keywords": ["行政改革", "行政改革大綱", "実施状況", "gyokaku"],
        "resources": tables.iter().map(|t| json!({
            "name": t.name,
            "path": t.file_name(),
            "profile": "tabular-data-resource",
            "title": t.title,
            "description": t.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": true},
            "schema": t.schema(),
        })).collect::<Vec<_>>(),
    })
}

/// Writes the CSV files and `datapackage.json` into `dir`; returns each
/// file with its table name and row count.
pub fn write(
    p: &Publication,
    tables: &[Table],
    dir: &std::path::Path,
) -> Result<Vec<(String, String, usize)>, PublishError> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for t in tables {
        std::fs::write(dir.join(t.file_name()), t.csv()?)?;
        written.push((t.file_name(), t.name.to_string(), t.rows.len()));
    }
    let pkg = datapackage(p, tables);
    let text = serde_json::to_string_pretty(&pkg)
        .map_err(|e| PublishError::Io(std::io::Error::other(e)))?;
    std::fs::write(dir.join("datapackage.json"), text + "\n")?;
    Ok(written)
}
