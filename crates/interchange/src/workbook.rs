//! 実績報告の Excel — one department's items for one fiscal year as a
//! workbook to fill in offline, and the filled workbook read back as
//! typed edits, every problem named by sheet and cell (実績!J12).
//!
//! Pure: bytes in, bytes out. No store, no HTTP; the web handler builds a
//! [`Book`] from the stored plan and reports, and applies what
//! [`Uploaded::review`] finds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use gyokaku_domain::present;
use gyokaku_domain::{
    Bilingual, Decimal, Direction, FiscalYear, IndicatorValue, Progress, ReportState, StatusLevel,
    Yen,
};

/// What the 説明 sheet says a workbook is; a workbook of another format
/// is refused rather than guessed at.
pub const FORMAT: &str = "gyokaku-workbook/1";
/// 実績: one row per item.
pub const SHEET_REPORTS: &str = "実績";
/// 指標: one row per indicator of those items.
pub const SHEET_INDICATORS: &str = "指標";
/// 説明: what the workbook is and how to fill it.
pub const SHEET_HELP: &str = "説明";
/// 選択肢: the dropdown lists (hidden).
pub const SHEET_LISTS: &str = "選択肢";

/// The first row of data: row 1 heads the columns in Japanese, row 2 in
/// English.
const FIRST_DATA_ROW: u32 = 2;
/// Bounds on what an upload may hold, so that a crafted file cannot make
/// the server allocate without limit.
pub(crate) const MAX_ROWS: u32 = 5_000;
const MAX_COLS: u16 = 40;
const MAX_CELLS: usize = 200_000;
/// More errors than this are summarised in one line.
pub(crate) const MAX_ERRORS: usize = 300;
/// Excel's limit on the text of one cell.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;

/// Which workbook: the plan, year and department it was made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookKey {
    /// 全国地方公共団体コード, six digits.
    pub city: String,
    pub plan: String,
    pub fy: FiscalYear,
    /// The department's id in the plan's organisation.
    pub dept: String,
}

impl BookKey {
    /// The error to show when the workbook is another plan's.
    pub fn other_plan(&self, city: &str, plan: &str) -> Option<CellError> {
        (self.city != city || self.plan != plan).then(|| CellError {
            at: at(SHEET_HELP, HELP_PLAN_ROW, 1),
            node: None,
            ja: format!(
                "このブックは別の計画（{}/{}）のものです。この計画（{city}/{plan}）のブックをダウンロードしてください",
                self.city, self.plan
            ),
            en: format!(
                "this workbook is for another plan ({}/{}); download the workbook of this plan ({city}/{plan})",
                self.city, self.plan
            ),
        })
    }
}

/// One indicator of an item, with its actual for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookIndicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub value: Option<Decimal>,
}

/// An item's stored report for the year, as far as the workbook needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookReport {
    pub progress: Progress,
    /// The version an upload based on this report must name.
    pub version: i64,
    /// Who saved it last (shown for a stale row).
    pub updated_by: String,
    /// Where the report stands in the yearly cycle.
    pub state: ReportState,
}

/// One item of the department, with its stored report for the year.
#[derive(Debug, Clone)]
pub struct BookItem {
    pub id: String,
    /// The number as the plan prints it: 1-①, (3).
    pub number: String,
    pub title: String,
    /// The responsible departments' names, joined.
    pub depts: String,
    pub current: Option<BookReport>,
    pub indicators: Vec<BookIndicator>,
}

impl BookItem {
    fn editable(&self, open: bool) -> bool {
        open && self.current.as_ref().is_none_or(|c| c.state.editable())
    }
}

/// Everything a workbook is built from, and an upload checked against.
#[derive(Debug, Clone)]
pub struct Book {
    pub key: BookKey,
    pub city_name: String,
    pub plan_title: String,
    pub dept_name: String,
    pub scale: Vec<StatusLevel>,
    /// Reporting for the year is open.
    pub open: bool,
    pub items: Vec<BookItem>,
    /// Every item id of the plan: tells "another department's item" from
    /// "no such item".
    pub plan_items: HashSet<String>,
}

/// A problem of an upload, located where a clerk can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// `実績!J12`, `実績` for a whole sheet, or the file name for a file
    /// that is no workbook.
    pub at: String,
    /// The item of the row, when the problem is in one.
    pub node: Option<String>,
    pub ja: String,
    pub en: String,
}

impl Bilingual for CellError {
    fn ja(&self) -> String {
        format!("{}: {}", self.at, self.ja)
    }
    fn en(&self) -> String {
        format!("{}: {}", self.at, self.en)
    }
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", Bilingual::ja(self), Bilingual::en(self))
    }
}

/// The field of a report a change is to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Status,
    Result,
    SelfEvaluation,
    Direction,
    SpendingCut,
    Revenue,
    /// An indicator's actual: its name and unit.
    Indicator {
        name: String,
        unit: String,
    },
}

/// One field changed by an upload, as shown before it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Field,
    /// The cell it was read from, `実績!H5`.
    pub at: String,
    /// The stored value, as the workbook writes it (empty: none).
    pub before: String,
    pub after: String,
}

/// A department's edit of one item for the year, as an upload makes it:
/// the report and the actuals of the item's indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEdit {
    pub progress: Progress,
    pub indicator_values: Vec<IndicatorValue>,
}

/// One item an upload changes: the edit to save and what it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChange {
    pub node: String,
    pub number: String,
    pub title: String,
    /// The row of 実績 (1-based, as Excel numbers it).
    pub row: u32,
    /// The version the workbook was made from (`None`: no report then).
    pub expected_version: Option<i64>,
    pub edit: ReportEdit,
    pub fields: Vec<FieldChange>,
}

/// A changed row whose item was saved again after the workbook was made:
/// applying it would overwrite someone's work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRow {
    pub node: String,
    pub number: String,
    pub title: String,
    /// The 版 cell, `実績!F5`.
    pub at: String,
    pub workbook_version: Option<i64>,
    pub current_version: Option<i64>,
    pub updated_by: String,
}

/// What an upload would do: the changes, or why it cannot be applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    pub changes: Vec<RowChange>,
    pub errors: Vec<CellError>,
    pub stale: Vec<StaleRow>,
}

impl Review {
    /// Nothing stands in the way of applying the changes.
    pub fn applicable(&self) -> bool {
        self.errors.is_empty() && self.stale.is_empty() && !self.changes.is_empty()
    }
}

/// The workbook could not be written (a text too long for a cell, or a
/// defect of the writer).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BuildError(pub String);

impl From<XlsxError> for BuildError {
    fn from(e: XlsxError) -> Self {
        BuildError(format!("xlsx: {e}"))
    }
}

// ---------------------------------------------------------------------
// Columns

struct Col {
    ja: &'static str,
    en: &'static str,
    width: f64,
}

const fn col(ja: &'static str, en: &'static str, width: f64) -> Col {
    Col { ja, en, width }
}

/// 実績's columns. Only 評価 … 歳入確保額 are filled in.
const REPORT_COLS: [Col; 15] = [
    col("番号", "No.", 8.0),
    col("取組", "Item", 36.0),
    col("担当課", "Department", 16.0),
    col("年度(和暦)", "FY (era)", 11.0),
    col("年度(西暦)", "FY", 9.0),
    col("版", "Version", 6.0),
    col("評価", "Status", 22.0),
    col("取組実績", "Result", 48.0),
    col("自己評価", "Self-evaluation", 36.0),
    col("次年度の方向性", "Next-year direction", 14.0),
    col("歳出削減額(円)", "Spending cut (yen)", 16.0),
    col("歳入確保額(円)", "Revenue gained (yen)", 16.0),
    col("状態", "State", 10.0),
    col("取組ID", "Item ID", 10.0),
    col("照合", "Check", 18.0),
];
const R_NUMBER: u16 = 0;
const R_TITLE: u16 = 1;
const R_DEPTS: u16 = 2;
const R_WAREKI: u16 = 3;
const R_YEAR: u16 = 4;
const R_VERSION: u16 = 5;
const R_STATUS: u16 = 6;
const R_RESULT: u16 = 7;
const R_SELF: u16 = 8;
const R_DIRECTION: u16 = 9;
const R_CUT: u16 = 10;
const R_REVENUE: u16 = 11;
const R_STATE: u16 = 12;
const R_ID: u16 = 13;
/// Hidden: a fingerprint of the row as downloaded, to tell a row the clerk
/// changed from one left as it was.
const R_CHECK: u16 = 14;

/// 指標's columns. Only 実績値 is filled in.
const INDICATOR_COLS: [Col; 10] = [
    col("番号", "No.", 8.0),
    col("取組", "Item", 30.0),
    col("指標", "Indicator", 36.0),
    col("単位", "Unit", 8.0),
    col("年度(和暦)", "FY (era)", 11.0),
    col("年度(西暦)", "FY", 9.0),
    col("実績値", "Actual", 14.0),
    col("取組ID", "Item ID", 10.0),
    col("指標ID", "Indicator ID", 12.0),
    col("照合", "Check", 18.0),
];
const I_NUMBER: u16 = 0;
const I_TITLE: u16 = 1;
const I_NAME: u16 = 2;
const I_UNIT: u16 = 3;
const I_WAREKI: u16 = 4;
const I_YEAR: u16 = 5;
const I_VALUE: u16 = 6;
const I_ITEM: u16 = 7;
const I_ID: u16 = 8;
const I_CHECK: u16 = 9;

/// The 説明 sheet's key cells: (row, label). The value is in column B.
const HELP_FORMAT_ROW: u32 = 2;
const HELP_CITY_ROW: u32 = 3;
const HELP_PLAN_ROW: u32 = 4;
const HELP_FY_ROW: u32 = 5;
const HELP_DEPT_ROW: u32 = 6;
const HELP_KEYS: [(u32, &str); 5] = [
    (HELP_FORMAT_ROW, "様式 / Format"),
    (HELP_CITY_ROW, "団体コード / City code"),
    (HELP_PLAN_ROW, "計画ID / Plan ID"),
    (HELP_FY_ROW, "年度 / Fiscal year"),
    (HELP_DEPT_ROW, "担当課ID / Department ID"),
];

/// `A1`-style reference of a 0-based cell.
pub fn cell_ref(row: u32, col: u16) -> String {
    format!(
        "{}{}",
        gyokaku_domain::text::column_letters(col as usize),
        row + 1
    )
}

pub(crate) fn at(sheet: &str, row: u32, col: u16) -> String {
    format!("{sheet}!{}", cell_ref(row, col))
}

/// A status as its cell shows it: the label, prefixed by the code unless
/// the label already starts with it (A 計画どおり, 年度目標達成).
pub fn status_cell(level: &StatusLevel) -> String {
    if level.label.starts_with(level.code.as_str()) {
        level.label.clone()
    } else {
        format!("{} {}", level.code, level.label)
    }
}

fn state_cell(state: Option<ReportState>) -> &'static str {
    match state {
        None => "未報告",
        Some(ReportState::Draft) => "作成中",
        Some(ReportState::Submitted) => "提出済",
        Some(ReportState::Returned) => "差戻し",
        Some(ReportState::Accepted) => "確認済",
    }
}

fn directions_ja() -> String {
    Direction::ALL.map(Direction::ja).join("・")
}

fn directions_en() -> String {
    Direction::ALL.map(Direction::en).join(", ")
}

/// A text as the web form keeps it: line breaks as `\n`, trailing blanks
/// dropped, nothing for blanks only. Stored and uploaded texts are
/// compared in this form.
pub(crate) fn norm_text(s: Option<&str>) -> Option<String> {
    let s = s?.replace("\r\n", "\n");
    let t = s.trim_end();
    (!t.trim().is_empty()).then(|| t.to_string())
}

/// A decimal written without trailing fractional zeros (12.50 → 12.5).
pub(crate) fn decimal_key(d: Option<Decimal>) -> String {
    let Some(d) = d else {
        return String::new();
    };
    let s = d.to_string();
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// FNV-1a over the parts: a short, stable fingerprint (not a secret; it
/// only tells whether a row was changed since it was downloaded).
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0x1f]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[allow(clippy::too_many_arguments)]
fn report_fingerprint(
    status: Option<&str>,
    result: Option<&str>,
    self_evaluation: Option<&str>,
    direction: Option<Direction>,
    spending_cut: Option<Yen>,
    revenue: Option<Yen>,
) -> String {
    fingerprint(&[
        status.unwrap_or(""),
        &norm_text(result).unwrap_or_default(),
        &norm_text(self_evaluation).unwrap_or_default(),
        direction.map(Direction::ja).unwrap_or(""),
        &yen_cell(spending_cut),
        &yen_cell(revenue),
    ])
}

fn stored_fingerprint(p: Option<&Progress>) -> String {
    report_fingerprint(
        p.and_then(|p| p.status.as_deref()),
        p.and_then(|p| p.result.as_deref()),
        p.and_then(|p| p.self_evaluation.as_deref()),
        p.and_then(|p| p.direction),
        p.and_then(|p| p.spending_cut),
        p.and_then(|p| p.revenue),
    )
}

// ---------------------------------------------------------------------
// Writing

pub(crate) struct Formats {
    pub(crate) header: Format,
    pub(crate) header_en: Format,
    pub(crate) locked: Format,
    pub(crate) locked_wrap: Format,
    pub(crate) locked_amount: Format,
    pub(crate) open: Format,
    pub(crate) open_wrap: Format,
    pub(crate) open_amount: Format,
    pub(crate) title: Format,
    pub(crate) key: Format,
}

impl Formats {
    pub(crate) fn new() -> Formats {
        let base = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xB0B7BF))
            .set_align(FormatAlign::Top);
        let grey = base.clone().set_background_color(Color::RGB(0xF0F2F4));
        let editable = base
            .clone()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFFDE7));
        Formats {
            header: grey
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDCE3EA)),
            header_en: grey
                .clone()
                .set_italic()
                .set_font_color(Color::RGB(0x4A5561))
                .set_text_wrap(),
            locked: grey.clone(),
            locked_wrap: grey.clone().set_text_wrap(),
            locked_amount: grey.set_num_format("#,##0"),
            open: editable.clone(),
            open_wrap: editable.clone().set_text_wrap(),
            open_amount: editable.set_num_format("#,##0"),
            title: Format::new().set_bold().set_font_size(14),
            key: Format::new().set_bold(),
        }
    }
}

pub(crate) fn protect(ws: &mut Worksheet) {
    // No password: protection guards against slips, not against the
    // clerk; every cell is checked again on upload.
    ws.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
}

fn check_len(text: &str, what: &str) -> Result<(), BuildError> {
    if text.chars().count() > MAX_CELL_CHARS {
        return Err(BuildError(format!(
            "{what} is longer than an Excel cell holds ({MAX_CELL_CHARS} characters)"
        )));
    }
    Ok(())
}

/// The width of a text in Excel's column units: full-width characters
/// (kana, kanji) take two.
pub(crate) fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A row height (points) that shows every line of the wrapped cells:
/// rust_xlsxwriter cannot autofit, and not every spreadsheet does on load.
pub(crate) fn row_height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let per_line = (*width as usize).saturating_sub(1).max(1);
            text.split('\n')
                .map(|l| display_width(l).div_ceil(per_line).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1)
        .clamp(1, 27);
    lines as f64 * 15.0
}

/// Printing: landscape, one page wide, the headings on every page.
pub(crate) fn print_setup(ws: &mut Worksheet) -> Result<(), BuildError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 1)?;
    Ok(())
}

fn write_headers(ws: &mut Worksheet, cols: &[Col], f: &Formats) -> Result<(), BuildError> {
    for (i, c) in cols.iter().enumerate() {
        let i = i as u16;
        ws.write_string_with_format(0, i, c.ja, &f.header)?;
        ws.write_string_with_format(1, i, c.en, &f.header_en)?;
        ws.set_column_width(i, c.width)?;
    }
    ws.set_row_height(1, 28)?;
    Ok(())
}

pub(crate) fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), BuildError> {
    if text.len() > MAX_CELL_CHARS {
        check_len(text, &at(ws.name().as_str(), row, col))?;
    }
    if text.is_empty() {
        ws.write_blank(row, col, format)?;
    } else {
        ws.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

fn write_yen(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<Yen>,
    format: &Format,
) -> Result<(), BuildError> {
    match v {
        // Exact in a double up to 2^53 yen (9 千兆円): write a number.
        Some(y) if y.0.unsigned_abs() < (1u64 << 53) => {
            ws.write_number_with_format(row, col, y.0 as f64, format)?;
        }
        Some(y) => {
            ws.write_string_with_format(row, col, y.0.to_string(), format)?;
        }
        None => {
            ws.write_blank(row, col, format)?;
        }
    }
    Ok(())
}

/// A decimal as a number when a double holds it exactly, else as text.
pub(crate) fn write_decimal(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<Decimal>,
    format: &Format,
) -> Result<(), BuildError> {
    match v {
        Some(d) => {
            let f = d.to_f64();
            if Decimal::parse(&f.to_string()).ok() == Some(d) {
                ws.write_number_with_format(row, col, f, format)?;
            } else {
                ws.write_string_with_format(row, col, d.to_string(), format)?;
            }
        }
        None => {
            ws.write_blank(row, col, format)?;
        }
    }
    Ok(())
}

/// Builds the department's workbook: 実績, 指標, 説明 and the hidden
/// 選択肢, read-only cells locked and the sheets protected.
pub fn build(book: &Book) -> Result<Vec<u8>, BuildError> {
    Ok(build_workbook(book)?.save_to_buffer()?)
}

fn build_workbook(book: &Book) -> Result<Workbook, BuildError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let fy = book.key.fy;
    let last_row = FIRST_DATA_ROW + book.items.len().max(1) as u32 - 1;

    // 実績
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_REPORTS)?;
    write_headers(ws, &REPORT_COLS, &f)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, R_DEPTS)?;
    print_setup(ws)?;
    // The status column fits the plan's longest status.
    let status_width = book
        .scale
        .iter()
        .map(|l| display_width(&status_cell(l)) + 2)
        .max()
        .unwrap_or(0)
        .clamp(REPORT_COLS[R_STATUS as usize].width as usize, 48);
    ws.set_column_width(R_STATUS, status_width as f64)?;
    for (i, item) in book.items.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        let editable = item.editable(book.open);
        let (text, wrap, amount) = if editable {
            (&f.open, &f.open_wrap, &f.open_amount)
        } else {
            (&f.locked, &f.locked_wrap, &f.locked_amount)
        };
        let p = item.current.as_ref().map(|c| &c.progress);
        write_text(ws, row, R_NUMBER, &item.number, &f.locked)?;
        write_text(ws, row, R_TITLE, &item.title, &f.locked_wrap)?;
        write_text(ws, row, R_DEPTS, &item.depts, &f.locked_wrap)?;
        write_text(ws, row, R_WAREKI, &fy.wareki(), &f.locked)?;
        ws.write_number_with_format(row, R_YEAR, fy.year() as f64, &f.locked)?;
        match &item.current {
            Some(c) => {
                ws.write_number_with_format(row, R_VERSION, c.version as f64, &f.locked)?;
            }
            None => {
                ws.write_blank(row, R_VERSION, &f.locked)?;
            }
        }
        let status = p
            .and_then(|p| p.status.as_deref())
            .map(|code| {
                book.scale
                    .iter()
                    .find(|l| l.code == code)
                    .map(status_cell)
                    .unwrap_or_else(|| code.to_string())
            })
            .unwrap_or_default();
        let status_format = if book.scale.is_empty() {
            &f.locked
        } else {
            text
        };
        write_text(ws, row, R_STATUS, &status, status_format)?;
        let result = norm_text(p.and_then(|p| p.result.as_deref())).unwrap_or_default();
        write_text(ws, row, R_RESULT, &result, wrap)?;
        let own = norm_text(p.and_then(|p| p.self_evaluation.as_deref())).unwrap_or_default();
        write_text(ws, row, R_SELF, &own, wrap)?;
        let direction = p.and_then(|p| p.direction).map(Direction::ja).unwrap_or("");
        write_text(ws, row, R_DIRECTION, direction, text)?;
        write_yen(ws, row, R_CUT, p.and_then(|p| p.spending_cut), amount)?;
        write_yen(ws, row, R_REVENUE, p.and_then(|p| p.revenue), amount)?;
        write_text(
            ws,
            row,
            R_STATE,
            state_cell(item.current.as_ref().map(|c| c.state)),
            &f.locked,
        )?;
        write_text(ws, row, R_ID, &item.id, &f.locked)?;
        write_text(ws, row, R_CHECK, &stored_fingerprint(p), &f.locked)?;
        let width = |c: u16| REPORT_COLS[c as usize].width;
        ws.set_row_height(
            row,
            row_height(&[
                (&item.title, width(R_TITLE)),
                (&item.depts, width(R_DEPTS)),
                (&result, width(R_RESULT)),
                (&own, width(R_SELF)),
            ]),
        )?;
    }
    ws.set_column_hidden(R_CHECK)?;
    if !book.items.is_empty() {
        if !book.scale.is_empty() {
            let n = book.scale.len();
            let v = DataValidation::new()
                .allow_list_formula(Formula::new(format!("='{SHEET_LISTS}'!$A$1:$A${n}")))
                .set_error_title("評価 / Status")?
                .set_error_message(
                    "一覧から選んでください（選択肢シート）。\nPick a status from the list.",
                )?
                .set_error_style(DataValidationErrorStyle::Stop);
            ws.add_data_validation(FIRST_DATA_ROW, R_STATUS, last_row, R_STATUS, &v)?;
        }
        let directions: Vec<&str> = Direction::ALL.iter().map(|d| d.ja()).collect();
        let v = DataValidation::new()
            .allow_list_strings(&directions)?
            .set_error_title("次年度の方向性 / Direction")?
            .set_error_message(format!(
                "{}から選んでください。\nPick one of: {}.",
                directions_ja(),
                directions_en()
            ))?
            .set_error_style(DataValidationErrorStyle::Stop);
        ws.add_data_validation(FIRST_DATA_ROW, R_DIRECTION, last_row, R_DIRECTION, &v)?;
    }
    protect(ws);

    // 指標
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_INDICATORS)?;
    write_headers(ws, &INDICATOR_COLS, &f)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, I_NAME)?;
    print_setup(ws)?;
    let mut row = FIRST_DATA_ROW;
    for item in &book.items {
        let editable = item.editable(book.open);
        for ind in &item.indicators {
            write_text(ws, row, I_NUMBER, &item.number, &f.locked)?;
            write_text(ws, row, I_TITLE, &item.title, &f.locked_wrap)?;
            write_text(ws, row, I_NAME, &ind.name, &f.locked_wrap)?;
            write_text(ws, row, I_UNIT, &ind.unit, &f.locked)?;
            write_text(ws, row, I_WAREKI, &fy.wareki(), &f.locked)?;
            ws.write_number_with_format(row, I_YEAR, fy.year() as f64, &f.locked)?;
            let format = if editable { &f.open } else { &f.locked };
            write_decimal(ws, row, I_VALUE, ind.value, format)?;
            write_text(ws, row, I_ITEM, &item.id, &f.locked)?;
            write_text(ws, row, I_ID, &ind.id, &f.locked)?;
            let check = fingerprint(&[&decimal_key(ind.value)]);
            write_text(ws, row, I_CHECK, &check, &f.locked)?;
            let width = |c: u16| INDICATOR_COLS[c as usize].width;
            ws.set_row_height(
                row,
                row_height(&[(&item.title, width(I_TITLE)), (&ind.name, width(I_NAME))]),
            )?;
            row += 1;
        }
    }
    ws.set_column_hidden(I_CHECK)?;
    protect(ws);

    // 説明
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_HELP)?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 90)?;
    let title = format!(
        "{} {} — {} {} 実績報告",
        book.city_name,
        book.plan_title,
        book.dept_name,
        present::fiscal_year(present::Lang::Ja, fy)
    );
    write_text(ws, 0, 0, &title, &f.title)?;
    let values = [
        FORMAT.to_string(),
        book.key.city.clone(),
        book.key.plan.clone(),
        fy.year().to_string(),
        book.key.dept.clone(),
    ];
    for ((r, label), value) in HELP_KEYS.iter().zip(values) {
        write_text(ws, *r, 0, label, &f.key)?;
        write_text(ws, *r, 1, &value, &Format::new())?;
    }
    write_text(ws, HELP_DEPT_ROW + 1, 0, "担当課 / Department", &f.key)?;
    write_text(ws, HELP_DEPT_ROW + 1, 1, &book.dept_name, &Format::new())?;
    write_text(ws, HELP_DEPT_ROW + 2, 0, "受付 / Reporting", &f.key)?;
    let reporting = if book.open {
        "受付中 / open"
    } else {
        "受付していません（閲覧のみ） / not open (for reading only)"
    };
    write_text(ws, HELP_DEPT_ROW + 2, 1, reporting, &Format::new())?;
    let scale = if book.scale.is_empty() {
        "（この計画には評価区分がありません） / (this plan has no status scale)".to_string()
    } else {
        book.scale
            .iter()
            .map(status_cell)
            .collect::<Vec<_>>()
            .join("・")
    };
    let help = [
        "記入のしかた".to_string(),
        "1. 「実績」シートの黄色のセル（評価・取組実績・自己評価・次年度の方向性・歳出削減額・歳入確保額）と、「指標」シートの黄色のセル（実績値）だけを記入してください。灰色のセルは変更できません。".into(),
        format!("2. 評価は一覧から選びます: {scale}"),
        format!("3. 次年度の方向性は一覧から選びます: {}", directions_ja()),
        "4. 金額は円の数値（1500000）か「300万円」「1.2億円」のような文字で入力できます。".into(),
        "5. 行・列・シートの追加、削除、並べ替え、名前の変更はしないでください。取組IDと版の列で、どの取組のどの版を基にしたかを確かめます。".into(),
        "6. 記入したブックを gyokaku の計画のページからアップロードすると、変更点の一覧が表示されます。確認してから反映してください。誤りが一つでもあれば何も反映されず、誤りのあるシートとセル（例: 実績!J12）が示されます。".into(),
        "7. ダウンロード後に他の人が同じ取組を保存していた場合、その行は「古い版」として示され、反映できません。新しいブックをダウンロードし直してください。".into(),
        "8. 提出済み・確認済みの取組、受付していない年度の取組は変更できません。".into(),
        String::new(),
        "How to fill in".into(),
        "1. Fill in only the yellow cells: on 実績 (Results) the status, result, self-evaluation, next-year direction, spending cut and revenue gained; on 指標 (Indicators) the actual. Grey cells cannot be changed.".into(),
        "2. Pick the status (評価) and the direction (次年度の方向性) from the dropdown lists.".into(),
        "3. Amounts are yen as a number (1500000) or as text such as 300万円 or 1.2億円.".into(),
        "4. Do not add, delete, reorder or rename rows, columns or sheets: the item ID and version columns tell which item and which saved version each row is based on.".into(),
        "5. Upload the workbook from the plan's page in gyokaku: every change is listed for you to confirm before it is applied. If any cell is wrong, nothing is applied and each problem is named by sheet and cell (e.g. 実績!J12).".into(),
        "6. A row whose item was saved by someone else after you downloaded is shown as stale and cannot be applied: download a fresh workbook.".into(),
        "7. Submitted or accepted items, and years not open for reporting, cannot be changed.".into(),
    ];
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (i, line) in help.iter().enumerate() {
        let r = HELP_DEPT_ROW + 4 + i as u32;
        if line.is_empty() {
            continue;
        }
        let format = if line == "記入のしかた" || line == "How to fill in" {
            &f.key
        } else {
            &wrap
        };
        ws.merge_range(r, 0, r, 1, line, format)?;
        ws.set_row_height(r, row_height(&[(line, 115.0)]))?;
    }
    protect(ws);

    // 選択肢 (hidden): the status list the dropdown points at.
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_LISTS)?;
    for (i, level) in book.scale.iter().enumerate() {
        write_text(ws, i as u32, 0, &status_cell(level), &Format::new())?;
    }
    for (i, d) in Direction::ALL.iter().enumerate() {
        write_text(ws, i as u32, 1, d.ja(), &Format::new())?;
    }
    ws.set_column_width(0, 30)?;
    protect(ws);
    ws.set_hidden(true);
    Ok(wb)
}

// ---------------------------------------------------------------------
// Reading

/// A cell's value as read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or time Excel recognised (shown as read).
    Date(String),
    /// An Excel error value (#N/A …).
    Error(String),
}

impl Value {
    /// As a clerk would describe what they typed.
    pub(crate) fn shown(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => number_text(*n),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Date(s) | Value::Error(s) => s.clone(),
        }
    }
}

pub(crate) fn number_text(n: f64) -> String {
    if n.is_finite() {
        n.to_string()
    } else {
        "NaN".into()
    }
}

/// The used cells of one sheet, within the bounds.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    pub(crate) cells: BTreeMap<(u32, u16), Value>,
    /// The top-left cells of merged ranges.
    pub(crate) merged: Vec<(u32, u16)>,
    /// The first cell beyond the bounds, if any was found.
    pub(crate) beyond: Option<(u32, u32)>,
}

impl Grid {
    pub(crate) fn get(&self, row: u32, col: u16) -> Option<&Value> {
        self.cells.get(&(row, col))
    }

    /// The cell as text (numbers as written), trimmed; `None` when empty.
    pub(crate) fn text(&self, row: u32, col: u16) -> Option<String> {
        let s = self.get(row, col)?.shown();
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    pub(crate) fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }

    pub(crate) fn row_is_empty(&self, row: u32) -> bool {
        self.cells
            .range((row, 0)..=(row, u16::MAX))
            .all(|(_, v)| matches!(v, Value::Text(s) if s.trim().is_empty()))
    }
}

/// An uploaded workbook, read and bounded, not yet checked against the
/// plan.
#[derive(Debug)]
pub struct Uploaded {
    pub file_name: String,
    sheets: HashMap<String, Grid>,
}

pub(crate) fn file_error(file_name: &str, ja: String, en: String) -> Vec<CellError> {
    vec![CellError {
        at: file_name.to_string(),
        node: None,
        ja,
        en,
    }]
}

pub(crate) fn not_a_workbook(file_name: &str) -> Vec<CellError> {
    file_error(
        file_name,
        "Excel ブック（.xlsx）として読めません。gyokaku からダウンロードしたブックをアップロードしてください".into(),
        "cannot be read as an Excel workbook (.xlsx); upload the workbook downloaded from gyokaku".into(),
    )
}

/// Parts an upload's package may have (a gyokaku workbook has about 15).
const MAX_PARTS: usize = 500;
/// Shared strings calamine may reserve room for.
const MAX_SHARED_STRINGS: u64 = 1_000_000;

/// An upload that [`precheck`] refuses: no zip package, too many parts,
/// or more shared strings declared than a workbook can reasonably hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a zip package within the bounds of a workbook")]
pub struct UnboundedPackage;

/// Bounds an upload before calamine reads it. calamine reserves room for
/// as many shared strings as the file declares; a crafted count would
/// make the allocation fail and abort the server, so it is checked here.
pub fn precheck(bytes: &[u8]) -> Result<(), UnboundedPackage> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| UnboundedPackage)?;
    if archive.len() > MAX_PARTS {
        return Err(UnboundedPackage);
    }
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(|_| UnboundedPackage)?;
        if !file
            .name()
            .map_err(|_| UnboundedPackage)?
            .to_ascii_lowercase()
            .contains("sharedstrings")
        {
            continue;
        }
        let mut head = Vec::new();
        file.take(1 << 20)
            .read_to_end(&mut head)
            .map_err(|_| UnboundedPackage)?;
        if !shared_string_count_is_sane(&head) {
            return Err(UnboundedPackage);
        }
    }
    Ok(())
}

/// The `<sst>` start tag is within the first bytes read and declares no
/// more strings than a department's workbook can have.
fn shared_string_count_is_sane(xml: &[u8]) -> bool {
    let text = String::from_utf8_lossy(xml);
    let mut rest = text.as_ref();
    let tag = loop {
        let Some(lt) = rest.find('<') else {
            return false;
        };
        rest = &rest[lt + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        if name.rsplit(':').next() == Some("sst") {
            let Some(gt) = rest.find('>') else {
                return false;
            };
            break &rest[..gt];
        }
    };
    let mut attrs = tag;
    while let Some(pos) = attrs.find("uniqueCount") {
        attrs = &attrs[pos + "uniqueCount".len()..];
        let v = attrs.trim_start();
        let Some(v) = v.strip_prefix('=') else {
            continue;
        };
        let v = v.trim_start();
        let Some(quote) = v.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let value = v[1..].split(quote).next().unwrap_or("");
        let digits = value.trim_start_matches('+').trim_start_matches('0');
        if digits.bytes().all(|b| b.is_ascii_digit())
            && (digits.len() > 12 || digits.parse::<u64>().unwrap_or(0) > MAX_SHARED_STRINGS)
        {
            return false;
        }
    }
    true
}

/// Reads the `wanted` sheets of an upload, within `MAX_ROWS` × `cols`
/// and `MAX_CELLS`, with their merged ranges when `merges` is asked for.
fn read_sheets(
    bytes: &[u8],
    wanted: &[&str],
    cols: u16,
    merges: bool,
) -> Result<HashMap<String, Grid>, ()> {
    precheck(bytes).map_err(|_| ())?;
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ())?;
    let names = xlsx.sheet_names();
    let mut sheets = HashMap::new();
    let mut total = 0usize;
    for name in names {
        if !wanted.contains(&name.as_str()) {
            continue;
        }
        let merged = if merges {
            xlsx.merge_cells_by_sheet_name(&name)
                .map_err(|_| ())?
                .iter()
                .map(|d| (d.start.0, d.start.1.min(u16::MAX as u32) as u16))
                .take(MAX_ERRORS)
                .collect()
        } else {
            Vec::new()
        };
        let mut grid = Grid {
            merged,
            ..Grid::default()
        };
        let mut reader = xlsx.worksheet_cells_reader(&name).map_err(|_| ())?;
        while let Some(cell) = reader.next_cell().map_err(|_| ())? {
            let (r, c) = cell.get_position();
            let value = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::String(s) => Value::Text(s.replace("\r\n", "\n")),
                DataRef::SharedString(s) => Value::Text(s.replace("\r\n", "\n")),
                DataRef::Float(f) => Value::Number(*f),
                DataRef::Int(i) => Value::Number(*i as f64),
                DataRef::Bool(b) => Value::Bool(*b),
                DataRef::DateTime(d) => Value::Date(d.to_string()),
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Date(s.clone()),
                DataRef::Error(e) => Value::Error(e.to_string()),
            };
            if r >= MAX_ROWS || c >= cols as u32 {
                if !matches!(&value, Value::Text(s) if s.trim().is_empty()) {
                    grid.beyond.get_or_insert((r, c));
                }
                continue;
            }
            grid.cells.insert((r, c as u16), value);
            total += 1;
            if total > MAX_CELLS {
                grid.beyond.get_or_insert((r, c));
                break;
            }
        }
        sheets.insert(name, grid);
    }
    Ok(sheets)
}

/// Reads an upload. A file that is not a workbook is named in the error.
/// Never panics, whatever the bytes.
pub fn open(file_name: &str, bytes: &[u8]) -> Result<Uploaded, Vec<CellError>> {
    let (file_name, sheets) = read_upload(
        file_name,
        bytes,
        &[SHEET_REPORTS, SHEET_INDICATORS, SHEET_HELP],
        MAX_COLS,
        false,
    )?;
    Ok(Uploaded { file_name, sheets })
}

/// An upload's file name (a placeholder when none was sent) and its
/// `wanted` sheets, read within the bounds of [`read_sheets`]; a file that
/// is empty or no workbook is refused, named. Never panics.
pub(crate) fn read_upload(
    file_name: &str,
    bytes: &[u8],
    wanted: &[&str],
    cols: u16,
    merges: bool,
) -> Result<(String, HashMap<String, Grid>), Vec<CellError>> {
    let file_name = if file_name.trim().is_empty() {
        "(無名のファイル / unnamed file)".to_string()
    } else {
        file_name.trim().to_string()
    };
    if bytes.is_empty() {
        return Err(file_error(
            &file_name,
            "ファイルが空です".into(),
            "the file is empty".into(),
        ));
    }
    // calamine is trusted not to panic, but an upload is hostile input:
    // a panic inside it is a refused file, not a failed request.
    match std::panic::catch_unwind(|| read_sheets(bytes, wanted, cols, merges)) {
        Ok(Ok(sheets)) => Ok((file_name, sheets)),
        _ => Err(not_a_workbook(&file_name)),
    }
}

/// Collects errors, up to a bound.
#[derive(Default)]
pub(crate) struct Errors(Vec<CellError>, usize);

impl Errors {
    pub(crate) fn push(&mut self, at: String, node: Option<&str>, ja: String, en: String) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(CellError {
                at,
                node: node.map(str::to_string),
                ja,
                en,
            });
        } else {
            self.1 += 1;
        }
    }

    pub(crate) fn finish(mut self, file_name: &str) -> Vec<CellError> {
        if self.1 > 0 {
            self.0.push(CellError {
                at: file_name.to_string(),
                node: None,
                ja: format!("ほかに {} 件の誤りがあります", self.1),
                en: format!("{} more problems not listed", self.1),
            });
        }
        self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(crate) fn missing_sheet(errors: &mut Errors, sheet: &str) {
    errors.push(
        sheet.to_string(),
        None,
        format!(
            "シート「{sheet}」がありません（シートの名前を変えたり削除したりしないでください）"
        ),
        format!("the sheet '{sheet}' is missing (do not rename or delete sheets)"),
    );
}

/// Checks the Japanese header row; a changed header means the columns
/// cannot be trusted, so the sheet's rows are not read.
fn check_header(grid: &Grid, sheet: &str, cols: &[Col], errors: &mut Errors) -> bool {
    let mut ok = true;
    for (i, c) in cols.iter().enumerate() {
        let i = i as u16;
        let found = grid.text(0, i).unwrap_or_default();
        if found != c.ja {
            ok = false;
            errors.push(
                at(sheet, 0, i),
                None,
                format!(
                    "見出しが「{}」ではなく「{found}」になっています（列を追加・削除・移動しないでください）",
                    c.ja
                ),
                format!(
                    "the heading should be '{}' ({}) but is '{found}' (do not add, delete or move columns)",
                    c.ja, c.en
                ),
            );
        }
    }
    ok
}

/// The first cell beyond the bounds the sheet was read within (`cols`
/// columns), if any: refused rather than lost.
pub(crate) fn check_beyond(grid: &Grid, sheet: &str, cols: u16, errors: &mut Errors) {
    if let Some((r, c)) = grid.beyond {
        let cell = if c < u16::MAX as u32 {
            at(sheet, r, c as u16)
        } else {
            sheet.to_string()
        };
        errors.push(
            cell,
            None,
            format!(
                "表が大きすぎます（{MAX_ROWS} 行・{cols} 列まで読み込みます）。この位置より先の入力は読み込めません"
            ),
            format!(
                "the sheet is too large (up to {MAX_ROWS} rows and {cols} columns are read); nothing from here on can be read"
            ),
        );
    }
}

/// Everything outside the table's columns is refused rather than lost.
fn check_outside(grid: &Grid, sheet: &str, ncols: u16, errors: &mut Errors) {
    for ((r, c), v) in &grid.cells {
        if *c >= ncols && !matches!(v, Value::Text(s) if s.trim().is_empty()) {
            errors.push(
                at(sheet, *r, *c),
                None,
                format!(
                    "表の外に「{}」が入力されています（この位置は読み込まれません）",
                    v.shown()
                ),
                format!(
                    "'{}' is outside the table (it would not be read)",
                    v.shown()
                ),
            );
        }
    }
}

/// A whole number (a version or a year) from a cell.
pub(crate) fn whole_number(v: Option<&Value>) -> Result<Option<i64>, String> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(Some(*n as i64)),
        Some(Value::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::Text(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| s.clone()),
        Some(other) => Err(other.shown()),
    }
}

/// A text cell: kept as typed (line breaks normalised, trailing blanks
/// dropped, like the web form); a number is kept as written.
pub(crate) fn text_value(v: Option<&Value>) -> Result<Option<String>, Value> {
    match v {
        None => Ok(None),
        Some(Value::Text(s)) => Ok(norm_text(Some(s))),
        Some(Value::Number(n)) => Ok(Some(number_text(*n))),
        Some(other) => Err(other.clone()),
    }
}

/// An amount: yen as a number, or text such as 300万円 or 1.2億円.
fn yen_value(v: Option<&Value>) -> Result<Option<Yen>, (String, String)> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => {
            if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 {
                Ok(Some(Yen(*n as i64)))
            } else {
                Err((
                    format!("「{}」は円単位の整数ではありません", number_text(*n)),
                    format!("'{}' is not a whole number of yen", number_text(*n)),
                ))
            }
        }
        Some(Value::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::Text(s)) => Yen::parse(s).map(Some).map_err(|_| {
            (
                format!(
                    "「{}」を金額として読めません（例: 1500000、1,500,000円、300万円、1.2億円）",
                    s.trim()
                ),
                format!(
                    "'{}' is not an amount (e.g. 1500000, 1,500,000円, 300万円, 1.2億円)",
                    s.trim()
                ),
            )
        }),
        Some(other) => Err((
            format!(
                "「{}」を金額として読めません（数値か「300万円」のような文字を入力してください）",
                other.shown()
            ),
            format!(
                "'{}' is not an amount (type a number or text such as 300万円)",
                other.shown()
            ),
        )),
    }
}

/// An indicator's actual: a number, or a decimal written as text.
pub(crate) fn decimal_value(v: Option<&Value>) -> Result<Option<Decimal>, String> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) if n.is_finite() => Decimal::parse(&number_text(*n))
            .map(Some)
            .map_err(|_| number_text(*n)),
        Some(Value::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::Text(s)) => Decimal::parse(s)
            .map(Some)
            .map_err(|_| s.trim().to_string()),
        Some(other) => Err(other.shown()),
    }
}

fn yen_cell(y: Option<Yen>) -> String {
    y.map(|y| y.0.to_string()).unwrap_or_default()
}

/// One 実績 row as read: the typed report, or nothing when a cell was
/// refused (its errors are already recorded).
struct ReadRow {
    row: u32,
    version: Option<i64>,
    status: Option<String>,
    result: Option<String>,
    self_evaluation: Option<String>,
    direction: Option<Direction>,
    spending_cut: Option<Yen>,
    revenue: Option<Yen>,
    /// The fingerprint written at download.
    check: Option<String>,
}

impl ReadRow {
    /// The clerk changed this row since it was downloaded.
    fn touched(&self) -> bool {
        let now = report_fingerprint(
            self.status.as_deref(),
            self.result.as_deref(),
            self.self_evaluation.as_deref(),
            self.direction,
            self.spending_cut,
            self.revenue,
        );
        self.check.as_deref() != Some(now.as_str())
    }
}

/// One 指標 row as read.
struct ReadValue {
    row: u32,
    indicator: String,
    value: Option<Decimal>,
    check: Option<String>,
}

impl ReadValue {
    fn touched(&self) -> bool {
        self.check.as_deref() != Some(fingerprint(&[&decimal_key(self.value)]).as_str())
    }
}

impl Uploaded {
    /// Which plan, year and department the workbook says it is for.
    pub fn key(&self) -> Result<BookKey, Vec<CellError>> {
        let mut errors = Errors::default();
        let Some(help) = self.sheets.get(SHEET_HELP) else {
            missing_sheet(&mut errors, SHEET_HELP);
            return Err(errors.finish(&self.file_name));
        };
        let mut value = |row: u32, label: &str| -> Option<String> {
            if help.text(row, 0).as_deref() != Some(label) {
                errors.push(
                    at(SHEET_HELP, row, 0),
                    None,
                    format!("ここは「{label}」のはずです（gyokaku のブックではないか、説明シートが変更されています）"),
                    format!("this should read '{label}' (not a gyokaku workbook, or the 説明 sheet was changed)"),
                );
                return None;
            }
            let v = help.text(row, 1);
            if v.is_none() {
                errors.push(
                    at(SHEET_HELP, row, 1),
                    None,
                    format!("「{label}」が空です"),
                    format!("'{label}' is empty"),
                );
            }
            v
        };
        let format = value(HELP_FORMAT_ROW, HELP_KEYS[0].1);
        let city = value(HELP_CITY_ROW, HELP_KEYS[1].1);
        let plan = value(HELP_PLAN_ROW, HELP_KEYS[2].1);
        let fy = value(HELP_FY_ROW, HELP_KEYS[3].1);
        let dept = value(HELP_DEPT_ROW, HELP_KEYS[4].1);
        if let Some(f) = &format {
            if f != FORMAT {
                errors.push(
                    at(SHEET_HELP, HELP_FORMAT_ROW, 1),
                    None,
                    format!("様式「{f}」は読めません（{FORMAT} のブックをダウンロードし直してください）"),
                    format!("the format '{f}' is not supported (download a fresh {FORMAT} workbook)"),
                );
            }
        }
        let fy = fy.and_then(|s| match FiscalYear::parse(&s) {
            Ok(fy) => Some(fy),
            Err(_) => {
                errors.push(
                    at(SHEET_HELP, HELP_FY_ROW, 1),
                    None,
                    format!("年度「{s}」を読めません"),
                    format!("cannot read the fiscal year '{s}'"),
                );
                None
            }
        });
        match (city, plan, fy, dept) {
            (Some(city), Some(plan), Some(fy), Some(dept)) if errors.is_empty() => Ok(BookKey {
                city,
                plan,
                fy,
                dept,
            }),
            _ => Err(errors.finish(&self.file_name)),
        }
    }

    /// Checks the workbook against the stored plan and reports: every
    /// change per item and field, every refused cell, every stale row.
    pub fn review(&self, book: &Book) -> Review {
        let mut errors = Errors::default();
        match self.key() {
            Ok(key) if key.other_plan(&book.key.city, &book.key.plan).is_some() => {
                return Review {
                    errors: key
                        .other_plan(&book.key.city, &book.key.plan)
                        .into_iter()
                        .collect(),
                    ..Review::default()
                };
            }
            Ok(key) if key != book.key => {
                errors.push(
                    at(SHEET_HELP, HELP_FY_ROW, 1),
                    None,
                    format!(
                        "このブックは{}・{}のものです（確認しているのは{}・{}）",
                        key.fy.wareki(),
                        key.dept,
                        book.key.fy.wareki(),
                        book.key.dept
                    ),
                    format!(
                        "this workbook is for {} / {} (checked against {} / {})",
                        key.fy.english(),
                        key.dept,
                        book.key.fy.english(),
                        book.key.dept
                    ),
                );
                return Review {
                    errors: errors.finish(&self.file_name),
                    ..Review::default()
                };
            }
            Ok(_) => {}
            Err(e) => {
                return Review {
                    errors: e,
                    ..Review::default()
                }
            }
        }
        let rows = self.read_reports(book, &mut errors);
        let values = self.read_indicators(book, &mut errors);
        let mut review = Review::default();
        for item in &book.items {
            let Some(row) = rows.get(item.id.as_str()) else {
                continue;
            };
            let Some(row) = row else {
                continue;
            };
            let empty = Vec::new();
            let vals = values.get(item.id.as_str()).unwrap_or(&empty);
            compare(book, item, row, vals, &mut review, &mut errors);
        }
        review.errors = errors.finish(&self.file_name);
        review
    }

    /// Reads 実績: one entry per item found, `None` for a row with a
    /// refused cell.
    fn read_reports<'b>(
        &self,
        book: &'b Book,
        errors: &mut Errors,
    ) -> HashMap<&'b str, Option<ReadRow>> {
        let sheet = SHEET_REPORTS;
        let mut out: HashMap<&'b str, Option<ReadRow>> = HashMap::new();
        let Some(grid) = self.sheets.get(sheet) else {
            missing_sheet(errors, sheet);
            return out;
        };
        if !check_header(grid, sheet, &REPORT_COLS, errors) {
            return out;
        }
        check_beyond(grid, sheet, MAX_COLS, errors);
        check_outside(grid, sheet, REPORT_COLS.len() as u16, errors);
        let mut first_row: HashMap<&str, u32> = HashMap::new();
        for r in grid.rows() {
            if r < FIRST_DATA_ROW || grid.row_is_empty(r) {
                continue;
            }
            let Some(id) = grid.text(r, R_ID) else {
                errors.push(
                    at(sheet, r, R_ID),
                    None,
                    "取組IDが空です（行を追加せず、ダウンロードしたときの行に記入してください）"
                        .into(),
                    "the item ID is empty (do not add rows; fill in the rows as downloaded)".into(),
                );
                continue;
            };
            let Some(item) = book.items.iter().find(|i| i.id == id) else {
                unknown_item(book, errors, at(sheet, r, R_ID), &id);
                continue;
            };
            if let Some(first) = first_row.get(item.id.as_str()) {
                errors.push(
                    at(sheet, r, R_ID),
                    Some(&item.id),
                    format!(
                        "取組「{id}」の行が二つあります（{} 行目と {} 行目）",
                        first + 1,
                        r + 1
                    ),
                    format!("item '{id}' has two rows ({} and {})", first + 1, r + 1),
                );
                out.insert(&item.id, None);
                continue;
            }
            first_row.insert(&item.id, r);
            let read = read_report_row(book, grid, r, item, errors);
            out.insert(&item.id, read);
        }
        out
    }

    /// Reads 指標: the actuals per item id.
    fn read_indicators<'b>(
        &self,
        book: &'b Book,
        errors: &mut Errors,
    ) -> HashMap<&'b str, Vec<ReadValue>> {
        let sheet = SHEET_INDICATORS;
        let mut out: HashMap<&'b str, Vec<ReadValue>> = HashMap::new();
        let Some(grid) = self.sheets.get(sheet) else {
            if book.items.iter().any(|i| !i.indicators.is_empty()) {
                missing_sheet(errors, sheet);
            }
            return out;
        };
        if !check_header(grid, sheet, &INDICATOR_COLS, errors) {
            return out;
        }
        check_beyond(grid, sheet, MAX_COLS, errors);
        check_outside(grid, sheet, INDICATOR_COLS.len() as u16, errors);
        let mut seen: HashMap<(String, String), u32> = HashMap::new();
        for r in grid.rows() {
            if r < FIRST_DATA_ROW || grid.row_is_empty(r) {
                continue;
            }
            let Some(item_id) = grid.text(r, I_ITEM) else {
                errors.push(
                    at(sheet, r, I_ITEM),
                    None,
                    "取組IDが空です（行を追加しないでください）".into(),
                    "the item ID is empty (do not add rows)".into(),
                );
                continue;
            };
            let Some(item) = book.items.iter().find(|i| i.id == item_id) else {
                unknown_item(book, errors, at(sheet, r, I_ITEM), &item_id);
                continue;
            };
            let ind_id = grid.text(r, I_ID).unwrap_or_default();
            let Some(ind) = item.indicators.iter().find(|i| i.id == ind_id) else {
                errors.push(
                    at(sheet, r, I_ID),
                    Some(&item.id),
                    format!("指標「{ind_id}」は取組「{}」の指標ではありません", item.id),
                    format!("'{ind_id}' is not an indicator of item '{}'", item.id),
                );
                continue;
            };
            if let Some(first) = seen.insert((item.id.clone(), ind.id.clone()), r) {
                errors.push(
                    at(sheet, r, I_ID),
                    Some(&item.id),
                    format!(
                        "指標「{}」の行が二つあります（{} 行目と {} 行目）",
                        ind.id,
                        first + 1,
                        r + 1
                    ),
                    format!(
                        "indicator '{}' has two rows ({} and {})",
                        ind.id,
                        first + 1,
                        r + 1
                    ),
                );
                continue;
            }
            if !year_matches(grid, sheet, r, I_YEAR, book, Some(&item.id), errors) {
                continue;
            }
            match decimal_value(grid.get(r, I_VALUE)) {
                Ok(None) if ind.value.is_some() => errors.push(
                    at(sheet, r, I_VALUE),
                    Some(&item.id),
                    format!(
                        "指標「{}」の実績値（{}）は空にできません（誤りであれば行革担当課に連絡してください）",
                        ind.name,
                        decimal_key(ind.value)
                    ),
                    format!(
                        "the actual ({}) of indicator '{}' cannot be emptied (ask the office if it is wrong)",
                        decimal_key(ind.value),
                        ind.name
                    ),
                ),
                Ok(value) => out.entry(&item.id).or_default().push(ReadValue {
                    row: r,
                    indicator: ind.id.clone(),
                    value,
                    check: grid.text(r, I_CHECK),
                }),
                Err(typed) => errors.push(
                    at(sheet, r, I_VALUE),
                    Some(&item.id),
                    format!("指標「{}」の実績値「{typed}」を数値として読めません（例: 12.5、1,234）", ind.name),
                    format!("the actual '{typed}' of indicator '{}' is not a number (e.g. 12.5, 1,234)", ind.name),
                ),
            }
        }
        out
    }
}

fn unknown_item(book: &Book, errors: &mut Errors, cell: String, id: &str) {
    if book.plan_items.contains(id) {
        errors.push(
            cell,
            Some(id),
            format!("取組「{id}」は{}の取組ではありません", book.dept_name),
            format!("item '{id}' is not an item of {}", book.dept_name),
        );
    } else {
        errors.push(
            cell,
            None,
            format!("取組ID「{id}」はこの計画にありません"),
            format!("there is no item '{id}' in this plan"),
        );
    }
}

fn year_matches(
    grid: &Grid,
    sheet: &str,
    r: u32,
    col: u16,
    book: &Book,
    node: Option<&str>,
    errors: &mut Errors,
) -> bool {
    let want = book.key.fy.year() as i64;
    match whole_number(grid.get(r, col)) {
        Ok(Some(y)) if y == want => true,
        other => {
            let found = match other {
                Ok(Some(y)) => y.to_string(),
                Ok(None) => String::new(),
                Err(s) => s,
            };
            errors.push(
                at(sheet, r, col),
                node,
                format!("年度は {want} のはずですが「{found}」になっています"),
                format!("the fiscal year should be {want} but is '{found}'"),
            );
            false
        }
    }
}

fn read_report_row(
    book: &Book,
    grid: &Grid,
    r: u32,
    item: &BookItem,
    errors: &mut Errors,
) -> Option<ReadRow> {
    let sheet = SHEET_REPORTS;
    let node = Some(item.id.as_str());
    let mut ok = year_matches(grid, sheet, r, R_YEAR, book, node, errors);
    let version = match whole_number(grid.get(r, R_VERSION)) {
        Ok(v) if v.is_none_or(|v| v > 0) => v,
        Ok(v) => {
            ok = false;
            errors.push(
                at(sheet, r, R_VERSION),
                node,
                format!(
                    "版「{}」が正しくありません（変更しないでください）",
                    v.unwrap_or(0)
                ),
                format!(
                    "the version '{}' is not valid (do not change it)",
                    v.unwrap_or(0)
                ),
            );
            None
        }
        Err(s) => {
            ok = false;
            errors.push(
                at(sheet, r, R_VERSION),
                node,
                format!("版「{s}」を数値として読めません（変更しないでください）"),
                format!("the version '{s}' is not a number (do not change it)"),
            );
            None
        }
    };
    let status = match grid.text(r, R_STATUS) {
        None => None,
        Some(typed) => match status_code(&book.scale, &typed) {
            Some(code) => Some(code),
            None => {
                ok = false;
                let choices: Vec<String> = book.scale.iter().map(status_cell).collect();
                if choices.is_empty() {
                    errors.push(
                        at(sheet, r, R_STATUS),
                        node,
                        format!("この計画には評価区分がないため、評価「{typed}」は入力できません"),
                        format!("this plan has no status scale, so the status '{typed}' cannot be entered"),
                    );
                } else {
                    errors.push(
                        at(sheet, r, R_STATUS),
                        node,
                        format!(
                            "「{typed}」は評価の選択肢にありません（{}）",
                            choices.join("・")
                        ),
                        format!(
                            "'{typed}' is not a status of this plan ({})",
                            choices.join(", ")
                        ),
                    );
                }
                None
            }
        },
    };
    let mut text = |col: u16, label_ja: &str, label_en: &str| match text_value(grid.get(r, col)) {
        Ok(v) => v,
        Err(v) => {
            ok = false;
            errors.push(
                at(sheet, r, col),
                node,
                format!("{label_ja}に「{}」（日付・真偽値・エラー値）は入力できません。文字で入力してください", v.shown()),
                format!("{label_en} cannot hold '{}' (a date, boolean or error value); type text", v.shown()),
            );
            None
        }
    };
    let result = text(R_RESULT, "取組実績", "the result");
    let self_evaluation = text(R_SELF, "自己評価", "the self-evaluation");
    let direction = match grid.text(r, R_DIRECTION) {
        None => None,
        Some(typed) => match Direction::parse(&typed) {
            Some(d) => Some(d),
            None => {
                ok = false;
                errors.push(
                    at(sheet, r, R_DIRECTION),
                    node,
                    format!(
                        "「{typed}」は次年度の方向性の選択肢にありません（{}）",
                        directions_ja()
                    ),
                    format!("'{typed}' is not a direction ({})", directions_en()),
                );
                None
            }
        },
    };
    let mut amount = |col: u16, label_ja: &str, label_en: &str| match yen_value(grid.get(r, col)) {
        Ok(v) => v,
        Err((ja, en)) => {
            ok = false;
            errors.push(
                at(sheet, r, col),
                node,
                format!("{label_ja}: {ja}"),
                format!("{label_en}: {en}"),
            );
            None
        }
    };
    let spending_cut = amount(R_CUT, "歳出削減額", "spending cut");
    let revenue = amount(R_REVENUE, "歳入確保額", "revenue gained");
    ok.then_some(ReadRow {
        row: r,
        version,
        status,
        result,
        self_evaluation,
        direction,
        spending_cut,
        revenue,
        check: grid.text(r, R_CHECK),
    })
}

/// The scale's code for what a status cell holds: the code, the cell text
/// the workbook wrote, or the label in either language.
fn status_code(scale: &[StatusLevel], typed: &str) -> Option<String> {
    let t = typed.trim();
    scale
        .iter()
        .find(|l| l.code == t)
        .or_else(|| {
            scale.iter().find(|l| {
                status_cell(l) == t
                    || l.label == t
                    || l.label_en
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(t))
            })
        })
        .map(|l| l.code.clone())
}

fn status_shown(scale: &[StatusLevel], code: Option<&str>) -> String {
    code.map(|c| {
        scale
            .iter()
            .find(|l| l.code == c)
            .map(status_cell)
            .unwrap_or_else(|| c.to_string())
    })
    .unwrap_or_default()
}

/// Compares a read row with the stored report; records the change, the
/// refusal (not editable) or the staleness.
fn compare(
    book: &Book,
    item: &BookItem,
    row: &ReadRow,
    values: &[ReadValue],
    review: &mut Review,
    errors: &mut Errors,
) {
    let sheet = SHEET_REPORTS;
    let r = row.row;
    let cur = item.current.as_ref().map(|c| &c.progress);
    let mut fields = Vec::new();
    let mut change = |field: Field, col: u16, before: String, after: String| {
        if before != after {
            fields.push(FieldChange {
                field,
                at: at(sheet, r, col),
                before,
                after,
            });
        }
    };
    change(
        Field::Status,
        R_STATUS,
        status_shown(&book.scale, cur.and_then(|p| p.status.as_deref())),
        status_shown(&book.scale, row.status.as_deref()),
    );
    change(
        Field::Result,
        R_RESULT,
        norm_text(cur.and_then(|p| p.result.as_deref())).unwrap_or_default(),
        row.result.clone().unwrap_or_default(),
    );
    change(
        Field::SelfEvaluation,
        R_SELF,
        norm_text(cur.and_then(|p| p.self_evaluation.as_deref())).unwrap_or_default(),
        row.self_evaluation.clone().unwrap_or_default(),
    );
    change(
        Field::Direction,
        R_DIRECTION,
        cur.and_then(|p| p.direction)
            .map(|d| d.ja().to_string())
            .unwrap_or_default(),
        row.direction
            .map(|d| d.ja().to_string())
            .unwrap_or_default(),
    );
    change(
        Field::SpendingCut,
        R_CUT,
        yen_cell(cur.and_then(|p| p.spending_cut)),
        yen_cell(row.spending_cut),
    );
    change(
        Field::Revenue,
        R_REVENUE,
        yen_cell(cur.and_then(|p| p.revenue)),
        yen_cell(row.revenue),
    );
    let mut indicator_values = Vec::new();
    for v in values {
        let Some(ind) = item.indicators.iter().find(|i| i.id == v.indicator) else {
            continue;
        };
        match (ind.value, v.value) {
            (before, Some(after)) if before != Some(after) => {
                fields.push(FieldChange {
                    field: Field::Indicator {
                        name: ind.name.clone(),
                        unit: ind.unit.clone(),
                    },
                    at: at(SHEET_INDICATORS, v.row, I_VALUE),
                    before: decimal_key(before),
                    after: decimal_key(Some(after)),
                });
                indicator_values.push(IndicatorValue {
                    indicator: ind.id.clone(),
                    fy: book.key.fy,
                    value: after,
                    note: None,
                    demo: false,
                });
            }
            _ => {}
        }
    }
    let Some(first) = fields.first() else {
        return;
    };
    // A row left as downloaded differs from the store only because someone
    // saved the item since: nothing to apply, nothing to warn about.
    if !row.touched() && !values.iter().any(ReadValue::touched) {
        return;
    }
    if !book.open {
        errors.push(
            first.at.clone(),
            Some(&item.id),
            format!(
                "{}は報告を受け付けていないため、取組「{}」は変更できません",
                book.key.fy.wareki(),
                item.id
            ),
            format!(
                "reporting for {} is not open, so item '{}' cannot be changed",
                book.key.fy.english(),
                item.id
            ),
        );
        return;
    }
    let current_version = item.current.as_ref().map(|c| c.version);
    if current_version != row.version {
        review.stale.push(StaleRow {
            node: item.id.clone(),
            number: item.number.clone(),
            title: item.title.clone(),
            at: at(sheet, r, R_VERSION),
            workbook_version: row.version,
            current_version,
            updated_by: item
                .current
                .as_ref()
                .map(|c| c.updated_by.clone())
                .unwrap_or_default(),
        });
        return;
    }
    if let Some(c) = item.current.as_ref().filter(|c| !c.state.editable()) {
        errors.push(
            first.at.clone(),
            Some(&item.id),
            format!(
                "取組「{}」は{}のため変更できません（変更が必要なら行革担当課に差戻しを依頼してください）",
                item.id,
                state_cell(Some(c.state))
            ),
            format!(
                "item '{}' is {} and cannot be changed (ask the office to return it)",
                item.id,
                c.state.key()
            ),
        );
        return;
    }
    review.changes.push(RowChange {
        node: item.id.clone(),
        number: item.number.clone(),
        title: item.title.clone(),
        row: r + 1,
        expected_version: row.version,
        edit: ReportEdit {
            progress: Progress {
                node: item.id.clone(),
                fy: book.key.fy,
                status: row.status.clone(),
                result: row.result.clone(),
                self_evaluation: row.self_evaluation.clone(),
                direction: row.direction,
                spending_cut: row.spending_cut,
                revenue: row.revenue,
                demo: false,
            },
            indicator_values,
        },
        fields,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy() -> FiscalYear {
        FiscalYear::new(2025).unwrap()
    }

    fn level(code: &str, label: &str) -> StatusLevel {
        StatusLevel {
            code: code.into(),
            label: label.into(),
            label_en: Some(format!("{code} (en)")),
            achieved: true,
        }
    }

    fn stored(node: &str, version: i64, state: ReportState, status: Option<&str>) -> BookReport {
        BookReport {
            progress: Progress {
                node: node.into(),
                fy: fy(),
                status: status.map(str::to_string),
                result: Some("前年どおり実施\n二行目".into()),
                self_evaluation: None,
                direction: Some(Direction::Continue),
                spending_cut: Some(Yen(3_000_000)),
                revenue: None,
                demo: false,
            },
            version,
            updated_by: "tanaka".into(),
            state,
        }
    }

    fn item(id: &str, current: Option<BookReport>) -> BookItem {
        BookItem {
            id: id.into(),
            number: format!("({id})"),
            title: format!("取組 {id}"),
            depts: "財政課".into(),
            current,
            indicators: Vec::new(),
        }
    }

    /// Three items of 財政課: 1-1 never reported (with an indicator),
    /// 1-2 a draft at version 2, 1-3 submitted.
    fn book() -> Book {
        let mut first = item("1-1", None);
        first.indicators.push(BookIndicator {
            id: "i1".into(),
            name: "電子申請の件数".into(),
            unit: "件".into(),
            value: None,
        });
        first.indicators.push(BookIndicator {
            id: "i2".into(),
            name: "窓口の待ち時間".into(),
            unit: "分".into(),
            value: Some(Decimal::parse("12.5").unwrap()),
        });
        Book {
            key: BookKey {
                city: "102113".into(),
                plan: "taiko-4".into(),
                fy: fy(),
                dept: "財政課".into(),
            },
            city_name: "安中市".into(),
            plan_title: "行政改革大綱".into(),
            dept_name: "財政課".into(),
            scale: vec![
                level("A", "計画どおり"),
                level("年度目標達成", "年度目標達成"),
            ],
            open: true,
            items: vec![
                first,
                item("1-2", Some(stored("1-2", 2, ReportState::Draft, Some("A")))),
                item(
                    "1-3",
                    Some(stored("1-3", 4, ReportState::Submitted, Some("A"))),
                ),
            ],
            plan_items: ["1-1", "1-2", "1-3", "2-1"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// A cell of a workbook written by a test, as a clerk would leave it.
    #[derive(Clone)]
    enum W {
        S(String),
        N(f64),
        B(bool),
    }

    /// Reads `bytes` back into a grid per sheet, applies the edits, and
    /// writes a new workbook with rust_xlsxwriter — what Excel does when
    /// a clerk types into the downloaded file and saves it.
    fn edited(bytes: &[u8], edits: &[(&str, &str, Option<W>)]) -> Vec<u8> {
        let up = open("in.xlsx", bytes).unwrap();
        let mut wb = Workbook::new();
        let mut names: Vec<&String> = up.sheets.keys().collect();
        names.sort_by_key(|n| {
            [SHEET_REPORTS, SHEET_INDICATORS, SHEET_HELP]
                .iter()
                .position(|s| s == n)
        });
        for name in names {
            let mut cells = up.sheets[name].cells.clone();
            for (sheet, cell, w) in edits {
                if sheet != name {
                    continue;
                }
                let (r, c) = parse_ref(cell);
                match w {
                    None => {
                        cells.remove(&(r, c));
                    }
                    Some(W::S(s)) => {
                        cells.insert((r, c), Value::Text(s.clone()));
                    }
                    Some(W::N(n)) => {
                        cells.insert((r, c), Value::Number(*n));
                    }
                    Some(W::B(b)) => {
                        cells.insert((r, c), Value::Bool(*b));
                    }
                }
            }
            let ws = wb.add_worksheet();
            ws.set_name(name.as_str()).unwrap();
            for ((r, c), v) in cells {
                match v {
                    Value::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Value::Number(n) => ws.write_number(r, c, n).map(|_| ()),
                    Value::Bool(b) => ws.write_boolean(r, c, b).map(|_| ()),
                    Value::Date(s) | Value::Error(s) => ws.write_string(r, c, s).map(|_| ()),
                }
                .unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn s(text: &str) -> W {
        W::S(text.to_string())
    }

    fn parse_ref(cell: &str) -> (u32, u16) {
        let letters: String = cell
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let digits = &cell[letters.len()..];
        let col = letters
            .bytes()
            .fold(0u32, |acc, b| acc * 26 + (b - b'A' + 1) as u32)
            - 1;
        (digits.parse::<u32>().unwrap() - 1, col as u16)
    }

    fn review_of(book: &Book, bytes: &[u8]) -> Review {
        let up = open("実績.xlsx", bytes).unwrap();
        assert_eq!(up.key().unwrap(), book.key);
        up.review(book)
    }

    fn error_text(review: &Review) -> Vec<String> {
        review.errors.iter().map(|e| e.ja()).collect()
    }

    #[test]
    fn rows_are_tall_enough_for_their_wrapped_text() {
        assert_eq!(display_width("総務課 A"), 8);
        assert_eq!(row_height(&[("短い", 36.0)]), 15.0);
        // 30 full-width characters in a column of 16: 60 units, 4 lines.
        assert_eq!(row_height(&[("あ".repeat(30).as_str(), 16.0)]), 60.0);
        assert_eq!(row_height(&[("一行目\n二行目", 36.0), ("x", 8.0)]), 30.0);
    }

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(11, 9), "J12");
        assert_eq!(cell_ref(0, 25), "Z1");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(4, 701), "ZZ5");
        assert_eq!(cell_ref(4, 702), "AAA5");
        assert_eq!(parse_ref("J12"), (11, 9));
    }

    #[test]
    fn an_untouched_workbook_changes_nothing() {
        let b = book();
        let bytes = build(&b).unwrap();
        let up = open("実績.xlsx", &bytes).unwrap();
        let grid = &up.sheets[SHEET_REPORTS];
        // Both calendars are shown, the id and version are there.
        assert_eq!(grid.text(2, R_WAREKI).as_deref(), Some("令和7年度"));
        assert_eq!(grid.text(2, R_YEAR).as_deref(), Some("2025"));
        assert_eq!(grid.text(3, R_ID).as_deref(), Some("1-2"));
        assert_eq!(grid.text(3, R_VERSION).as_deref(), Some("2"));
        assert_eq!(grid.text(3, R_STATUS).as_deref(), Some("A 計画どおり"));
        assert_eq!(grid.text(3, R_CUT).as_deref(), Some("3000000"));
        assert_eq!(grid.text(4, R_STATE).as_deref(), Some("提出済"));
        let review = up.review(&b);
        assert_eq!(review, Review::default(), "{:?}", error_text(&review));
        assert!(!review.applicable());
        // Also after a round trip through another writer.
        let again = edited(&bytes, &[]);
        assert_eq!(review_of(&b, &again), Review::default());
    }

    /// Every part of the package as text, so the markup can be looked for.
    fn raw_package(book: &Book) -> String {
        use std::io::Read;
        let bytes = build(book).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut all = String::new();
        for i in 0..zip.len() {
            zip.by_index(i).unwrap().read_to_string(&mut all).unwrap();
        }
        all
    }

    #[test]
    fn the_workbook_is_protected_with_dropdowns_and_editable_cells() {
        let raw = raw_package(&book());
        assert_eq!(
            raw.matches("<sheetProtection").count(),
            4,
            "a sheet is not protected"
        );
        assert!(raw.contains("<dataValidations"), "no dropdowns");
        assert!(raw.contains("'選択肢'!$A$1:$A$2"), "status list");
        assert!(raw.contains("\"継続,拡充,改善,縮小,統合,廃止,完了\""));
        assert!(raw.contains("<pane "), "no frozen header");
        assert!(raw.contains("locked=\"0\""), "no editable cell");
        assert!(raw.contains("name=\"選択肢\" sheetId=\"4\" state=\"hidden\""));
        // The fingerprint columns are hidden.
        assert!(raw.contains("hidden=\"1\""));
        // A closed year's workbook has no editable cell at all.
        let mut closed = book();
        closed.open = false;
        assert!(!raw_package(&closed).contains("locked=\"0\""));
        // Nor has a submitted row: on 実績 only the rows of 1-1 and 1-2 are.
        let bytes = build(&book()).unwrap();
        let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
        let styles = xlsx.worksheet_style(SHEET_REPORTS).unwrap();
        let locked = |r: u32, c: u16| {
            styles
                .get((r, c as u32))
                .and_then(|s| s.protection.as_ref())
                .is_none_or(|p| p.locked)
        };
        assert!(!locked(2, R_STATUS) && !locked(3, R_RESULT) && !locked(3, R_REVENUE));
        assert!(locked(4, R_STATUS), "a submitted row is open");
        assert!(locked(2, R_ID) && locked(2, R_VERSION) && locked(2, R_YEAR));
    }

    #[test]
    fn a_filled_workbook_becomes_typed_changes() {
        let b = book();
        let bytes = build(&b).unwrap();
        let filled = edited(
            &bytes,
            &[
                // 1-1: a first report.
                ("実績", "G3", Some(s("年度目標達成"))),
                (
                    "実績",
                    "H3",
                    Some(s("電子申請を 12 手続に拡大した。\n窓口の混雑が減った。  ")),
                ),
                ("実績", "J3", Some(s("拡充"))),
                ("実績", "K3", Some(s("1.2億円"))),
                ("実績", "L3", Some(W::N(250_000.0))),
                ("指標", "G3", Some(W::N(1234.0))),
                ("指標", "G4", Some(s("9.75"))),
                // 1-2: status by code, the amount cleared.
                ("実績", "G4", Some(s("年度目標達成"))),
                ("実績", "I4", Some(s("おおむね順調"))),
                ("実績", "K4", None),
            ],
        );
        let review = review_of(&b, &filled);
        assert!(review.errors.is_empty(), "{:?}", error_text(&review));
        assert!(review.stale.is_empty());
        assert!(review.applicable());
        assert_eq!(review.changes.len(), 2);
        let first = &review.changes[0];
        assert_eq!((first.node.as_str(), first.row), ("1-1", 3));
        assert_eq!(first.expected_version, None);
        let p = &first.edit.progress;
        assert_eq!(p.status.as_deref(), Some("年度目標達成"));
        assert_eq!(
            p.result.as_deref(),
            Some("電子申請を 12 手続に拡大した。\n窓口の混雑が減った。")
        );
        assert_eq!(p.direction, Some(Direction::Expand));
        assert_eq!(p.spending_cut, Some(Yen(120_000_000)));
        assert_eq!(p.revenue, Some(Yen(250_000)));
        assert_eq!(p.fy, fy());
        assert_eq!(
            first
                .edit
                .indicator_values
                .iter()
                .map(|v| (v.indicator.as_str(), v.value.to_string()))
                .collect::<Vec<_>>(),
            vec![("i1", "1234".to_string()), ("i2", "9.75".to_string())]
        );
        let fields: Vec<(&str, &str, &str)> = first
            .fields
            .iter()
            .map(|f| (f.at.as_str(), f.before.as_str(), f.after.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("実績!G3", "", "年度目標達成"),
                (
                    "実績!H3",
                    "",
                    "電子申請を 12 手続に拡大した。\n窓口の混雑が減った。"
                ),
                ("実績!J3", "", "拡充"),
                ("実績!K3", "", "120000000"),
                ("実績!L3", "", "250000"),
                ("指標!G3", "", "1234"),
                ("指標!G4", "12.5", "9.75"),
            ]
        );
        let second = &review.changes[1];
        assert_eq!(
            (second.node.as_str(), second.expected_version),
            ("1-2", Some(2))
        );
        assert_eq!(second.edit.progress.spending_cut, None);
        assert_eq!(
            second.edit.progress.result.as_deref(),
            Some("前年どおり実施\n二行目"),
            "an untouched cell keeps the stored text"
        );
        assert_eq!(
            second
                .fields
                .iter()
                .map(|f| (f.field.clone(), f.before.as_str(), f.after.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (Field::Status, "A 計画どおり", "年度目標達成"),
                (Field::SelfEvaluation, "", "おおむね順調"),
                (Field::SpendingCut, "3000000", ""),
            ]
        );
    }

    #[test]
    fn a_bad_workbook_is_refused_cell_by_cell() {
        let b = book();
        let bytes = build(&b).unwrap();
        let bad = edited(
            &bytes,
            &[
                ("実績", "G3", Some(s("Z"))),
                ("実績", "J3", Some(s("拡大"))),
                ("実績", "K3", Some(s("たくさん"))),
                ("実績", "L3", Some(W::N(10.5))),
                ("実績", "H4", Some(W::B(true))),
                ("実績", "F4", Some(s("二"))),
                ("実績", "N5", Some(s("2-1"))),
                ("実績", "A6", Some(s("9"))),
                ("実績", "N6", Some(s("9-9"))),
                ("実績", "P2", Some(s("メモ"))),
                ("指標", "G3", Some(s("千"))),
                ("指標", "G4", None),
            ],
        );
        let review = review_of(&b, &bad);
        assert!(review.changes.is_empty(), "nothing is applied with errors");
        assert!(!review.applicable());
        let at: Vec<&str> = review.errors.iter().map(|e| e.at.as_str()).collect();
        assert_eq!(
            at,
            vec![
                "実績!P2",
                "実績!G3",
                "実績!J3",
                "実績!K3",
                "実績!L3",
                "実績!F4",
                "実績!H4",
                "実績!N5",
                "実績!N6",
                "指標!G3",
                "指標!G4",
            ],
            "{:#?}",
            error_text(&review)
        );
        let e = |cell: &str| {
            review
                .errors
                .iter()
                .find(|e| e.at == cell)
                .map(|e| (e.ja(), e.en()))
                .unwrap()
        };
        assert_eq!(
            e("実績!J3").0,
            "実績!J3: 「拡大」は次年度の方向性の選択肢にありません（継続・拡充・改善・縮小・統合・廃止・完了）"
        );
        assert_eq!(
            e("実績!J3").1,
            "実績!J3: '拡大' is not a direction (continue, expand, improve, reduce, merge, abolish, complete)"
        );
        assert_eq!(
            e("実績!G3").0,
            "実績!G3: 「Z」は評価の選択肢にありません（A 計画どおり・年度目標達成）"
        );
        assert!(e("実績!K3")
            .0
            .contains("「たくさん」を金額として読めません"));
        assert!(e("実績!L3")
            .1
            .contains("'10.5' is not a whole number of yen"));
        assert!(e("実績!F4").0.contains("版「二」を数値として読めません"));
        assert!(e("実績!H4").0.contains("取組実績に「TRUE」"));
        assert_eq!(
            e("実績!N5").0,
            "実績!N5: 取組「2-1」は財政課の取組ではありません"
        );
        assert_eq!(
            e("実績!N6").1,
            "実績!N6: there is no item '9-9' in this plan"
        );
        assert!(e("実績!P2").0.contains("表の外に「メモ」"));
        assert!(e("指標!G3")
            .0
            .contains("実績値「千」を数値として読めません"));
        assert!(e("指標!G4").0.contains("（12.5）は空にできません"));
    }

    #[test]
    fn submitted_items_and_closed_years_cannot_change() {
        let mut b = book();
        let bytes = build(&b).unwrap();
        let changed = edited(&bytes, &[("実績", "I5", Some(s("追記")))]);
        let review = review_of(&b, &changed);
        assert_eq!(
            error_text(&review),
            vec!["実績!I5: 取組「1-3」は提出済のため変更できません（変更が必要なら行革担当課に差戻しを依頼してください）"]
        );
        b.open = false;
        let changed = edited(&bytes, &[("実績", "I4", Some(s("追記")))]);
        let review = review_of(&b, &changed);
        assert_eq!(
            error_text(&review),
            vec!["実績!I4: 令和7年度は報告を受け付けていないため、取組「1-2」は変更できません"]
        );
    }

    #[test]
    fn a_row_saved_by_someone_else_since_the_download_is_stale() {
        let b = book();
        let bytes = build(&b).unwrap();
        let filled = edited(
            &bytes,
            &[
                ("実績", "I3", Some(s("新規"))),
                ("実績", "I4", Some(s("古い版に基づく変更"))),
            ],
        );
        // Meanwhile 1-1 got a first report and 1-2 was saved again.
        let mut now = b.clone();
        now.items[0].current = Some(stored("1-1", 1, ReportState::Draft, None));
        now.items[1].current = Some(stored("1-2", 3, ReportState::Draft, Some("A")));
        let review = review_of(&now, &filled);
        assert!(review.errors.is_empty(), "{:?}", error_text(&review));
        assert!(review.changes.is_empty());
        assert!(!review.applicable());
        let stale: Vec<(&str, &str, Option<i64>, Option<i64>)> = review
            .stale
            .iter()
            .map(|s| {
                (
                    s.node.as_str(),
                    s.at.as_str(),
                    s.workbook_version,
                    s.current_version,
                )
            })
            .collect();
        assert_eq!(
            stale,
            vec![
                ("1-1", "実績!F3", None, Some(1)),
                ("1-2", "実績!F4", Some(2), Some(3)),
            ]
        );
        // A row left as it was is not stale, however old.
        let untouched = review_of(&now, &bytes);
        assert!(untouched.stale.is_empty());
    }

    #[test]
    fn a_changed_header_or_missing_sheet_is_named() {
        let b = book();
        let bytes = build(&b).unwrap();
        let moved = edited(&bytes, &[("実績", "J1", Some(s("方向性")))]);
        let review = review_of(&b, &moved);
        assert_eq!(
            error_text(&review),
            vec!["実績!J1: 見出しが「次年度の方向性」ではなく「方向性」になっています（列を追加・削除・移動しないでください）"]
        );
        // A workbook without 実績.
        let mut wb = Workbook::new();
        let up = open("x.xlsx", &bytes).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_HELP).unwrap();
        for ((r, c), v) in &up.sheets[SHEET_HELP].cells {
            ws.write_string(*r, *c, v.shown()).unwrap();
        }
        let only_help = wb.save_to_buffer().unwrap();
        let review = review_of(&b, &only_help);
        assert_eq!(
            error_text(&review),
            vec!["実績: シート「実績」がありません（シートの名前を変えたり削除したりしないでください）", "指標: シート「指標」がありません（シートの名前を変えたり削除したりしないでください）"]
        );
        // A workbook of another plan or year.
        let mut other = b.clone();
        other.key.plan = "taiko-3".into();
        assert!(
            error_text(&open("x.xlsx", &bytes).unwrap().review(&other))[0]
                .starts_with("説明!B5: このブックは別の計画（102113/taiko-4）のものです")
        );
        let mut other = b.clone();
        other.key.fy = FiscalYear::new(2026).unwrap();
        assert!(
            error_text(&open("x.xlsx", &bytes).unwrap().review(&other))[0]
                .starts_with("説明!B6: このブックは令和7年度・財政課のものです")
        );
    }

    #[test]
    fn files_that_are_not_workbooks_are_named() {
        for (name, bytes) in [
            ("報告.xlsx", &b""[..]),
            ("報告.csv", &b"a,b,c\n1,2,3\n"[..]),
            ("報告.xlsx", &b"PK\x03\x04garbage"[..]),
        ] {
            let err = open(name, bytes).unwrap_err();
            assert_eq!(err.len(), 1);
            assert_eq!(err[0].at, name);
            assert!(err[0].to_string().starts_with(&format!("{name}: ")));
        }
        // An xlsx that is not a gyokaku workbook.
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "hello").unwrap();
        let other = wb.save_to_buffer().unwrap();
        let err = open("other.xlsx", &other).unwrap().key().unwrap_err();
        assert_eq!(err[0].at, "説明");
    }

    #[test]
    fn truncated_and_corrupted_workbooks_never_panic() {
        let bytes = build(&book()).unwrap();
        let b = book();
        for cut in (0..bytes.len()).step_by(97) {
            if let Ok(up) = open("cut.xlsx", &bytes[..cut]) {
                let _ = up.review(&b);
            }
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(53) {
            flipped[i] ^= 0x5a;
            if let Ok(up) = open("flip.xlsx", &flipped) {
                let _ = up.review(&b);
            }
        }
    }

    #[test]
    fn a_declared_string_count_beyond_reason_is_refused_before_calamine() {
        use std::io::{Read, Write};
        assert!(shared_string_count_is_sane(
            b"<?xml version=\"1.0\"?><sst xmlns=\"x\" count=\"3\" uniqueCount=\"3\">"
        ));
        assert!(!shared_string_count_is_sane(
            b"<sst uniqueCount = '99999999999999999999'>"
        ));
        assert!(!shared_string_count_is_sane(
            b"<x:sst uniqueCount=\"2000000\">"
        ));
        assert!(!shared_string_count_is_sane(b"<sst"), "no end of the tag");
        assert!(!shared_string_count_is_sane(b"no tag at all"));
        // The same inside a real package: 10^12 strings would make calamine
        // reserve 24 TB, and the failed allocation aborts the process
        // (checked: without the precheck this test dies of SIGABRT).
        let bytes = build(&book()).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().unwrap().to_string();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            if name == "xl/sharedStrings.xml" {
                let start = text.find("uniqueCount=\"").unwrap() + 13;
                let end = start + text[start..].find('"').unwrap();
                text.replace_range(start..end, "1000000000000");
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(text.as_bytes()).unwrap();
        }
        let crafted = out.finish().unwrap().into_inner();
        let err = open("crafted.xlsx", &crafted).unwrap_err();
        assert_eq!(err[0].at, "crafted.xlsx");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_bytes_are_refused_or_read(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096)) {
            if let Ok(up) = open("any.xlsx", &bytes) {
                let _ = up.key();
                let _ = up.review(&book());
            }
        }

        #[test]
        fn any_cell_text_is_refused_or_read(text in "\\PC{0,40}") {
            let b = book();
            let bytes = build(&b).unwrap();
            for cell in ["G4", "J4", "K4", "F4", "N4"] {
                let changed = edited(&bytes, &[("実績", cell, Some(s(&text)))]);
                let review = open("t.xlsx", &changed).unwrap().review(&b);
                // Either typed changes or located errors, never both silent.
                for e in &review.errors {
                    proptest::prop_assert!(e.at.starts_with("実績!"), "{}", e);
                }
            }
        }
    }
}
