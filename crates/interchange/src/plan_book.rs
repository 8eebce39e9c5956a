//! 計画の Excel — a plan's structure as a workbook the reform office edits
//! offline: the plan's header, levels, status scale, axes, organisation,
//! nodes (with a ○ column per axis value and a column per fiscal year of
//! the yearly plan), indicators and glossary, one sheet each. Read back, the
//! workbook becomes the plan's next structure (a draft revision), every
//! problem named by sheet and cell (取組!F12) in Japanese and English.
//!
//! Rows keep their identity through hidden ID columns, each with a check
//! value: a row whose ID was edited or that was moved from another sheet
//! is refused rather than taken for another node. A row without an ID is
//! new. A node's place in the tree is the order of the rows: a row sits
//! under the nearest row above it of a higher level.
//!
//! Pure: bytes in, bytes out. The store and the web decide what the read
//! structure becomes.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

use gyokaku_domain::numbers::parse_numbering;
use gyokaku_domain::start::{template_shape, Template};
use gyokaku_domain::{
    municipalities, walk_nodes, Axis, AxisKind, AxisMark, AxisValue, Baseline, Decimal, Department,
    DepartmentKind, FiscalYear, GlossaryTerm, Indicator, IndicatorKind, Level, LocalGovCode, Node,
    Numbering, Period, PlanDate, PlanDocument, RetireReason, Retirement, StatusLevel, Target,
    TargetKind,
};

use crate::workbook::{
    at, check_beyond, decimal_value, display_width, fingerprint, missing_sheet, print_setup,
    protect, read_upload, row_height, text_value, write_decimal, write_text, BuildError, CellError,
    Errors, Formats, Grid, Value,
};

/// What the 説明 sheet says the workbook is.
pub const FORMAT: &str = "gyokaku-plan-workbook/1";
pub const SHEET_HELP: &str = "説明";
pub const SHEET_PLAN: &str = "計画";
pub const SHEET_LEVELS: &str = "階層";
pub const SHEET_SCALE: &str = "評価区分";
pub const SHEET_AXES: &str = "視点";
pub const SHEET_DEPTS: &str = "組織";
pub const SHEET_NODES: &str = "取組";
pub const SHEET_INDICATORS: &str = "指標";
pub const SHEET_GLOSSARY: &str = "用語";
const SHEETS: [&str; 9] = [
    SHEET_HELP,
    SHEET_PLAN,
    SHEET_LEVELS,
    SHEET_SCALE,
    SHEET_AXES,
    SHEET_DEPTS,
    SHEET_NODES,
    SHEET_INDICATORS,
    SHEET_GLOSSARY,
];

/// Columns read: the node sheet has one per axis value and fiscal year.
const MAX_COLS: u16 = 250;
/// Levels a plan may have (石岡 has 2, 安中 3).
const MAX_LEVELS: usize = crate::validate::MAX_LEVELS;
/// Rows 1 and 2 head the columns (Japanese, English).
const FIRST: u32 = 2;

const H_FORMAT: u32 = 2;
const H_REVISION: u32 = 3;
const H_DRAFT: u32 = 4;

/// Where a downloaded workbook came from: the revision it shows, and the
/// draft's version when it shows the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    pub revision: Option<u32>,
    pub draft: Option<i64>,
}

// ---------------------------------------------------------------------
// Columns

/// A fixed column: its Japanese header (what the reader looks for), the
/// English one under it, and its width.
#[derive(Clone, Copy)]
struct Col(&'static str, &'static str, f64);

/// A column as written: headers and width.
type Head = (String, String, f64);

fn heads(cols: &[Col]) -> Vec<Head> {
    cols.iter()
        .map(|c| (c.0.to_string(), c.1.to_string(), c.2))
        .collect()
}

const ID: Col = Col("ID", "ID (do not edit)", 14.0);
const CHECK: Col = Col("確認", "check", 18.0);

const LEVEL_COLS: [Col; 6] = [
    Col("キー", "Key", 14.0),
    Col("名称", "Name", 18.0),
    Col("名称（英語）", "Name (English)", 18.0),
    Col("番号の形式", "Numbering", 14.0),
    Col("接頭辞", "Prefix", 12.0),
    Col("取組", "Items (○)", 10.0),
];
const SCALE_COLS: [Col; 4] = [
    Col("記号", "Code", 16.0),
    Col("名称", "Label", 30.0),
    Col("名称（英語）", "Label (English)", 30.0),
    Col("達成", "Achieved (○)", 10.0),
];
const AXIS_COLS: [Col; 9] = [
    Col("分類キー", "Axis key", 14.0),
    Col("分類名", "Axis name", 16.0),
    Col("分類名（英語）", "Axis name (English)", 16.0),
    Col("種類", "Kind", 12.0),
    Col("値コード", "Value code", 12.0),
    Col("番号", "Number", 8.0),
    Col("値の名称", "Value label", 24.0),
    Col("値の名称（英語）", "Value label (English)", 24.0),
    Col("説明", "Description", 50.0),
];
const DEPT_COLS: [Col; 7] = [
    Col("種別", "Kind", 8.0),
    Col("名称", "Name", 24.0),
    Col("略称", "Abbreviation", 8.0),
    Col("上位の部署", "Parent", 24.0),
    Col("廃止日", "Ended on", 12.0),
    Col("後継", "Successor", 24.0),
    Col("備考", "Note", 40.0),
];
const GLOSSARY_COLS: [Col; 4] = [
    Col("用語", "Term", 20.0),
    Col("読み", "Reading", 16.0),
    Col("説明", "Description", 60.0),
    Col("備考", "Note", 30.0),
];
const INDICATOR_COLS: [Col; 20] = [
    Col("対象", "Node (number or ID)", 10.0),
    Col("対象の表題", "Node title (not read)", 24.0),
    Col("種別", "Kind", 10.0),
    Col("指標名", "Name", 28.0),
    Col("単位", "Unit", 8.0),
    Col("定義", "Definition", 24.0),
    Col("出典", "Source", 16.0),
    Col("累計", "Cumulative (○)", 6.0),
    Col("チャレンジ", "Challenge (○)", 8.0),
    Col("基準年度", "Baseline year", 10.0),
    Col("基準値", "Baseline", 10.0),
    Col("基準値の記述", "Baseline as written", 16.0),
    Col("目標年度", "Target year", 10.0),
    Col("目標の種類", "Target kind", 10.0),
    Col("目標値", "Target value", 10.0),
    Col("目標の記述", "Target as written", 16.0),
    Col("備考", "Note", 24.0),
    Col("廃止", "Retired (○)", 6.0),
    Col("廃止年度", "Last year", 10.0),
    Col("廃止理由", "Retired because", 10.0),
];
const NODE_HEAD: [Col; 5] = [
    Col("階層", "Level", 10.0),
    Col("番号", "Number", 7.0),
    Col("表題", "Title", 30.0),
    Col("表題（英語）", "Title (English)", 20.0),
    Col("内容", "Content", 50.0),
];
const NODE_DEPTS: Col = Col("担当", "Departments", 22.0);
const NODE_MID: [Col; 3] = [
    Col("SDGs", "SDGs (1–17)", 8.0),
    Col("開始年度", "First year", 10.0),
    Col("終了年度", "Last year", 10.0),
];
const NODE_TAIL: [Col; 6] = [
    Col("備考", "Note", 24.0),
    Col("廃止", "Retired (○)", 6.0),
    Col("廃止年度", "Last year (retired)", 10.0),
    Col("廃止理由", "Retired because", 10.0),
    Col("統合先", "Merged into (number or ID)", 12.0),
    Col("廃止の説明", "Retirement note", 24.0),
];
const PLAN_KEYS: [Col; 8] = [
    Col("団体コード", "Local government code", 0.0),
    Col("計画ID", "Plan ID", 0.0),
    Col("名称", "Title", 0.0),
    Col("副題", "Subtitle", 0.0),
    Col("次数", "Generation", 0.0),
    Col("案", "Draft (○)", 0.0),
    Col("計画期間（初年度）", "Period: first year", 0.0),
    Col("計画期間（最終年度）", "Period: last year", 0.0),
];

const NUMBERINGS: [(Numbering, &str); 7] = [
    (Numbering::Arabic, "1"),
    (Numbering::Paren, "(1)"),
    (Numbering::FullwidthParen, "（１）"),
    (Numbering::Circled, "①"),
    (Numbering::DashCircled, "1-①"),
    (Numbering::No, "No.1"),
    (Numbering::None, "なし"),
];
const AXIS_KINDS: [(AxisKind, &str, &str); 3] = [
    (AxisKind::Multi, "複数", "multi"),
    (AxisKind::Single, "単一", "single"),
    (AxisKind::Flag, "○印", "flag"),
];
const DEPT_KINDS: [(DepartmentKind, &str, &str); 3] = [
    (DepartmentKind::Department, "部", "department"),
    (DepartmentKind::Division, "課", "division"),
    (DepartmentKind::Pseudo, "その他", "other"),
];
const INDICATOR_KINDS: [(IndicatorKind, &str); 3] = [
    (IndicatorKind::Policy, "政策指標"),
    (IndicatorKind::Outcome, "成果指標"),
    (IndicatorKind::Reference, "参考指標"),
];
const TARGET_KINDS: [(TargetKind, &str, &str); 7] = [
    (TargetKind::Value, "値", "value"),
    (TargetKind::AtMost, "以下", "at_most"),
    (TargetKind::AtLeast, "以上", "at_least"),
    (TargetKind::Increase, "増加", "increase"),
    (TargetKind::Decrease, "減少", "decrease"),
    (TargetKind::Keep, "維持", "keep"),
    (TargetKind::Pending, "未定", "pending"),
];
const REASONS: [RetireReason; 3] = [
    RetireReason::Completed,
    RetireReason::Merged,
    RetireReason::Abolished,
];

/// Marks read as "yes" in a ○ column.
fn is_mark(s: &str) -> Option<bool> {
    match s.trim() {
        "" => Some(false),
        "○" | "◯" | "〇" | "●" | "◎" | "o" | "O" | "ｏ" | "Ｏ" | "1" | "TRUE" | "true" | "✓"
        | "✔" | "レ" => Some(true),
        _ => None,
    }
}

fn mark(b: bool) -> &'static str {
    if b {
        "○"
    } else {
        ""
    }
}

/// The check value of a row: tells an ID edited, or a row moved from
/// another sheet or another plan's workbook, from one downloaded here.
fn row_check(city: &str, plan: &str, sheet: &str, id: &str) -> String {
    fingerprint(&[FORMAT, city, plan, sheet, id])
}

// ---------------------------------------------------------------------
// Writing

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
    wrap: Format,
}

impl<'a> Sheet<'a> {
    fn new(wb: &'a mut Workbook, name: &str, f: &'a Formats) -> Result<Self, BuildError> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        print_setup(ws)?;
        Ok(Sheet {
            ws,
            f,
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        })
    }

    fn headers(&mut self, cols: &[Head]) -> Result<(), BuildError> {
        for (i, (ja, en, width)) in cols.iter().enumerate() {
            let i = i as u16;
            self.ws.write_string_with_format(0, i, ja, &self.f.header)?;
            write_text(self.ws, 1, i, en, &self.f.header_en)?;
            self.ws.set_column_width(i, *width)?;
        }
        self.ws.set_row_height(1, 28)?;
        self.ws.set_freeze_panes(FIRST, 0)?;
        Ok(())
    }

    /// The hidden ID and check columns at `col`, `col + 1`.
    fn hide_ids(&mut self, col: u16) -> Result<(), BuildError> {
        self.ws.set_column_hidden(col)?;
        self.ws.set_column_hidden(col + 1)?;
        Ok(())
    }

    fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), BuildError> {
        write_text(self.ws, row, col, text, &self.wrap)
    }

    fn row(&mut self, row: u32, cells: &[String], widths: &[f64]) -> Result<(), BuildError> {
        for (i, c) in cells.iter().enumerate() {
            self.text(row, i as u16, c)?;
        }
        let pairs: Vec<(&str, f64)> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| (c.as_str(), *w))
            .collect();
        self.ws.set_row_height(row, row_height(&pairs))?;
        Ok(())
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn fy_text(fy: Option<FiscalYear>) -> String {
    fy.map(FiscalYear::wareki).unwrap_or_default()
}

/// The number of each node as the workbook refers to it: the numbers from
/// the top joined by "-" (2-3), or the ID where a node on the way has no
/// number.
/// Nodes as a cell may name them: by ID, or by number path (2-3) where
/// every node from the top down has a number.
struct NodeIndex {
    ids: HashSet<String>,
    /// (path, id, live)
    paths: Vec<(String, String, bool)>,
}

impl NodeIndex {
    fn of(nodes: &[Node]) -> NodeIndex {
        fn walk(nodes: &[Node], top: bool, prefix: Option<&str>, out: &mut NodeIndex) {
            for n in nodes {
                let path = match (top, prefix, n.number) {
                    (true, _, Some(k)) => Some(k.to_string()),
                    (false, Some(p), Some(k)) => Some(format!("{p}-{k}")),
                    _ => None,
                };
                out.ids.insert(n.id.clone());
                if let Some(p) = &path {
                    out.paths
                        .push((p.clone(), n.id.clone(), n.retired.is_none()));
                }
                walk(&n.children, false, path.as_deref(), out);
            }
        }
        let mut out = NodeIndex {
            ids: HashSet::new(),
            paths: Vec::new(),
        };
        walk(nodes, true, None, &mut out);
        out
    }

    /// The node `text` names: an ID (as the workbook writes it), else a
    /// number path (live nodes before retired ones). `Err(true)`: a path
    /// that names two nodes; `Err(false)`: none.
    fn find(&self, text: &str) -> Result<String, bool> {
        if self.ids.contains(text) {
            return Ok(text.to_string());
        }
        let by_path = |live: bool| -> Vec<&str> {
            let mut v: Vec<&str> = self
                .paths
                .iter()
                .filter(|(p, _, l)| p == text && *l == live)
                .map(|(_, id, _)| id.as_str())
                .collect();
            v.dedup();
            v
        };
        let live = by_path(true);
        let paths = if live.is_empty() {
            by_path(false)
        } else {
            live
        };
        match paths.as_slice() {
            [one] => Ok(one.to_string()),
            [] => Err(false),
            _ => Err(true),
        }
    }
}

/// The error for a node reference that names none or two.
fn bad_reference(what: &str, w: &str, ambiguous: bool) -> (String, String) {
    if ambiguous {
        (
            format!("{what}「{w}」の番号は二つの項目に当たります。IDで書いてください"),
            format!("'{w}' is the number path of two nodes: write the ID"),
        )
    } else {
        (
            format!(
                "{what}「{w}」は取組シートにありません（IDか、番号 2-3 のように書いてください）"
            ),
            format!("'{w}' is not a node on 取組 (write its ID, or its number path such as 2-3)"),
        )
    }
}

/// The fiscal years the node sheet has a column for: the plan's period and
/// every year some node's yearly plan names.
fn schedule_years(doc: &PlanDocument) -> Vec<FiscalYear> {
    let mut years: std::collections::BTreeSet<FiscalYear> = doc
        .header
        .plan
        .period
        .map(|p| p.years().collect())
        .unwrap_or_default();
    for (n, _, _) in walk_nodes(&doc.nodes) {
        years.extend(n.schedule.keys().copied());
    }
    years.into_iter().take(150).collect()
}

/// The node sheet's columns for a plan, in order; also what the reader
/// matches headers against.
fn axis_header(axis: &Axis, value: Option<&AxisValue>) -> String {
    match value {
        Some(v) => format!("{}：{}", axis.name, v.code),
        None => axis.name.clone(),
    }
}

/// Builds the workbook of a plan's structure (`doc`: a revision or the
/// draft, retired nodes and indicators included).
pub fn build(doc: &PlanDocument, origin: Origin) -> Result<Vec<u8>, BuildError> {
    Ok(build_book(Some(doc), origin)?.save_to_buffer()?)
}

/// The blank workbook a new plan starts from: the levels and A–D scale of
/// the two-level template, no nodes.
pub fn blank() -> Result<Vec<u8>, BuildError> {
    Ok(build_book(None, Origin::default())?.save_to_buffer()?)
}

fn build_book(doc: Option<&PlanDocument>, origin: Origin) -> Result<Workbook, BuildError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let (city, plan) = doc.map_or((String::new(), String::new()), |d| {
        (d.header.city.code.to_string(), d.header.plan.id.clone())
    });
    let check = |sheet: &str, id: &str| row_check(&city, &plan, sheet, id);
    let (levels, scale) = match doc {
        Some(d) => (d.header.levels.clone(), d.header.status_scale.clone()),
        None => template_shape(Template::TwoLevels),
    };

    write_help(&mut wb, &f, doc, origin)?;

    // 計画
    {
        let mut s = Sheet::new(&mut wb, SHEET_PLAN, &f)?;
        s.headers(&heads(&[
            Col("項目", "Field", 22.0),
            Col("内容", "Value", 60.0),
            Col("English", "", 24.0),
        ]))?;
        let p = doc.map(|d| &d.header.plan);
        let values = [
            city.clone(),
            plan.clone(),
            p.map(|p| p.title.clone()).unwrap_or_default(),
            p.and_then(|p| p.subtitle.clone()).unwrap_or_default(),
            p.and_then(|p| p.generation.clone()).unwrap_or_default(),
            mark(p.is_none_or(|p| p.draft)).to_string(),
            fy_text(p.and_then(|p| p.period).map(|x| x.from)),
            fy_text(p.and_then(|p| p.period).map(|x| x.to)),
        ];
        for (i, (k, v)) in PLAN_KEYS.iter().zip(values).enumerate() {
            let r = FIRST + i as u32;
            s.ws.write_string_with_format(r, 0, k.0, &f.key)?;
            s.text(r, 1, &v)?;
            s.text(r, 2, k.1)?;
        }
    }

    // 階層
    {
        let mut s = Sheet::new(&mut wb, SHEET_LEVELS, &f)?;
        s.headers(&heads(&LEVEL_COLS))?;
        for (i, l) in levels.iter().enumerate() {
            let numbering = NUMBERINGS
                .iter()
                .find(|(n, _)| *n == l.numbering)
                .map_or("", |(_, t)| t);
            s.row(
                FIRST + i as u32,
                &[
                    l.key.clone(),
                    opt(&l.name),
                    opt(&l.name_en),
                    numbering.into(),
                    opt(&l.prefix),
                    mark(l.items).into(),
                ],
                &[],
            )?;
        }
    }

    // 評価区分
    {
        let mut s = Sheet::new(&mut wb, SHEET_SCALE, &f)?;
        s.headers(&heads(&SCALE_COLS))?;
        for (i, l) in scale.iter().enumerate() {
            s.row(
                FIRST + i as u32,
                &[
                    l.code.clone(),
                    l.label.clone(),
                    opt(&l.label_en),
                    mark(l.achieved).into(),
                ],
                &[],
            )?;
        }
    }

    // 視点
    let axes = doc.map(|d| d.header.axes.clone()).unwrap_or_default();
    {
        let mut s = Sheet::new(&mut wb, SHEET_AXES, &f)?;
        s.headers(&heads(&AXIS_COLS))?;
        let widths: Vec<f64> = AXIS_COLS.iter().map(|c| c.2).collect();
        let mut r = FIRST;
        for a in &axes {
            let kind = AXIS_KINDS
                .iter()
                .find(|(k, _, _)| *k == a.kind)
                .map_or("", |(_, t, _)| t);
            let head = [a.key.clone(), a.name.clone(), opt(&a.name_en), kind.into()];
            let values: Vec<Option<&AxisValue>> = if a.values.is_empty() {
                vec![None]
            } else {
                a.values.iter().map(Some).collect()
            };
            for v in values {
                let mut cells = head.to_vec();
                cells.extend(match v {
                    Some(v) => [
                        v.code.clone(),
                        opt(&v.number),
                        v.label.clone(),
                        opt(&v.label_en),
                        opt(&v.description),
                    ],
                    None => Default::default(),
                });
                s.row(r, &cells, &widths)?;
                r += 1;
            }
        }
    }

    // 組織
    let flat: Vec<(Department, Option<String>)> = doc
        .map(|d| {
            d.organisation
                .flatten()
                .into_iter()
                .map(|(d, p)| (d.clone(), p.map(str::to_string)))
                .collect()
        })
        .unwrap_or_default();
    {
        let mut s = Sheet::new(&mut wb, SHEET_DEPTS, &f)?;
        let mut cols = DEPT_COLS.to_vec();
        cols.extend([ID, CHECK]);
        s.headers(&heads(&cols))?;
        let widths: Vec<f64> = cols.iter().map(|c| c.2).collect();
        for (i, (d, parent)) in flat.iter().enumerate() {
            let kind = DEPT_KINDS
                .iter()
                .find(|(k, _, _)| *k == d.kind)
                .map_or("", |(_, t, _)| t);
            s.row(
                FIRST + i as u32,
                &[
                    kind.into(),
                    d.name.clone(),
                    opt(&d.abbreviation),
                    parent.clone().unwrap_or_default(),
                    d.valid_to.map(|x| x.to_string()).unwrap_or_default(),
                    opt(&d.successor),
                    opt(&d.note),
                    d.id.clone(),
                    check(SHEET_DEPTS, &d.id),
                ],
                &widths,
            )?;
        }
        s.hide_ids(DEPT_COLS.len() as u16)?;
    }

    // 取組
    {
        let mut s = Sheet::new(&mut wb, SHEET_NODES, &f)?;
        let layout = NodeLayout::of(doc, &axes);
        s.headers(&layout.cols)?;
        s.ws.set_freeze_panes(FIRST, 3)?;
        let widths: Vec<f64> = layout.cols.iter().map(|c| c.2).collect();
        let level_name = |key: &str| {
            levels
                .iter()
                .find(|l| l.key == key)
                .map_or(key.to_string(), |l| l.name.clone().unwrap_or(l.key.clone()))
        };
        let nodes = doc.map(|d| walk_nodes(&d.nodes)).unwrap_or_default();
        for (i, (n, _, _)) in nodes.into_iter().enumerate() {
            let mut cells: Vec<String> = vec![
                level_name(&n.level),
                n.number.map(|k| k.to_string()).unwrap_or_default(),
                n.title.clone(),
                opt(&n.title_en),
                opt(&n.body),
            ];
            for (k, _) in &layout.sections {
                cells.push(n.sections.get(k).cloned().unwrap_or_default());
            }
            for (k, _) in &layout.numberings {
                cells.push(n.numbers.get(k).cloned().unwrap_or_default());
            }
            cells.push(n.departments.join("\n"));
            for (axis, value) in &layout.axes {
                let on = match (n.axes.get(axis.as_str()), value) {
                    (Some(AxisMark::Codes(list)), Some(v)) => list.contains(v),
                    (Some(AxisMark::Flag(b)), None) => *b,
                    _ => false,
                };
                cells.push(mark(on).into());
            }
            cells.push(
                n.sdgs
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            cells.push(fy_text(n.period.map(|p| p.from)));
            cells.push(fy_text(n.period.map(|p| p.to)));
            for fy in &layout.years {
                cells.push(n.schedule.get(fy).cloned().unwrap_or_default());
            }
            cells.push(opt(&n.note));
            cells.push(mark(n.retired.is_some()).into());
            let r = n.retired.as_ref();
            cells.push(fy_text(r.and_then(|r| r.last_year)));
            cells.push(r.and_then(|r| r.reason).map_or("", |x| x.ja()).into());
            cells.push(r.and_then(|r| r.into.as_ref()).cloned().unwrap_or_default());
            cells.push(r.and_then(|r| r.note.clone()).unwrap_or_default());
            cells.push(n.id.clone());
            cells.push(check(SHEET_NODES, &n.id));
            s.row(FIRST + i as u32, &cells, &widths)?;
        }
        s.hide_ids(layout.cols.len() as u16 - 2)?;
    }

    // 指標
    {
        let mut s = Sheet::new(&mut wb, SHEET_INDICATORS, &f)?;
        let mut cols = INDICATOR_COLS.to_vec();
        cols.extend([ID, CHECK]);
        s.headers(&heads(&cols))?;
        let widths: Vec<f64> = cols.iter().map(|c| c.2).collect();
        let titles: HashMap<&str, &str> = doc
            .map(|d| {
                walk_nodes(&d.nodes)
                    .into_iter()
                    .map(|(n, _, _)| (n.id.as_str(), n.title.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let indicators = doc.map(|d| d.indicators.as_slice()).unwrap_or_default();
        for (i, ind) in indicators.iter().enumerate() {
            let row = FIRST + i as u32;
            let target = ind.target.as_ref();
            let kind = INDICATOR_KINDS
                .iter()
                .find(|(k, _)| *k == ind.kind)
                .map_or("", |(_, t)| t);
            let tkind = target
                .and_then(|t| TARGET_KINDS.iter().find(|(k, _, _)| *k == t.kind))
                .map_or("", |(_, t, _)| t);
            let cells = [
                ind.node.clone().unwrap_or_default(),
                ind.node
                    .as_deref()
                    .and_then(|n| titles.get(n))
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                kind.into(),
                ind.name.clone(),
                opt(&ind.unit),
                opt(&ind.definition),
                opt(&ind.source),
                mark(ind.cumulative).into(),
                mark(ind.challenge).into(),
                fy_text(ind.baseline.as_ref().and_then(|b| b.fy)),
                String::new(),
                ind.baseline
                    .as_ref()
                    .and_then(|b| b.pending.clone())
                    .unwrap_or_default(),
                fy_text(target.and_then(|t| t.fy)),
                tkind.into(),
                String::new(),
                target.and_then(|t| t.text.clone()).unwrap_or_default(),
                opt(&ind.note),
                mark(ind.retired.is_some()).into(),
                fy_text(ind.retired.as_ref().and_then(|r| r.last_year)),
                ind.retired
                    .as_ref()
                    .and_then(|r| r.reason)
                    .map_or("", |x| x.ja())
                    .into(),
                ind.id.clone(),
                check(SHEET_INDICATORS, &ind.id),
            ];
            s.row(row, &cells, &widths)?;
            let plain = Format::new().set_align(FormatAlign::Top);
            write_decimal(
                s.ws,
                row,
                10,
                ind.baseline.as_ref().and_then(|b| b.value),
                &plain,
            )?;
            write_decimal(s.ws, row, 14, target.and_then(|t| t.value), &plain)?;
        }
        s.hide_ids(INDICATOR_COLS.len() as u16)?;
    }

    // 用語
    {
        let mut s = Sheet::new(&mut wb, SHEET_GLOSSARY, &f)?;
        let mut cols = GLOSSARY_COLS.to_vec();
        cols.extend([ID, CHECK]);
        s.headers(&heads(&cols))?;
        let widths: Vec<f64> = cols.iter().map(|c| c.2).collect();
        let terms = doc.map(|d| d.glossary.as_slice()).unwrap_or_default();
        for (i, t) in terms.iter().enumerate() {
            s.row(
                FIRST + i as u32,
                &[
                    t.term.clone(),
                    opt(&t.reading),
                    t.description.clone(),
                    opt(&t.note),
                    t.term.clone(),
                    check(SHEET_GLOSSARY, &t.term),
                ],
                &widths,
            )?;
        }
        s.hide_ids(GLOSSARY_COLS.len() as u16)?;
    }
    Ok(wb)
}

fn write_help(
    wb: &mut Workbook,
    f: &Formats,
    doc: Option<&PlanDocument>,
    origin: Origin,
) -> Result<(), BuildError> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_HELP)?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 100)?;
    let title = match doc {
        Some(d) => format!(
            "{} {} — 計画の Excel / the plan as a workbook",
            d.header.city.name,
            d.header.plan.full_title()
        ),
        None => "新しい計画 — 計画の Excel / a new plan as a workbook".into(),
    };
    write_text(ws, 0, 0, &title, &f.title)?;
    let rows = [
        (H_FORMAT, "形式 / Format", FORMAT.to_string()),
        (
            H_REVISION,
            "改訂 / Revision",
            origin.revision.map(|r| r.to_string()).unwrap_or_default(),
        ),
        (
            H_DRAFT,
            "改訂案の版 / Draft version",
            origin.draft.map(|r| r.to_string()).unwrap_or_default(),
        ),
    ];
    for (r, k, v) in rows {
        write_text(ws, r, 0, k, &f.key)?;
        write_text(ws, r, 1, &v, &Format::new())?;
    }
    let help = [
        "記入のしかた",
        "1. シートは 計画・階層・評価区分・視点・組織・取組・指標・用語 の8つです。1行目の見出しで列を読み取るので、見出しは変えないでください。列の並べ替えはかまいません。",
        "2. 取組シートは、上から順に計画の構成を表します。各行は、それより上にある、より上位の階層の行の下に入ります。項目を別の方針の下へ移すときは、行ごと移してください。",
        "3. 新しい行は、空いた行か「行の挿入」で追加します。行をコピーすると、隠れたID列も写るため、同じIDが二つになって読み込めません。",
        "4. 行を削除した項目は、この改訂で廃止（見直し）として残ります。廃止するときは、廃止年度・廃止理由（完了・統合・廃止）・統合先を書くこともできます。",
        "5. 視点の列（例: テーマ：財政）には ○ を付けます。年度の列（例: 令和8年度）には、その年度の予定を書きます。年度の列は見出しを足して増やせます。",
        "6. 担当・上位の部署・後継には、組織シートの名称かIDを書きます。複数の担当は改行で区切ります。",
        "7. アップロードすると、変更点の一覧（差分）が表示されます。確認してから改訂案に取り込んでください。誤りが一つでもあれば何も取り込まれず、シートとセル（例: 取組!C12）が示されます。",
        "",
        "How to fill in",
        "1. The sheets are 計画 (plan), 階層 (levels), 評価区分 (status scale), 視点 (axes), 組織 (organisation), 取組 (nodes), 指標 (indicators) and 用語 (glossary). Columns are found by the header in row 1: keep the headers; reordering columns is fine.",
        "2. On 取組, rows are the plan's outline from the top: each row sits under the nearest row above it of a higher level. To move an item under another policy, move its row.",
        "3. Add rows in empty rows or with Insert row. A copied row copies its hidden ID too, and two rows with one ID are refused.",
        "4. A node whose row is deleted is retired by this revision; to say why, fill 廃止年度 (last year), 廃止理由 (完了 completed / 統合 merged / 廃止 abolished) and 統合先 (merged into) instead.",
        "5. Put ○ in the axis columns (such as テーマ：財政); write each year's plan in the year columns (such as 令和8年度); add a year column by adding its header.",
        "6. Departments, parents and successors are named by their name or ID on 組織; several departments one per line.",
        "7. Upload the workbook: the changes are listed for you to confirm before they go into the draft revision. If any cell is wrong, nothing is taken and each problem is named by sheet and cell (e.g. 取組!C12).",
    ];
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (i, line) in help.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let r = H_DRAFT + 2 + i as u32;
        let format = if line.starts_with('記') || line.starts_with("How") {
            &f.key
        } else {
            &wrap
        };
        ws.merge_range(r, 0, r, 1, line, format)?;
        ws.set_row_height(r, row_height(&[(line, 125.0)]))?;
    }
    protect(ws);
    Ok(())
}

/// The node sheet's variable columns for a plan.
struct NodeLayout {
    cols: Vec<Head>,
    sections: Vec<(String, String)>,
    numberings: Vec<(String, String)>,
    /// (axis key, value code) per ○ column; `None` for a flag axis.
    axes: Vec<(String, Option<String>)>,
    years: Vec<FiscalYear>,
}

impl NodeLayout {
    fn of(doc: Option<&PlanDocument>, axes: &[Axis]) -> NodeLayout {
        let mut cols = heads(&NODE_HEAD);
        let sections: Vec<(String, String)> = doc
            .map(|d| d.header.sections.iter())
            .into_iter()
            .flatten()
            .map(|s| (s.key.clone(), s.label.clone()))
            .collect();
        for (_, label) in &sections {
            cols.push((label.clone(), String::new(), 30.0));
        }
        let numberings: Vec<(String, String)> = doc
            .map(|d| d.header.numberings.iter())
            .into_iter()
            .flatten()
            .map(|n| (n.key.clone(), n.name.clone()))
            .collect();
        for (_, name) in &numberings {
            cols.push((name.clone(), String::new(), 10.0));
        }
        cols.extend(heads(&[NODE_DEPTS]));
        let mut marks = Vec::new();
        for a in axes {
            if a.values.is_empty() {
                cols.push((axis_header(a, None), "○".into(), 6.0));
                marks.push((a.key.clone(), None));
            }
            for v in &a.values {
                let head = axis_header(a, Some(v));
                let w = (display_width(&head) as f64 / 2.0).clamp(6.0, 14.0);
                cols.push((head, "○".into(), w));
                marks.push((a.key.clone(), Some(v.code.clone())));
            }
        }
        cols.extend(heads(&NODE_MID));
        let years = doc.map(schedule_years).unwrap_or_default();
        for fy in &years {
            cols.push((fy.wareki(), fy.english(), 16.0));
        }
        cols.extend(heads(&NODE_TAIL));
        cols.extend(heads(&[ID, CHECK]));
        NodeLayout {
            cols,
            sections,
            numberings,
            axes: marks,
            years,
        }
    }
}

// ---------------------------------------------------------------------
// Reading

/// An uploaded plan workbook, read and bounded, not yet checked.
#[derive(Debug)]
pub struct PlanUpload {
    pub file_name: String,
    sheets: HashMap<String, Grid>,
}

/// Reads an upload within the department workbook's bounds (bytes,
/// parts, shared strings, rows, cells). Never panics, whatever the bytes.
pub fn open(file_name: &str, bytes: &[u8]) -> Result<PlanUpload, Vec<CellError>> {
    let (file_name, sheets) = read_upload(file_name, bytes, &SHEETS, MAX_COLS, true)?;
    Ok(PlanUpload { file_name, sheets })
}

/// A cell as text: numbers as written, dates as read, booleans as
/// TRUE/FALSE; `None` when blank.
fn cell(grid: &Grid, row: u32, col: u16) -> Result<Option<String>, String> {
    match grid.get(row, col) {
        Some(Value::Error(e)) => Err(e.clone()),
        Some(v @ (Value::Date(_) | Value::Bool(_))) => Ok(Some(v.shown())),
        v => text_value(v).map_err(|v| v.shown()),
    }
}

/// One sheet's table: its headers found in row 1.
struct Table<'a> {
    name: &'static str,
    grid: &'a Grid,
    heads: Vec<(u16, String)>,
}

impl<'a> Table<'a> {
    fn new(up: &'a PlanUpload, name: &'static str, errors: &mut Errors) -> Option<Table<'a>> {
        let Some(grid) = up.sheets.get(name) else {
            missing_sheet(errors, name);
            return None;
        };
        check_beyond(grid, name, MAX_COLS, errors);
        for (r, c) in &grid.merged {
            errors.push(
                at(name, *r, *c),
                None,
                "結合されたセルがあります。セルの結合を解除してください".into(),
                "merged cells: unmerge them (one value per cell)".into(),
            );
        }
        let heads = grid
            .cells
            .range((0, 0)..(1, 0))
            .filter_map(|((_, c), v)| {
                let t = v.shown();
                let t = t.trim();
                (!t.is_empty()).then(|| (*c, t.to_string()))
            })
            .collect();
        Some(Table { name, grid, heads })
    }

    fn col(&self, ja: &str) -> Option<u16> {
        self.heads.iter().find(|(_, h)| h == ja).map(|(c, _)| *c)
    }

    /// Every fixed column must be there.
    fn require(&self, cols: &[Col], errors: &mut Errors) -> bool {
        let mut ok = true;
        for c in cols {
            if self.col(c.0).is_none() {
                ok = false;
                errors.push(
                    format!("{}!1", self.name),
                    None,
                    format!(
                        "見出し「{}」の列がありません（1行目の見出しは変えないでください）",
                        c.0
                    ),
                    format!(
                        "no column headed '{}' ({}): keep the headers of row 1",
                        c.0, c.1
                    ),
                );
            }
        }
        ok
    }

    /// Data rows (from row 3) with something in them.
    fn rows(&self) -> Vec<u32> {
        self.grid
            .rows()
            .into_iter()
            .filter(|r| *r >= FIRST && !self.grid.row_is_empty(*r))
            .collect()
    }

    fn at(&self, row: u32, col: u16) -> String {
        at(self.name, row, col)
    }

    fn text(&self, row: u32, col: Option<u16>, errors: &mut Errors) -> Option<String> {
        let col = col?;
        match cell(self.grid, row, col) {
            Ok(v) => v,
            Err(shown) => {
                errors.push(
                    self.at(row, col),
                    None,
                    format!("「{shown}」を文字として読めません（Excel のエラー値です）"),
                    format!("'{shown}' is an Excel error value, not text"),
                );
                None
            }
        }
    }

    fn named(&self, row: u32, ja: &str, errors: &mut Errors) -> Option<String> {
        self.text(row, self.col(ja), errors)
    }

    fn mark(&self, row: u32, ja: &str, errors: &mut Errors) -> bool {
        self.mark_at(row, self.col(ja), errors)
    }

    fn mark_at(&self, row: u32, col: Option<u16>, errors: &mut Errors) -> bool {
        let Some(t) = self.text(row, col, errors) else {
            return false;
        };
        match is_mark(&t) {
            Some(b) => b,
            None => {
                let col = col.unwrap_or_default();
                errors.push(
                    self.at(row, col),
                    None,
                    format!("「{t}」: この列には ○ を付けるか、空欄にしてください"),
                    format!("'{t}': put ○ in this column or leave it blank"),
                );
                false
            }
        }
    }

    fn year(&self, row: u32, ja: &str, errors: &mut Errors) -> Option<FiscalYear> {
        let col = self.col(ja)?;
        let t = self.text(row, Some(col), errors)?;
        match FiscalYear::parse(&t) {
            Ok(fy) => Some(fy),
            Err(_) => {
                errors.push(
                    self.at(row, col),
                    None,
                    format!("「{t}」を年度として読めません（例: 令和8年度、R8、2026年度）"),
                    format!("'{t}' is not a fiscal year (e.g. 令和8年度, R8, 2026年度)"),
                );
                None
            }
        }
    }

    fn decimal(&self, row: u32, ja: &str, errors: &mut Errors) -> Option<Decimal> {
        let col = self.col(ja)?;
        match decimal_value(self.grid.get(row, col)) {
            Ok(v) => v,
            Err(shown) => {
                errors.push(
                    self.at(row, col),
                    None,
                    format!("「{shown}」を数値として読めません"),
                    format!("'{shown}' is not a number"),
                );
                None
            }
        }
    }

    /// A row's hidden ID, checked: `None` for a new row.
    fn id(&self, row: u32, key: (&str, &str), errors: &mut Errors) -> Option<String> {
        let id_col = self.col(ID.0)?;
        let id = self.text(row, Some(id_col), errors);
        let check = self.text(row, self.col(CHECK.0), errors);
        match (&id, &check) {
            (None, None) => None,
            (Some(id), Some(c)) if *c == row_check(key.0, key.1, self.name, id) => Some(id.clone()),
            _ => {
                errors.push(
                    self.at(row, id_col),
                    None,
                    "隠れたID列が変更されています（IDを書き換えたか、別のシートや別の計画のブックから行を移しています）。ダウンロードしたときのままにしてください".into(),
                    "the hidden ID column was changed (an ID edited, or a row moved from another sheet or another plan's workbook); leave it as downloaded".into(),
                );
                None
            }
        }
    }

    /// Headers not known to the sheet, with something in their column.
    fn unknown(&self, known: &dyn Fn(&str) -> bool, errors: &mut Errors) {
        let known_cols: HashSet<u16> = self
            .heads
            .iter()
            .filter(|(_, h)| known(h))
            .map(|(c, _)| *c)
            .collect();
        for ((r, c), v) in &self.grid.cells {
            if *r == 1 || known_cols.contains(c) {
                continue;
            }
            let t = v.shown();
            if t.trim().is_empty() {
                continue;
            }
            let head = self
                .heads
                .iter()
                .find(|(hc, _)| hc == c)
                .map(|(_, h)| h.clone());
            let circle = is_mark(&t) == Some(true) && *r >= FIRST;
            let (ja, en) = match (head, circle) {
                (Some(h), true) => (
                    format!("列「{h}」は視点の値の列ではありません。○ は視点シートにある値の列（例: テーマ：財政）にだけ付けられます"),
                    format!("column '{h}' is not a value of an axis: ○ goes only in the columns of the values on 視点 (such as テーマ：財政)"),
                ),
                (Some(h), false) if *r == 0 => (
                    format!("見出し「{h}」の列はこのシートにありません（視点・年度・記述欄の見出しはそれぞれのシートの名前と一致させてください）"),
                    format!("no such column as '{h}' on this sheet (axis, year and section headers must match their definitions)"),
                ),
                (Some(h), false) => (
                    format!("見出し「{h}」の列は読み込まれません（「{t}」）"),
                    format!("column '{h}' is not read ('{t}')"),
                ),
                (None, true) => (
                    "見出しのない列に ○ があります。○ は視点の値の列にだけ付けられます".into(),
                    "a ○ in a column without a header: ○ goes only in the columns of axis values".into(),
                ),
                (None, false) => (
                    format!("表の外に「{t}」が入力されています（見出しのない列は読み込まれません）"),
                    format!("'{t}' is outside the table (a column without a header is not read)"),
                ),
            };
            errors.push(self.at(*r, *c), None, ja, en);
            if *r == 0 {
                continue;
            }
        }
    }
}

/// A name on 組織, or a node's number on 取組, typed in another column.
fn resolve<'a>(
    written: &str,
    candidates: impl Iterator<Item = (&'a str, [Option<&'a str>; 2])>,
) -> Result<String, bool> {
    let mut by_name = Vec::new();
    for (id, names) in candidates {
        if id == written {
            return Ok(id.to_string());
        }
        if names.iter().flatten().any(|n| *n == written) {
            by_name.push(id);
        }
    }
    by_name.dedup();
    match by_name.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(false),
        _ => Err(true),
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', '、', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A fresh id: `wanted` if free, else `wanted-2`, `wanted-3` …
fn fresh(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut id = wanted.to_string();
    let mut k = 2;
    while used.contains(&id) || id.is_empty() {
        id = format!("{wanted}-{k}");
        k += 1;
    }
    used.insert(id.clone());
    id
}

impl PlanUpload {
    /// What 説明 says the workbook came from.
    pub fn origin(&self) -> Origin {
        let get = |row| {
            self.sheets
                .get(SHEET_HELP)
                .and_then(|g| g.text(row, 1))
                .and_then(|t| t.parse().ok())
        };
        Origin {
            revision: get(H_REVISION).map(|r: i64| r as u32),
            draft: get(H_DRAFT),
        }
    }

    /// The plan the workbook is for (計画: 団体コード and 計画ID), as typed.
    pub fn key(&self) -> (Option<String>, Option<String>) {
        let g = self.sheets.get(SHEET_PLAN);
        let value = |i: u32| g.and_then(|g| g.text(FIRST + i, 1));
        (value(0), value(1))
    }

    fn plan_rows(&self, errors: &mut Errors) -> HashMap<&'static str, (u32, String)> {
        let mut out = HashMap::new();
        let Some(t) = Table::new(self, SHEET_PLAN, errors) else {
            return out;
        };
        for r in t.rows() {
            let Some(label) = t.text(r, Some(0), errors) else {
                continue;
            };
            let Some(key) = PLAN_KEYS.iter().find(|k| k.0 == label) else {
                errors.push(
                    t.at(r, 0),
                    None,
                    format!("「{label}」はこのシートの項目ではありません"),
                    format!("'{label}' is not a field of this sheet"),
                );
                continue;
            };
            if let Some(v) = t.text(r, Some(1), errors) {
                out.insert(key.0, (r, v));
            }
        }
        out
    }

    /// The plan's next structure as the workbook has it, on top of `base`
    /// (the structure it was downloaded from; `None` for a new plan from
    /// the blank workbook): everything the workbook does not show (chapters,
    /// bodies, meetings …) is kept from `base`. Every problem is located;
    /// any problem and nothing is returned.
    pub fn read(&self, base: Option<&PlanDocument>) -> Result<PlanDocument, Vec<CellError>> {
        let mut errors = Errors::default();
        match self
            .sheets
            .get(SHEET_HELP)
            .and_then(|g| g.text(H_FORMAT, 1))
        {
            Some(f) if f == FORMAT => {}
            found => {
                errors.push(
                    at(SHEET_HELP, H_FORMAT, 1),
                    None,
                    format!(
                        "計画の Excel（{FORMAT}）ではありません（{}）。実績報告のブックは計画のページからアップロードしてください",
                        found.unwrap_or_default()
                    ),
                    format!("not a plan workbook ({FORMAT}); a department's report workbook is uploaded on the plan's page"),
                );
                return Err(errors.finish(&self.file_name));
            }
        }
        let mut doc = self.header(base, &mut errors);
        let (city, plan) = doc
            .as_ref()
            .map(|d| (d.header.city.code.to_string(), d.header.plan.id.clone()))
            .unwrap_or_default();
        // Rows of a workbook downloaded for this plan carry checks made
        // with its key; a blank workbook's rows have none.
        let key = base.map_or((city.clone(), plan.clone()), |b| {
            (b.header.city.code.to_string(), b.header.plan.id.clone())
        });
        let key = (key.0.as_str(), key.1.as_str());
        let levels = self.levels(&mut errors);
        let scale = self.scale(&mut errors);
        let axes = self.axes(&mut errors);
        let departments = self.departments(base, key, &mut errors);
        let empty = Vec::new();
        let flat: Vec<Department> = flatten_owned(departments.as_ref().unwrap_or(&empty));
        let mut node_rows = HashMap::new();
        let mut indicator_rows = HashMap::new();
        let nodes = self.nodes(
            base,
            key,
            &levels,
            &axes,
            &flat,
            &mut node_rows,
            &mut errors,
        );
        let indicators = self.indicators(base, key, &nodes, &mut indicator_rows, &mut errors);
        let glossary = self.glossary(base, key, &mut errors);
        if !errors.is_empty() {
            return Err(errors.finish(&self.file_name));
        }
        let Some(mut d) = doc.take() else {
            return Err(errors.finish(&self.file_name));
        };
        d.header.levels = levels;
        d.header.status_scale = scale;
        d.header.axes = axes;
        d.organisation.departments = departments.unwrap_or_default();
        d.nodes = nodes;
        d.indicators = indicators;
        d.glossary = glossary;
        if let Err(e) = crate::read::check_document(&mut d) {
            // The plan's own check speaks of nodes and indicators by id:
            // each is put back on its row.
            for e in e.0 {
                let path = match &e.location {
                    crate::Location::Yaml { path, .. } => path.as_str(),
                    _ => "",
                };
                let id = path
                    .strip_prefix("[id=")
                    .and_then(|rest| rest.split_once(']'))
                    .map(|(id, _)| id);
                let file = e.file.file_name().and_then(|f| f.to_str()).unwrap_or("");
                let row = match (file, id) {
                    (crate::read::NODES, Some(id)) => node_rows.get(id).map(|r| (SHEET_NODES, *r)),
                    (crate::read::INDICATORS, Some(id)) => {
                        indicator_rows.get(id).map(|r| (SHEET_INDICATORS, *r))
                    }
                    _ => None,
                };
                let place = match row {
                    Some((sheet, r)) => at(sheet, r, 0),
                    None => format!("{} ({})", self.file_name, e.where_()),
                };
                errors.push(place, id, e.ja.clone(), e.en.clone());
            }
            return Err(errors.finish(&self.file_name));
        }
        Ok(d)
    }
}

fn flatten_owned(list: &[Department]) -> Vec<Department> {
    let mut out = Vec::new();
    for d in list {
        out.push(d.clone());
        out.extend(flatten_owned(&d.children));
    }
    out
}

impl PlanUpload {
    /// 計画: the header on top of `base`, or a new plan's.
    fn header(&self, base: Option<&PlanDocument>, errors: &mut Errors) -> Option<PlanDocument> {
        let rows = self.plan_rows(errors);
        let cell_of = |k: &str| {
            let i = PLAN_KEYS.iter().position(|c| c.0 == k).unwrap_or(0) as u32;
            rows.get(k).map_or(FIRST + i, |(r, _)| *r)
        };
        let value = |k: &str| rows.get(k).map(|(_, v)| v.clone());
        let here = |k: &str| at(SHEET_PLAN, cell_of(k), 1);
        let city = value("団体コード").unwrap_or_default();
        let plan = value("計画ID").unwrap_or_default();
        let year = |k: &str, errors: &mut Errors| {
            let t = value(k)?;
            FiscalYear::parse(&t)
                .map_err(|_| {
                    errors.push(
                        here(k),
                        None,
                        format!("「{t}」を年度として読めません（例: 令和8年度、R8、2026年度）"),
                        format!("'{t}' is not a fiscal year (e.g. 令和8年度, R8, 2026年度)"),
                    )
                })
                .ok()
        };
        let from = year("計画期間（初年度）", errors);
        let to = year("計画期間（最終年度）", errors);
        let period = match (from, to) {
            (Some(from), Some(to)) if to >= from => Some(Period { from, to }),
            (None, None) => None,
            (Some(_), Some(_)) => {
                errors.push(
                    here("計画期間（最終年度）"),
                    None,
                    "計画期間の最終年度が初年度より前です".into(),
                    "the period's last year is before its first".into(),
                );
                None
            }
            _ => {
                let missing = if from.is_none() {
                    "計画期間（初年度）"
                } else {
                    "計画期間（最終年度）"
                };
                if errors.is_empty() {
                    errors.push(
                        here(missing),
                        None,
                        "計画期間は初年度と最終年度の両方を書くか、両方とも空欄にしてください（期間のない大綱）".into(),
                        "give both the first and the last year of the period, or neither (a standing plan)".into(),
                    );
                }
                None
            }
        };
        let title = value("名称").unwrap_or_default();
        if title.is_empty() {
            errors.push(
                here("名称"),
                None,
                "計画の名称を入力してください".into(),
                "enter the plan's title".into(),
            );
        }
        let mut doc = match base {
            Some(b) => {
                if city != b.header.city.code.to_string() || plan != b.header.plan.id {
                    let k = if plan != b.header.plan.id {
                        "計画ID"
                    } else {
                        "団体コード"
                    };
                    errors.push(
                        here(k),
                        None,
                        format!(
                            "このブックは別の計画（{city}/{plan}）のものです。この計画（{}/{}）のブックをダウンロードしてください（団体コードと計画IDは変えられません）",
                            b.header.city.code, b.header.plan.id
                        ),
                        format!(
                            "this workbook is for another plan ({city}/{plan}); download this plan's ({}/{}) workbook (the code and plan ID cannot be changed)",
                            b.header.city.code, b.header.plan.id
                        ),
                    );
                    return None;
                }
                b.clone()
            }
            None => {
                let code = match LocalGovCode::parse(&city) {
                    Ok(c) if municipalities::find(&c).is_some() => c,
                    _ => {
                        errors.push(
                            here("団体コード"),
                            None,
                            format!("「{city}」は全国地方公共団体コードの一覧にありません（6桁、例: 082015）"),
                            format!("'{city}' is not in the list of local government codes (six digits, e.g. 082015)"),
                        );
                        return None;
                    }
                };
                let spec = gyokaku_domain::start::NewPlan {
                    city: code,
                    id: plan.clone(),
                    title: if title.is_empty() {
                        "-".into()
                    } else {
                        title.clone()
                    },
                    generation: None,
                    period,
                    draft: true,
                    template: Template::TwoLevels,
                    departments: String::new(),
                };
                match gyokaku_domain::start::new_plan(&spec) {
                    Ok(d) => d,
                    Err(e) => {
                        let k = if e.field == "id" {
                            "計画ID"
                        } else {
                            "名称"
                        };
                        errors.push(here(k), None, e.message.ja.clone(), e.message.en.clone());
                        return None;
                    }
                }
            }
        };
        let p = &mut doc.header.plan;
        p.title = title;
        p.subtitle = value("副題");
        p.generation = value("次数");
        p.draft = match value("案").as_deref().map(is_mark) {
            None => false,
            Some(Some(b)) => b,
            Some(None) => {
                errors.push(
                    here("案"),
                    None,
                    "案（素案・未策定）なら ○、策定済みなら空欄にしてください".into(),
                    "○ for a draft plan, blank for an adopted one".into(),
                );
                false
            }
        };
        p.period = period;
        Some(doc)
    }

    fn levels(&self, errors: &mut Errors) -> Vec<Level> {
        let mut out: Vec<Level> = Vec::new();
        let Some(t) = Table::new(self, SHEET_LEVELS, errors) else {
            return out;
        };
        if !t.require(&LEVEL_COLS, errors) {
            return out;
        }
        t.unknown(&|h| LEVEL_COLS.iter().any(|c| c.0 == h), errors);
        for r in t.rows() {
            let key = t.named(r, "キー", errors).unwrap_or_default();
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                || out.iter().any(|l| l.key == key)
            {
                errors.push(
                    t.at(r, t.col("キー").unwrap_or(0)),
                    None,
                    format!("階層のキー「{key}」: 英小文字・数字・下線で、ほかの階層と重ならないものを入力してください（例: policy）"),
                    format!("level key '{key}': lower-case letters, digits or _, not used by another level (e.g. policy)"),
                );
            }
            let numbering = t
                .named(r, "番号の形式", errors)
                .unwrap_or_else(|| "なし".into());
            let numbering = match NUMBERINGS.iter().find(|(_, s)| *s == numbering) {
                Some((n, _)) => *n,
                None => {
                    errors.push(
                        t.at(r, t.col("番号の形式").unwrap_or(0)),
                        None,
                        format!(
                            "番号の形式「{numbering}」は次のどれかにしてください: {}",
                            NUMBERINGS.map(|(_, s)| s).join("　")
                        ),
                        format!(
                            "numbering '{numbering}' must be one of: {}",
                            NUMBERINGS.map(|(_, s)| s).join("  ")
                        ),
                    );
                    Numbering::None
                }
            };
            out.push(Level {
                key,
                name: t.named(r, "名称", errors),
                name_en: t.named(r, "名称（英語）", errors),
                numbering,
                prefix: t.named(r, "接頭辞", errors),
                items: t.mark(r, "取組", errors),
            });
        }
        if out.is_empty() {
            errors.push(
                SHEET_LEVELS.into(),
                None,
                "階層を一つ以上書いてください".into(),
                "give at least one level".into(),
            );
        }
        if out.len() > MAX_LEVELS {
            errors.push(
                SHEET_LEVELS.into(),
                None,
                format!("階層は{MAX_LEVELS}段までです"),
                format!("a plan has at most {MAX_LEVELS} levels"),
            );
            out.truncate(MAX_LEVELS);
        }
        out
    }

    fn scale(&self, errors: &mut Errors) -> Vec<StatusLevel> {
        let mut out: Vec<StatusLevel> = Vec::new();
        let Some(t) = Table::new(self, SHEET_SCALE, errors) else {
            return out;
        };
        if !t.require(&SCALE_COLS, errors) {
            return out;
        }
        t.unknown(&|h| SCALE_COLS.iter().any(|c| c.0 == h), errors);
        for r in t.rows() {
            let code = t.named(r, "記号", errors).unwrap_or_default();
            let label = t.named(r, "名称", errors).unwrap_or_default();
            if code.is_empty() || label.is_empty() || out.iter().any(|l| l.code == code) {
                errors.push(
                    t.at(r, t.col("記号").unwrap_or(0)),
                    None,
                    format!("評価区分「{code}」: 記号と名称を入力し、記号は重ならないようにしてください"),
                    format!("status '{code}': give a code and a label, each code once"),
                );
            }
            out.push(StatusLevel {
                code,
                label,
                label_en: t.named(r, "名称（英語）", errors),
                achieved: t.mark(r, "達成", errors),
            });
        }
        out
    }

    fn axes(&self, errors: &mut Errors) -> Vec<Axis> {
        let mut out: Vec<Axis> = Vec::new();
        let Some(t) = Table::new(self, SHEET_AXES, errors) else {
            return out;
        };
        if !t.require(&AXIS_COLS, errors) {
            return out;
        }
        t.unknown(&|h| AXIS_COLS.iter().any(|c| c.0 == h), errors);
        for r in t.rows() {
            let key = t.named(r, "分類キー", errors).unwrap_or_default();
            let here = |c: &str| t.at(r, t.col(c).unwrap_or(0));
            if key.is_empty() || key.chars().any(char::is_whitespace) {
                errors.push(
                    here("分類キー"),
                    None,
                    "分類キーを空白なしで入力してください（例: theme）".into(),
                    "give the axis key, without spaces (e.g. theme)".into(),
                );
                continue;
            }
            let kind_text = t.named(r, "種類", errors).unwrap_or_default();
            let kind = AXIS_KINDS
                .iter()
                .find(|(_, ja, en)| *ja == kind_text || *en == kind_text)
                .map(|(k, _, _)| *k);
            let Some(kind) = kind else {
                errors.push(
                    here("種類"),
                    None,
                    format!("種類「{kind_text}」は 複数・単一・○印 のどれかにしてください"),
                    format!("kind '{kind_text}' must be 複数 (multi), 単一 (single) or ○印 (flag)"),
                );
                continue;
            };
            let name = t.named(r, "分類名", errors).unwrap_or_else(|| key.clone());
            let name_en = t.named(r, "分類名（英語）", errors);
            let pos = match out.iter().position(|a| a.key == key) {
                Some(p) if out.last().is_some_and(|a| a.key == key) => p,
                Some(_) => {
                    errors.push(
                        here("分類キー"),
                        None,
                        format!("分類「{key}」の行は続けて並べてください"),
                        format!("the rows of axis '{key}' must be together"),
                    );
                    continue;
                }
                None => {
                    out.push(Axis {
                        key: key.clone(),
                        name,
                        name_en,
                        kind,
                        values: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let code = t.named(r, "値コード", errors);
            let axis = &mut out[pos];
            match (code, kind) {
                (None, AxisKind::Flag) => {}
                (Some(_), AxisKind::Flag) => errors.push(
                    here("値コード"),
                    None,
                    "○印の分類には値を書きません".into(),
                    "a flag axis has no values".into(),
                ),
                (None, _) => errors.push(
                    here("値コード"),
                    None,
                    "値コードを入力してください".into(),
                    "give the value's code".into(),
                ),
                (Some(code), _) => {
                    if axis.values.iter().any(|v| v.code == code) {
                        errors.push(
                            here("値コード"),
                            None,
                            format!("値コード「{code}」が二度書かれています"),
                            format!("value code '{code}' is given twice"),
                        );
                    }
                    let label = t
                        .named(r, "値の名称", errors)
                        .unwrap_or_else(|| code.clone());
                    axis.values.push(AxisValue {
                        code,
                        number: t.named(r, "番号", errors),
                        label,
                        label_en: t.named(r, "値の名称（英語）", errors),
                        description: t.named(r, "説明", errors),
                    });
                }
            }
        }
        out
    }

    fn departments(
        &self,
        base: Option<&PlanDocument>,
        key: (&str, &str),
        errors: &mut Errors,
    ) -> Option<Vec<Department>> {
        let t = Table::new(self, SHEET_DEPTS, errors)?;
        let mut required = DEPT_COLS.to_vec();
        required.extend([ID, CHECK]);
        if !t.require(&required, errors) {
            return None;
        }
        t.unknown(
            &|h| DEPT_COLS.iter().chain([&ID, &CHECK]).any(|c| c.0 == h),
            errors,
        );
        let old: HashMap<String, Department> = base
            .map(|b| flatten_owned(&b.organisation.departments))
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.id.clone(), d))
            .collect();
        let mut used: HashSet<String> = old.keys().cloned().collect();
        // (row, department without children, parent as written)
        let mut rows: Vec<(u32, Department, Option<String>)> = Vec::new();
        let mut seen = HashSet::new();
        for r in t.rows() {
            let here = |c: &str| t.at(r, t.col(c).unwrap_or(0));
            let name = t.named(r, "名称", errors).unwrap_or_default();
            if name.is_empty() {
                errors.push(
                    here("名称"),
                    None,
                    "部署の名称を入力してください".into(),
                    "give the department's name".into(),
                );
            }
            let kind_text = t.named(r, "種別", errors).unwrap_or_else(|| "課".into());
            let kind = match DEPT_KINDS
                .iter()
                .find(|(_, ja, en)| *ja == kind_text || *en == kind_text)
            {
                Some((k, _, _)) => *k,
                None => {
                    errors.push(
                        here("種別"),
                        None,
                        format!("種別「{kind_text}」は 部・課・その他 のどれかにしてください"),
                        format!("kind '{kind_text}' must be 部 (department), 課 (division) or その他 (other)"),
                    );
                    DepartmentKind::Division
                }
            };
            let parent = t.named(r, "上位の部署", errors);
            let id = t.id(r, key, errors);
            let mut d = match id.as_ref().and_then(|id| old.get(id)) {
                Some(d) => d.clone(),
                None if id.is_some() => {
                    errors.push(
                        t.at(r, t.col(ID.0).unwrap_or(0)),
                        None,
                        format!(
                            "ID「{}」の部署はこの計画にありません",
                            id.clone().unwrap_or_default()
                        ),
                        format!(
                            "no department '{}' in this plan",
                            id.clone().unwrap_or_default()
                        ),
                    );
                    continue;
                }
                None => {
                    // Under its parent's id, as 部/課, where the parent is
                    // already known by the name typed.
                    let parent_id = parent.as_deref().map(|p| {
                        resolve(
                            p,
                            old.values()
                                .map(|d| {
                                    (
                                        d.id.as_str(),
                                        [Some(d.name.as_str()), d.abbreviation.as_deref()],
                                    )
                                })
                                .chain(rows.iter().map(|(_, d, _)| {
                                    (
                                        d.id.as_str(),
                                        [Some(d.name.as_str()), d.abbreviation.as_deref()],
                                    )
                                })),
                        )
                        .unwrap_or_else(|_| p.to_string())
                    });
                    let wanted = match &parent_id {
                        Some(p) => format!("{p}/{name}"),
                        None => name.clone(),
                    };
                    Department::new(fresh(&wanted, &mut used), "", kind)
                }
            };
            if !seen.insert(d.id.clone()) {
                errors.push(
                    t.at(r, t.col(ID.0).unwrap_or(0)),
                    None,
                    "同じ隠れIDの行が二つあります（行をコピーすると隠れIDも写ります）。新しい部署は空いた行に入力してください".into(),
                    "two rows have the same hidden ID (copying a row copies it); type a new department in an empty row".into(),
                );
                continue;
            }
            d.children.clear();
            d.name = name;
            d.kind = kind;
            d.abbreviation = t.named(r, "略称", errors);
            d.note = t.named(r, "備考", errors);
            d.valid_to =
                t.named(r, "廃止日", errors)
                    .and_then(|v| match PlanDate::parse(&v) {
                        Ok(x) => Some(x),
                        Err(_) => {
                            errors.push(
                        here("廃止日"),
                        None,
                        format!("「{v}」を日付として読めません（例: 2026-03-31、令和8年3月31日）"),
                        format!("'{v}' is not a date (e.g. 2026-03-31, 令和8年3月31日)"),
                    );
                            None
                        }
                    });
            d.successor = t.named(r, "後継", errors);
            rows.push((r, d, parent));
        }
        // Names resolve to ids among the rows read.
        let names: Vec<(String, String, Option<String>)> = rows
            .iter()
            .map(|(_, d, _)| (d.id.clone(), d.name.clone(), d.abbreviation.clone()))
            .collect();
        let find = |w: &str| {
            resolve(
                w,
                names
                    .iter()
                    .map(|(id, n, a)| (id.as_str(), [Some(n.as_str()), a.as_deref()])),
            )
        };
        let mut parents: Vec<Option<String>> = Vec::new();
        for (r, d, parent) in rows.iter_mut() {
            let to_id = |w: &str, col: &str, errors: &mut Errors| match find(w) {
                Ok(id) => Some(id),
                Err(ambiguous) => {
                    let (ja, en) = if ambiguous {
                        (
                            "名前が同じ部署が複数あります。IDで書いてください",
                            "several departments have that name: write the ID",
                        )
                    } else {
                        ("組織シートにない部署です", "not a department on 組織")
                    };
                    errors.push(
                        t.at(*r, t.col(col).unwrap_or(0)),
                        None,
                        format!("「{w}」: {ja}"),
                        format!("'{w}': {en}"),
                    );
                    None
                }
            };
            let p = parent
                .as_deref()
                .and_then(|p| to_id(p, "上位の部署", errors));
            if let Some(s) = d.successor.clone() {
                d.successor = to_id(&s, "後継", errors);
            }
            if p.as_deref() == Some(d.id.as_str()) {
                errors.push(
                    t.at(*r, t.col("上位の部署").unwrap_or(0)),
                    None,
                    "部署を自分自身の下には置けません".into(),
                    "a department cannot sit under itself".into(),
                );
            }
            parents.push(p);
        }
        // Build the tree: children under their parents, in row order.
        let mut items: Vec<Option<Department>> =
            rows.into_iter().map(|(_, d, _)| Some(d)).collect();
        let ids: Vec<String> = items.iter().flatten().map(|d| d.id.clone()).collect();
        fn attach(
            i: usize,
            items: &mut [Option<Department>],
            parents: &[Option<String>],
            ids: &[String],
            depth: usize,
        ) -> Option<Department> {
            let mut d = items[i].take()?;
            if depth > 8 {
                return Some(d);
            }
            for j in 0..items.len() {
                if parents[j].as_deref() == Some(ids[i].as_str()) {
                    if let Some(c) = attach(j, items, parents, ids, depth + 1) {
                        d.children.push(c);
                    }
                }
            }
            Some(d)
        }
        let mut top = Vec::new();
        for i in 0..items.len() {
            if parents[i].is_none() {
                if let Some(d) = attach(i, &mut items, &parents, &ids, 0) {
                    top.push(d);
                }
            }
        }
        if items.iter().any(Option::is_some) {
            errors.push(
                SHEET_DEPTS.into(),
                None,
                "上位の部署がたどれない部署があります（互いを上位にしているか、8段より深く入れ子になっています）".into(),
                "some departments' parents form a loop or nest deeper than 8".into(),
            );
        }
        Some(top)
    }
}

/// What a column of the node sheet holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NodeCol {
    Fixed,
    Section(String),
    Numbering(String),
    Axis(String, Option<String>),
    Year(FiscalYear),
}

fn reason_of(t: &str) -> Option<RetireReason> {
    REASONS
        .into_iter()
        .find(|r| r.ja() == t || r.en().eq_ignore_ascii_case(t))
}

impl PlanUpload {
    #[allow(clippy::too_many_arguments)]
    fn nodes(
        &self,
        base: Option<&PlanDocument>,
        key: (&str, &str),
        levels: &[Level],
        axes: &[Axis],
        depts: &[Department],
        at_rows: &mut HashMap<String, u32>,
        errors: &mut Errors,
    ) -> Vec<Node> {
        let Some(t) = Table::new(self, SHEET_NODES, errors) else {
            return Vec::new();
        };
        let mut fixed: Vec<Col> = NODE_HEAD.to_vec();
        fixed.push(NODE_DEPTS);
        fixed.extend(NODE_MID);
        fixed.extend(NODE_TAIL);
        fixed.extend([ID, CHECK]);
        if !t.require(&fixed, errors) {
            return Vec::new();
        }
        let sections: Vec<(String, String)> = base
            .map(|b| b.header.sections.iter())
            .into_iter()
            .flatten()
            .map(|s| (s.key.clone(), s.label.clone()))
            .collect();
        let numberings: Vec<(String, String)> = base
            .map(|b| b.header.numberings.iter())
            .into_iter()
            .flatten()
            .map(|s| (s.key.clone(), s.name.clone()))
            .collect();
        let classify = |h: &str| -> Option<NodeCol> {
            if fixed.iter().any(|c| c.0 == h) {
                return Some(NodeCol::Fixed);
            }
            if let Some((k, _)) = sections.iter().find(|(_, l)| l == h) {
                return Some(NodeCol::Section(k.clone()));
            }
            if let Some((k, _)) = numberings.iter().find(|(_, l)| l == h) {
                return Some(NodeCol::Numbering(k.clone()));
            }
            for a in axes {
                if a.values.is_empty() && (a.name == h || a.key == h) {
                    return Some(NodeCol::Axis(a.key.clone(), None));
                }
                if let Some((name, value)) = h.rsplit_once(['：', ':']) {
                    let (name, value) = (name.trim(), value.trim());
                    if a.name == name || a.key == name {
                        // A code first: a label may equal another value's code.
                        let v = a
                            .values
                            .iter()
                            .find(|v| v.code == value)
                            .or_else(|| a.values.iter().find(|v| v.label == value));
                        if let Some(v) = v {
                            return Some(NodeCol::Axis(a.key.clone(), Some(v.code.clone())));
                        }
                    }
                }
            }
            FiscalYear::parse(h).ok().map(NodeCol::Year)
        };
        let cols: Vec<(u16, NodeCol)> = t
            .heads
            .iter()
            .filter_map(|(c, h)| classify(h).map(|k| (*c, k)))
            .collect();
        t.unknown(&|h| classify(h).is_some(), errors);

        let old: HashMap<String, Node> = base
            .map(|b| walk_nodes(&b.nodes))
            .unwrap_or_default()
            .into_iter()
            .map(|(n, _, _)| (n.id.clone(), n.clone()))
            .collect();
        let mut used: HashSet<String> = old.keys().cloned().collect();
        let level_of = |w: &str| {
            levels
                .iter()
                .position(|l| l.key == w || l.name.as_deref() == Some(w))
        };
        // (row, level index, node without children, is new, into as written)
        let mut rows: Vec<(u32, usize, Node, bool, Option<String>)> = Vec::new();
        let mut seen = HashSet::new();
        for r in t.rows() {
            let here = |c: &str| t.at(r, t.col(c).unwrap_or(0));
            let level_text = t.named(r, "階層", errors).unwrap_or_default();
            let Some(li) = level_of(&level_text) else {
                errors.push(
                    here("階層"),
                    None,
                    format!(
                        "階層「{level_text}」は階層シートにありません（{}）",
                        levels
                            .iter()
                            .map(|l| l.name.clone().unwrap_or(l.key.clone()))
                            .collect::<Vec<_>>()
                            .join("・")
                    ),
                    format!("level '{level_text}' is not on the 階層 sheet"),
                );
                continue;
            };
            let id = t.id(r, key, errors);
            let (mut n, new) = match id.as_ref().map(|id| old.get(id)) {
                Some(Some(n)) => (n.clone(), false),
                Some(None) => {
                    errors.push(
                        t.at(r, t.col(ID.0).unwrap_or(0)),
                        None,
                        format!(
                            "ID「{}」の項目はこの計画にありません",
                            id.clone().unwrap_or_default()
                        ),
                        format!("no node '{}' in this plan", id.clone().unwrap_or_default()),
                    );
                    continue;
                }
                None => (Node::new("", ""), true),
            };
            if !new && !seen.insert(n.id.clone()) {
                errors.push(
                    t.at(r, t.col(ID.0).unwrap_or(0)),
                    Some(&n.id),
                    "同じ隠れIDの行が二つあります（行をコピーすると隠れIDも写ります）。新しい項目は空いた行か「行の挿入」で追加してください".into(),
                    "two rows have the same hidden ID (copying a row copies it); add a new node in an empty or inserted row".into(),
                );
                continue;
            }
            if !new && n.level != levels[li].key {
                errors.push(
                    here("階層"),
                    Some(&n.id),
                    "項目の階層は変えられません。別の階層の項目にするときは、新しい行を追加し、この行を削除（廃止）してください".into(),
                    "a node's level cannot change: add a new row and delete (retire) this one".into(),
                );
            }
            n.children.clear();
            n.level = levels[li].key.clone();
            n.title = t.named(r, "表題", errors).unwrap_or_default();
            if n.title.is_empty() {
                errors.push(
                    here("表題"),
                    None,
                    "表題を入力してください".into(),
                    "enter the title".into(),
                );
            }
            n.title_en = t.named(r, "表題（英語）", errors);
            n.body = t.named(r, "内容", errors);
            n.note = t.named(r, "備考", errors);
            n.number = match t.named(r, "番号", errors) {
                None => None,
                Some(s) => match parse_numbering(&s) {
                    Ok((k, _)) => Some(k),
                    Err(_) => {
                        errors.push(
                            here("番号"),
                            None,
                            format!("「{s}」を番号として読めません（例: 3、(3)、③、1-③）"),
                            format!("'{s}' is not a number (e.g. 3, (3), ③, 1-③)"),
                        );
                        None
                    }
                },
            };
            n.departments.clear();
            if let Some(list) = t.named(r, "担当", errors) {
                for w in split_list(&list) {
                    let found = resolve(
                        &w,
                        depts.iter().map(|d| {
                            (
                                d.id.as_str(),
                                [Some(d.name.as_str()), d.abbreviation.as_deref()],
                            )
                        }),
                    );
                    match found {
                        Ok(id) => n.departments.push(id),
                        Err(ambiguous) => errors.push(
                            here("担当"),
                            None,
                            if ambiguous {
                                format!("担当「{w}」: 名前が同じ部署が複数あります。組織シートのIDで書いてください")
                            } else {
                                format!("担当「{w}」は組織シートにありません")
                            },
                            if ambiguous {
                                format!("department '{w}': several have that name; write its ID")
                            } else {
                                format!("department '{w}' is not on 組織 (the organisation)")
                            },
                        ),
                    }
                }
            }
            n.sdgs = match t.named(r, "SDGs", errors) {
                None => Vec::new(),
                Some(s) => {
                    let goals: Vec<Option<u8>> =
                        split_list(&gyokaku_domain::text::to_halfwidth(&s).replace(' ', ","))
                            .iter()
                            .map(|g| g.parse::<u8>().ok().filter(|g| (1..=17).contains(g)))
                            .collect();
                    if goals.iter().any(Option::is_none) {
                        errors.push(
                            here("SDGs"),
                            None,
                            format!("「{s}」: SDGs は 1〜17 の番号を「、」で区切って書いてください（例: 8、17）"),
                            format!("'{s}': SDGs are goal numbers 1–17, separated by commas (e.g. 8, 17)"),
                        );
                    }
                    let mut g: Vec<u8> = goals.into_iter().flatten().collect();
                    g.dedup();
                    g
                }
            };
            let from = t.year(r, "開始年度", errors);
            let to = t.year(r, "終了年度", errors);
            n.period = match (from, to) {
                (Some(from), Some(to)) if from <= to => Some(Period { from, to }),
                (None, None) => None,
                _ => {
                    errors.push(
                        here(if from.is_some() { "終了年度" } else { "開始年度" }),
                        None,
                        "取組の期間は開始年度と終了年度（開始以降）の両方を書くか、両方とも空欄にしてください".into(),
                        "give both the first and last year (not before the first), or neither".into(),
                    );
                    None
                }
            };
            n.sections.clear();
            n.numbers.clear();
            // Years without a column keep their text.
            n.schedule.retain(|y, _| {
                !cols
                    .iter()
                    .any(|(_, k)| matches!(k, NodeCol::Year(fy) if fy == y))
            });
            let mut marks: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut flags: BTreeMap<String, bool> = BTreeMap::new();
            for (c, kind) in &cols {
                match kind {
                    NodeCol::Fixed => {}
                    NodeCol::Section(k) => {
                        if let Some(v) = t.text(r, Some(*c), errors) {
                            n.sections.insert(k.clone(), v);
                        }
                    }
                    NodeCol::Numbering(k) => {
                        if let Some(v) = t.text(r, Some(*c), errors) {
                            n.numbers.insert(k.clone(), v);
                        }
                    }
                    NodeCol::Year(fy) => {
                        if let Some(v) = t.text(r, Some(*c), errors) {
                            n.schedule.insert(*fy, v);
                        }
                    }
                    NodeCol::Axis(a, value) => {
                        let on = t.mark_at(r, Some(*c), errors);
                        match value {
                            Some(v) if on => marks.entry(a.clone()).or_default().push(v.clone()),
                            Some(_) => {}
                            None => {
                                flags.insert(a.clone(), on);
                            }
                        }
                    }
                }
            }
            // Axis marks: as the axes define them, values in their order.
            let old_axes = std::mem::take(&mut n.axes);
            for a in axes {
                match a.kind {
                    AxisKind::Flag => {
                        let on = flags.get(&a.key).copied().unwrap_or(false);
                        match old_axes.get(&a.key) {
                            Some(AxisMark::Flag(b)) if *b == on => {
                                n.axes.insert(a.key.clone(), AxisMark::Flag(on));
                            }
                            _ if on => {
                                n.axes.insert(a.key.clone(), AxisMark::Flag(true));
                            }
                            _ => {}
                        }
                    }
                    AxisKind::Multi | AxisKind::Single => {
                        let Some(list) = marks.get(&a.key) else {
                            // A stored empty list stays as stored.
                            if let Some(m @ AxisMark::Codes(prev)) = old_axes.get(&a.key) {
                                if prev.is_empty() {
                                    n.axes.insert(a.key.clone(), m.clone());
                                }
                            }
                            continue;
                        };
                        let ordered: Vec<String> = match old_axes.get(&a.key) {
                            // Keep the order as stored when the set is unchanged.
                            Some(AxisMark::Codes(prev))
                                if prev.len() == list.len()
                                    && prev.iter().all(|p| list.contains(p)) =>
                            {
                                prev.clone()
                            }
                            _ => list.clone(),
                        };
                        if a.kind == AxisKind::Single && ordered.len() > 1 {
                            let first = cols
                                .iter()
                                .find(|(_, k)| matches!(k, NodeCol::Axis(x, _) if *x == a.key))
                                .map_or(0, |(c, _)| *c);
                            errors.push(
                                t.at(r, first),
                                None,
                                format!("「{}」は一つの値にだけ ○ を付けてください", a.name),
                                format!("'{}' takes one value: one ○ only", a.name),
                            );
                        }
                        n.axes.insert(a.key.clone(), AxisMark::Codes(ordered));
                    }
                }
            }
            // Retirement
            let last_year = t.year(r, "廃止年度", errors);
            let reason_text = t.named(r, "廃止理由", errors);
            let reason = reason_text.as_deref().map(|s| {
                reason_of(s).ok_or_else(|| {
                    errors.push(
                        here("廃止理由"),
                        None,
                        format!("廃止理由「{s}」は 完了・統合・廃止 のどれかにしてください"),
                        format!("'{s}': the reason is 完了 (completed), 統合 (merged) or 廃止 (abolished)"),
                    )
                })
            });
            let into = t.named(r, "統合先", errors);
            let rnote = t.named(r, "廃止の説明", errors);
            let marked = t.mark(r, "廃止", errors);
            n.retired = if marked
                || last_year.is_some()
                || reason.is_some()
                || into.is_some()
                || rnote.is_some()
            {
                Some(Retirement {
                    last_year,
                    reason: reason.and_then(Result::ok),
                    into: None,
                    note: rnote,
                })
            } else {
                None
            };
            rows.push((r, li, n, new, into));
        }

        // The tree from the order of the rows.
        let mut parent: Vec<Option<usize>> = Vec::with_capacity(rows.len());
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..rows.len() {
            while stack.last().is_some_and(|&s| rows[s].1 >= rows[i].1) {
                stack.pop();
            }
            parent.push(stack.last().copied());
            stack.push(i);
        }
        // Numbers written twice among live siblings.
        let mut numbers: HashMap<(Option<usize>, u32), usize> = HashMap::new();
        for (i, (r, _, n, _, _)) in rows.iter().enumerate() {
            if let (Some(k), None) = (n.number, &n.retired) {
                if let Some(first) = numbers.insert((parent[i], k), i) {
                    errors.push(
                        t.at(*r, t.col("番号").unwrap_or(0)),
                        Some(&n.id),
                        format!(
                            "番号 {k} は同じ上位の項目の下で二度使われています（{} 行目にもあります）",
                            rows[first].0 + 1
                        ),
                        format!(
                            "number {k} is used twice under the same parent (also on row {})",
                            rows[first].0 + 1
                        ),
                    );
                }
            }
        }
        // Ids for new rows: the number path where it is free.
        let mut path: Vec<Option<String>> = Vec::with_capacity(rows.len());
        for i in 0..rows.len() {
            let p = match (parent[i], rows[i].2.number) {
                (Some(pi), Some(k)) => path[pi].as_ref().map(|pp| format!("{pp}-{k}")),
                (None, Some(k)) => Some(k.to_string()),
                _ => None,
            };
            path.push(p);
        }
        for i in 0..rows.len() {
            if rows[i].3 {
                let wanted = path[i]
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", rows[i].2.level, rows[i].0 + 1));
                rows[i].2.id = fresh(&wanted, &mut used);
            }
        }
        // 統合先, resolved once the tree stands.
        let intos: Vec<(u32, String, String)> = rows
            .iter()
            .filter(|(_, _, n, _, _)| n.retired.is_some())
            .filter_map(|(r, _, n, _, into)| into.clone().map(|w| (*r, n.id.clone(), w)))
            .collect();
        for (r, _, n, _, _) in &rows {
            at_rows.insert(n.id.clone(), *r);
        }
        // Assemble.
        let mut slots: Vec<Option<Node>> =
            rows.into_iter().map(|(_, _, n, _, _)| Some(n)).collect();
        for i in (0..slots.len()).rev() {
            if let Some(p) = parent[i] {
                if let Some(child) = slots[i].take() {
                    if let Some(pn) = slots[p].as_mut() {
                        pn.children.insert(0, child);
                    }
                }
            }
        }
        let mut tree: Vec<Node> = slots.into_iter().flatten().collect();
        let index = NodeIndex::of(&tree);
        for (r, id, w) in intos {
            match index.find(&w) {
                Ok(target) => {
                    if let Some(ret) = gyokaku_domain::find_node_mut(&mut tree, &id)
                        .and_then(|n| n.retired.as_mut())
                    {
                        ret.into = Some(target);
                    }
                }
                Err(ambiguous) => {
                    let (ja, en) = bad_reference("統合先", &w, ambiguous);
                    errors.push(t.at(r, t.col("統合先").unwrap_or(0)), Some(&id), ja, en);
                }
            }
        }
        tree
    }

    fn indicators(
        &self,
        base: Option<&PlanDocument>,
        key: (&str, &str),
        nodes: &[Node],
        at_rows: &mut HashMap<String, u32>,
        errors: &mut Errors,
    ) -> Vec<Indicator> {
        let mut out: Vec<Indicator> = Vec::new();
        let Some(t) = Table::new(self, SHEET_INDICATORS, errors) else {
            return out;
        };
        let mut fixed = INDICATOR_COLS.to_vec();
        fixed.extend([ID, CHECK]);
        if !t.require(&fixed, errors) {
            return out;
        }
        t.unknown(&|h| fixed.iter().any(|c| c.0 == h), errors);
        let old: HashMap<&str, &Indicator> = base
            .map(|b| b.indicators.iter().map(|i| (i.id.as_str(), i)).collect())
            .unwrap_or_default();
        let mut used: HashSet<String> = old.keys().map(|k| k.to_string()).collect();
        let index = NodeIndex::of(nodes);
        let mut seen = HashSet::new();
        for r in t.rows() {
            let here = |c: &str| t.at(r, t.col(c).unwrap_or(0));
            let id = t.id(r, key, errors);
            let mut ind = match id.as_deref().map(|id| old.get(id)) {
                Some(Some(i)) => (*i).clone(),
                Some(None) => {
                    errors.push(
                        t.at(r, t.col(ID.0).unwrap_or(0)),
                        None,
                        "この計画にない指標のIDです".into(),
                        "no such indicator in this plan".into(),
                    );
                    continue;
                }
                None => Indicator {
                    id: String::new(),
                    node: None,
                    kind: IndicatorKind::Outcome,
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
                },
            };
            if !ind.id.is_empty() && !seen.insert(ind.id.clone()) {
                errors.push(
                    t.at(r, t.col(ID.0).unwrap_or(0)),
                    None,
                    "同じ隠れIDの行が二つあります（行をコピーすると隠れIDも写ります）。新しい指標は空いた行に入力してください".into(),
                    "two rows have the same hidden ID (copying a row copies it); type a new indicator in an empty row".into(),
                );
                continue;
            }
            ind.node = match t.named(r, "対象", errors) {
                None => None,
                Some(w) => match index.find(&w) {
                    Ok(id) => Some(id),
                    Err(ambiguous) => {
                        let (ja, en) = bad_reference("対象", &w, ambiguous);
                        errors.push(here("対象"), None, ja, en);
                        None
                    }
                },
            };
            let kind = t
                .named(r, "種別", errors)
                .unwrap_or_else(|| "成果指標".into());
            ind.kind = match INDICATOR_KINDS
                .iter()
                .find(|(k, ja)| *ja == kind || k.key() == kind)
            {
                Some((k, _)) => *k,
                None => {
                    errors.push(
                        here("種別"),
                        None,
                        format!("種別「{kind}」は 政策指標・成果指標・参考指標 のどれかにしてください"),
                        format!("'{kind}': the kind is 政策指標 (policy), 成果指標 (outcome) or 参考指標 (reference)"),
                    );
                    IndicatorKind::Outcome
                }
            };
            ind.name = t.named(r, "指標名", errors).unwrap_or_default();
            if ind.name.is_empty() {
                errors.push(
                    here("指標名"),
                    None,
                    "指標名を入力してください".into(),
                    "enter the indicator's name".into(),
                );
            }
            ind.unit = t.named(r, "単位", errors);
            ind.definition = t.named(r, "定義", errors);
            ind.source = t.named(r, "出典", errors);
            ind.cumulative = t.mark(r, "累計", errors);
            ind.challenge = t.mark(r, "チャレンジ", errors);
            ind.note = t.named(r, "備考", errors);
            let b = Baseline {
                fy: t.year(r, "基準年度", errors),
                value: t.decimal(r, "基準値", errors),
                pending: t.named(r, "基準値の記述", errors),
            };
            ind.baseline =
                (b.fy.is_some() || b.value.is_some() || b.pending.is_some()).then_some(b);
            let tfy = t.year(r, "目標年度", errors);
            let tvalue = t.decimal(r, "目標値", errors);
            let ttext = t.named(r, "目標の記述", errors);
            let tkind = t.named(r, "目標の種類", errors);
            let tkind = match tkind.as_deref() {
                None if tvalue.is_some() => Some(TargetKind::Value),
                None if tfy.is_some() || ttext.is_some() => Some(TargetKind::Pending),
                None => None,
                Some(s) => match TARGET_KINDS.iter().find(|(_, ja, en)| *ja == s || *en == s) {
                    Some((k, _, _)) => Some(*k),
                    None => {
                        errors.push(
                            here("目標の種類"),
                            None,
                            format!(
                                "目標の種類「{s}」は次のどれかにしてください: {}",
                                TARGET_KINDS.map(|(_, ja, _)| ja).join("・")
                            ),
                            format!(
                                "target kind '{s}' must be one of: {}",
                                TARGET_KINDS.map(|(_, _, en)| en).join(", ")
                            ),
                        );
                        None
                    }
                },
            };
            if let Some(k) = tkind {
                if k.needs_value() && tvalue.is_none() {
                    errors.push(
                        here("目標値"),
                        None,
                        format!(
                            "目標の種類「{}」には目標値が要ります",
                            TARGET_KINDS.iter().find(|x| x.0 == k).map_or("", |x| x.1)
                        ),
                        "this kind of target needs a target value".into(),
                    );
                }
            }
            ind.target = tkind.map(|kind| Target {
                fy: tfy,
                kind,
                value: tvalue,
                text: ttext,
            });
            let last_year = t.year(r, "廃止年度", errors);
            let reason = t.named(r, "廃止理由", errors).map(|s| {
                reason_of(&s).ok_or_else(|| {
                    errors.push(
                        here("廃止理由"),
                        None,
                        format!("廃止理由「{s}」は 完了・統合・廃止 のどれかにしてください"),
                        format!("'{s}': the reason is 完了 (completed), 統合 (merged) or 廃止 (abolished)"),
                    )
                })
            });
            let marked = t.mark(r, "廃止", errors);
            ind.retired = if marked || last_year.is_some() || reason.is_some() {
                let prev = ind.retired.take().unwrap_or(Retirement {
                    last_year: None,
                    reason: None,
                    into: None,
                    note: None,
                });
                Some(Retirement {
                    last_year,
                    reason: reason.and_then(Result::ok),
                    ..prev
                })
            } else {
                None
            };
            if ind.id.is_empty() {
                let wanted = match &ind.node {
                    Some(n) => format!("{n}-i"),
                    None => "i".to_string(),
                };
                let mut k = 1;
                while used.contains(&format!("{wanted}{k}")) {
                    k += 1;
                }
                ind.id = fresh(&format!("{wanted}{k}"), &mut used);
            }
            at_rows.insert(ind.id.clone(), r);
            out.push(ind);
        }
        out
    }

    fn glossary(
        &self,
        base: Option<&PlanDocument>,
        key: (&str, &str),
        errors: &mut Errors,
    ) -> Vec<GlossaryTerm> {
        let mut out: Vec<GlossaryTerm> = Vec::new();
        let Some(t) = Table::new(self, SHEET_GLOSSARY, errors) else {
            return out;
        };
        let mut fixed = GLOSSARY_COLS.to_vec();
        fixed.extend([ID, CHECK]);
        if !t.require(&fixed, errors) {
            return out;
        }
        t.unknown(&|h| fixed.iter().any(|c| c.0 == h), errors);
        let old: HashMap<&str, &GlossaryTerm> = base
            .map(|b| b.glossary.iter().map(|g| (g.term.as_str(), g)).collect())
            .unwrap_or_default();
        let mut seen = HashSet::new();
        for r in t.rows() {
            let here = |c: &str| t.at(r, t.col(c).unwrap_or(0));
            let id = t.id(r, key, errors);
            if let Some(id) = &id {
                let id_cell = t.at(r, t.col(ID.0).unwrap_or(0));
                if !old.contains_key(id.as_str()) {
                    errors.push(
                        id_cell,
                        None,
                        "この計画にない用語のIDです".into(),
                        "no such term in this plan".into(),
                    );
                    continue;
                }
                if !seen.insert(id.clone()) {
                    errors.push(
                        id_cell,
                        None,
                        "同じ隠れIDの行が二つあります（行をコピーすると隠れIDも写ります）。新しい用語は空いた行に入力してください".into(),
                        "two rows have the same hidden ID (copying a row copies it); type a new term in an empty row".into(),
                    );
                    continue;
                }
            }
            let marks = id
                .as_deref()
                .and_then(|id| old.get(id))
                .map(|g| g.marks.clone())
                .unwrap_or_default();
            let term = t.named(r, "用語", errors).unwrap_or_default();
            let description = t.named(r, "説明", errors).unwrap_or_default();
            if term.is_empty() || description.is_empty() {
                errors.push(
                    here(if term.is_empty() { "用語" } else { "説明" }),
                    None,
                    "用語と説明の両方を入力してください".into(),
                    "give both the term and its description".into(),
                );
            }
            if out.iter().any(|g| g.term == term) {
                errors.push(
                    here("用語"),
                    None,
                    format!("用語「{term}」が二度書かれています"),
                    format!("term '{term}' is given twice"),
                );
            }
            out.push(GlossaryTerm {
                term,
                reading: t.named(r, "読み", errors),
                description,
                marks,
                note: t.named(r, "備考", errors),
            });
        }
        out
    }
}

/// A workbook saved again with some cells changed, as a clerk's
/// spreadsheet program would (values only: formats, hidden columns and
/// protection are not kept). For tests and examples.
#[doc(hidden)]
pub mod testing {
    use std::collections::BTreeMap;
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use rust_xlsxwriter::Workbook;

    /// One change: sheet, 0-based row and column, the new text (`None`
    /// clears the cell); a row `u32::MAX` appends after the last row.
    pub type Change<'a> = (&'a str, u32, u16, Option<&'a str>);

    /// Every sheet's cells, as text or numbers.
    /// A sheet's name and cells.
    pub type Sheet = (String, BTreeMap<(u32, u16), Data>);

    pub fn cells(bytes: &[u8]) -> Vec<Sheet> {
        let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
        let mut out = Vec::new();
        for name in xlsx.sheet_names() {
            let range = xlsx.worksheet_range(&name).expect("a sheet");
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut cells = BTreeMap::new();
            for (r, c, v) in range.used_cells() {
                cells.insert((r as u32 + r0, (c as u32 + c0) as u16), v.clone());
            }
            out.push((name, cells));
        }
        out
    }

    /// The column of a sheet whose row-1 header is `head`.
    pub fn column(bytes: &[u8], sheet: &str, head: &str) -> u16 {
        cells(bytes)
            .into_iter()
            .find(|(n, _)| n == sheet)
            .and_then(|(_, c)| {
                c.iter()
                    .find(|((r, _), v)| *r == 0 && **v == head)
                    .map(|((_, c), _)| *c)
            })
            .unwrap_or_else(|| panic!("no column {head} on {sheet}"))
    }

    /// The first row of a sheet whose cell in `col` is `text`.
    pub fn row_of(bytes: &[u8], sheet: &str, col: u16, text: &str) -> u32 {
        cells(bytes)
            .into_iter()
            .find(|(n, _)| n == sheet)
            .and_then(|(_, c)| {
                c.iter()
                    .find(|((_, cc), v)| *cc == col && **v == text)
                    .map(|((r, _), _)| *r)
            })
            .unwrap_or_else(|| panic!("no row with {text} on {sheet}"))
    }

    /// The workbook with `changes` made; `merge` merges a range
    /// (sheet, first row, first column, last row, last column).
    pub fn rewrite(
        bytes: &[u8],
        changes: &[Change],
        merge: Option<(&str, u32, u16, u32, u16)>,
    ) -> Vec<u8> {
        let mut sheets = cells(bytes);
        for (sheet, row, col, text) in changes {
            let (_, cells) = sheets
                .iter_mut()
                .find(|(n, _)| n == sheet)
                .expect("a sheet");
            let row = if *row == u32::MAX {
                cells.keys().map(|(r, _)| r + 1).max().unwrap_or(0)
            } else {
                *row
            };
            match text {
                Some(t) => {
                    cells.insert((row, *col), Data::String(t.to_string()));
                }
                None => {
                    cells.remove(&(row, *col));
                }
            }
        }
        let mut wb = Workbook::new();
        for (name, cells) in &sheets {
            let ws = wb.add_worksheet();
            ws.set_name(name).expect("name");
            for ((r, c), v) in cells {
                match v {
                    Data::Float(f) => ws.write_number(*r, *c, *f),
                    Data::Int(i) => ws.write_number(*r, *c, *i as f64),
                    other => ws.write_string(*r, *c, other.to_string()),
                }
                .expect("write");
            }
            if let Some((s, r1, c1, r2, c2)) = merge {
                if s == name {
                    ws.merge_range(r1, c1, r2, c2, "", &rust_xlsxwriter::Format::new())
                        .expect("merge");
                }
            }
        }
        wb.save_to_buffer().expect("save")
    }

    /// Deletes a row: the rows below move up.
    pub fn delete_row(bytes: &[u8], sheet: &str, row: u32) -> Vec<u8> {
        let sheets = cells(bytes);
        let mut changes: Vec<(String, u32, u16, Option<String>)> = Vec::new();
        for (name, cells) in &sheets {
            if name != sheet {
                continue;
            }
            let last = cells.keys().map(|(r, _)| *r).max().unwrap_or(0);
            for r in row..=last {
                let cols: std::collections::BTreeSet<u16> = cells
                    .keys()
                    .filter(|(rr, _)| *rr == r || *rr == r + 1)
                    .map(|(_, c)| *c)
                    .collect();
                for c in cols {
                    let below = cells.get(&(r + 1, c)).map(|v| v.to_string());
                    changes.push((name.clone(), r, c, below));
                }
            }
        }
        let borrowed: Vec<Change> = changes
            .iter()
            .map(|(s, r, c, t)| (s.as_str(), *r, *c, t.as_deref()))
            .collect();
        rewrite(bytes, &borrowed, None)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{column, rewrite, row_of};
    use super::*;
    use std::path::Path;

    fn example(name: &str) -> PlanDocument {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(name);
        let doc = crate::read_plan_dir(&dir).expect("example reads");
        gyokaku_domain::revision::structure(&doc)
    }

    fn read_back(
        bytes: &[u8],
        base: Option<&PlanDocument>,
    ) -> Result<PlanDocument, Vec<CellError>> {
        open("plan.xlsx", bytes)?.read(base)
    }

    fn only_error(bytes: &[u8], base: &PlanDocument) -> CellError {
        let errors = read_back(bytes, Some(base)).expect_err("refused");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().expect("one")
    }

    #[test]
    fn every_example_reads_back_as_it_was() {
        for name in ["tomakomai", "ishioka", "annaka", "annaka-3"] {
            let doc = example(name);
            let bytes = build(
                &doc,
                Origin {
                    revision: Some(1),
                    draft: None,
                },
            )
            .expect("builds");
            let back = read_back(&bytes, Some(&doc)).unwrap_or_else(|e| panic!("{name}: {e:#?}"));
            assert_eq!(back.header, doc.header, "{name}: header");
            assert_eq!(back.organisation, doc.organisation, "{name}: organisation");
            assert_eq!(back.nodes, doc.nodes, "{name}: nodes");
            assert_eq!(back.indicators, doc.indicators, "{name}: indicators");
            assert_eq!(back.glossary, doc.glossary, "{name}: glossary");
            let saved_again = rewrite(&bytes, &[], None);
            let again = read_back(&saved_again, Some(&doc)).expect("saved by a spreadsheet");
            assert_eq!(again.nodes, doc.nodes, "{name}: as a spreadsheet saves it");
        }
    }

    #[test]
    fn references_survive_renumbering_and_an_ambiguous_one_is_refused() {
        let mut doc = example("tomakomai");
        // Items 1 and 2 swap numbers: their IDs are now the other's number.
        doc.nodes[0].number = Some(2);
        doc.nodes[1].number = Some(1);
        doc.nodes.swap(0, 1);
        let mut retired = doc.nodes[2].clone();
        retired.retired = Some(Retirement {
            last_year: None,
            reason: Some(RetireReason::Merged),
            into: Some("1".into()),
            note: None,
        });
        doc.nodes[2] = retired;
        doc.indicators.push(Indicator {
            id: "t1".into(),
            node: Some("1".into()),
            kind: IndicatorKind::Outcome,
            name: "件数".into(),
            definition: None,
            unit: None,
            source: None,
            cumulative: false,
            challenge: false,
            baseline: None,
            target: None,
            note: None,
            retired: None,
        });
        let bytes = build(&doc, Origin::default()).expect("builds");
        let back = read_back(&bytes, Some(&doc)).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(
            back.indicators.last().and_then(|i| i.node.as_deref()),
            Some("1")
        );
        assert_eq!(back.nodes, doc.nodes, "the merger still names item 1");
        // A number path that is no ID names the node with that number;
        // one that names nothing is refused, located.
        let on = column(&bytes, SHEET_INDICATORS, "対象");
        let row = row_of(
            &bytes,
            SHEET_INDICATORS,
            column(&bytes, SHEET_INDICATORS, "ID"),
            "t1",
        );
        let edited = rewrite(&bytes, &[(SHEET_INDICATORS, row, on, Some("99"))], None);
        let e = only_error(&edited, &doc);
        assert_eq!(e.at, at(SHEET_INDICATORS, row, on));
        assert!(e.en.contains("not a node"), "{e:?}");
    }

    #[test]
    fn a_retired_node_without_details_stays_retired() {
        let mut doc = example("ishioka");
        doc.nodes[0].children[0].retired = Some(Retirement {
            last_year: None,
            reason: None,
            into: None,
            note: None,
        });
        let bytes = build(&doc, Origin::default()).expect("builds");
        let back = read_back(&bytes, Some(&doc)).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(back.nodes, doc.nodes);
    }

    #[test]
    fn an_edited_hidden_id_is_refused_with_its_cell() {
        let doc = example("tomakomai");
        let bytes = build(&doc, Origin::default()).expect("builds");
        let id_col = column(&bytes, SHEET_NODES, "ID");
        let row = row_of(&bytes, SHEET_NODES, id_col, "3");
        let edited = rewrite(&bytes, &[(SHEET_NODES, row, id_col, Some("4"))], None);
        let e = only_error(&edited, &doc);
        assert_eq!(e.at, at(SHEET_NODES, row, id_col));
        assert!(e.ja.contains("隠れたID"), "{e:?}");
        assert!(e.en.contains("hidden ID"), "{e:?}");
    }

    #[test]
    fn a_row_moved_from_the_indicator_sheet_is_refused() {
        let doc = example("ishioka");
        let bytes = build(&doc, Origin::default()).expect("builds");
        let sheets = testing::cells(&bytes);
        let ind = &sheets
            .iter()
            .find(|(n, _)| n == SHEET_INDICATORS)
            .expect("sheet")
            .1;
        let (iid, icheck) = (
            column(&bytes, SHEET_INDICATORS, "ID"),
            column(&bytes, SHEET_INDICATORS, "確認"),
        );
        let id = ind[&(FIRST, iid)].to_string();
        let check = ind[&(FIRST, icheck)].to_string();
        let (nid, ncheck) = (
            column(&bytes, SHEET_NODES, "ID"),
            column(&bytes, SHEET_NODES, "確認"),
        );
        let edited = rewrite(
            &bytes,
            &[
                (SHEET_NODES, FIRST, nid, Some(&id)),
                (SHEET_NODES, FIRST, ncheck, Some(&check)),
            ],
            None,
        );
        let e = only_error(&edited, &doc);
        assert_eq!(e.at, at(SHEET_NODES, FIRST, nid));
    }

    #[test]
    fn bad_cells_are_located_and_nothing_is_read() {
        let doc = example("tomakomai");
        let bytes = build(&doc, Origin::default()).expect("builds");
        let depts = column(&bytes, SHEET_NODES, "担当");
        let number = column(&bytes, SHEET_NODES, "番号");
        let note = column(&bytes, SHEET_NODES, "備考");
        let r = FIRST + 4;
        let cases: Vec<(Vec<u8>, String, &str)> = vec![
            (
                rewrite(
                    &bytes,
                    &[(SHEET_NODES, r, depts, Some("存在しない課"))],
                    None,
                ),
                at(SHEET_NODES, r, depts),
                "組織シートにありません",
            ),
            (
                rewrite(&bytes, &[(SHEET_NODES, r, number, Some("1"))], None),
                at(SHEET_NODES, r, number),
                "二度使われています",
            ),
            (
                rewrite(&bytes, &[(SHEET_NODES, r, note + 40, Some("○"))], None),
                at(SHEET_NODES, r, note + 40),
                "視点の値の列",
            ),
            (
                rewrite(&bytes, &[], Some((SHEET_NODES, r, 2, r, 3))),
                at(SHEET_NODES, r, 2),
                "結合",
            ),
        ];
        for (edited, cell, says) in cases {
            let errors = read_back(&edited, Some(&doc)).expect_err("refused");
            assert!(
                errors.iter().any(|e| e.at == cell && e.ja.contains(says)),
                "{cell} {says}: {errors:#?}"
            );
        }
    }

    #[test]
    fn a_target_kind_without_its_value_is_located() {
        let doc = example("ishioka");
        let bytes = build(&doc, Origin::default()).expect("builds");
        let kind = column(&bytes, SHEET_INDICATORS, "目標の種類");
        let value = column(&bytes, SHEET_INDICATORS, "目標値");
        let edited = rewrite(
            &bytes,
            &[
                (SHEET_INDICATORS, FIRST, kind, Some("以上")),
                (SHEET_INDICATORS, FIRST, value, None),
            ],
            None,
        );
        let e = only_error(&edited, &doc);
        assert_eq!(e.at, at(SHEET_INDICATORS, FIRST, value));
        assert!(e.en.contains("target value"), "{e:?}");
    }

    #[test]
    fn a_blank_workbook_filled_in_is_a_new_plan() {
        let bytes = blank().expect("blank");
        let plan = |i: u32, v: &'static str| (SHEET_PLAN, FIRST + i, 1u16, Some(v));
        let filled = rewrite(
            &bytes,
            &[
                plan(0, "082015"),
                plan(1, "gyokaku-r8"),
                plan(2, "水戸市行財政改革プラン"),
                plan(6, "令和8年度"),
                plan(7, "R10"),
                (SHEET_DEPTS, FIRST, 0, Some("部")),
                (SHEET_DEPTS, FIRST, 1, Some("総務部")),
                (SHEET_DEPTS, FIRST + 1, 0, Some("課")),
                (SHEET_DEPTS, FIRST + 1, 1, Some("総務課")),
                (SHEET_DEPTS, FIRST + 1, 3, Some("総務部")),
                (SHEET_NODES, FIRST, 0, Some("方針")),
                (SHEET_NODES, FIRST, 1, Some("1")),
                (SHEET_NODES, FIRST, 2, Some("効率的な行政運営")),
                (SHEET_NODES, FIRST + 1, 0, Some("取組")),
                (SHEET_NODES, FIRST + 1, 1, Some("(1)")),
                (SHEET_NODES, FIRST + 1, 2, Some("窓口のオンライン化")),
                (SHEET_NODES, FIRST + 1, 5, Some("総務課")),
            ],
            None,
        );
        let doc = read_back(&filled, None).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(doc.header.city.name, "水戸市");
        assert_eq!(doc.header.plan.period.map(|p| p.to.year()), Some(2028));
        assert_eq!(doc.nodes.len(), 1);
        let item = &doc.nodes[0].children[0];
        assert_eq!((item.id.as_str(), item.number), ("1-1", Some(1)));
        assert_eq!(item.departments, vec!["総務部/総務課".to_string()]);
    }
}
