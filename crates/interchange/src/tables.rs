//! The CSV tables of a plan folder: fiscal ratios, progress, indicator values.

use std::collections::HashSet;
use std::path::Path;

use gyokaku_domain::{
    walk_nodes, Bilingual, Decimal, Direction, FiscalObservation, FiscalRatio, FiscalYear,
    IndicatorValue, LocalGovCode, PlanDocument, Progress, RatioValue, Yen,
};

use crate::error::{ImportError, Location};

pub(crate) const FISCAL_COLUMNS: [&str; 6] = ["lgcode", "city", "fy", "ratio", "value", "source"];
pub(crate) const PROGRESS_COLUMNS: [&str; 9] = [
    "node",
    "fy",
    "status",
    "result",
    "self_evaluation",
    "direction",
    "spending_cut_yen",
    "revenue_yen",
    "demo",
];
pub(crate) const INDICATOR_VALUE_COLUMNS: [&str; 5] = ["indicator", "fy", "value", "note", "demo"];

/// The `demo` column: `true` marks fictional demo data (デモ用の架空データ).
fn demo_flag(row: &Row, errors: &mut Vec<ImportError>) -> bool {
    match row.cell("demo") {
        "" | "false" => false,
        "true" => true,
        other => {
            errors.push(row.err(
                "demo",
                format!("「{other}」: demo は true か空欄です"),
                format!("'{other}': demo is true or empty"),
            ));
            false
        }
    }
}

fn demo_text(demo: bool) -> String {
    if demo {
        "true".into()
    } else {
        String::new()
    }
}

/// One data row with its position, giving located errors per cell.
struct Row<'a> {
    path: &'a Path,
    row: u64,
    record: csv::StringRecord,
    columns: &'a [&'a str],
    /// The sheet, when the row comes from a workbook (cells are then
    /// located as `sheet!C5`).
    sheet: Option<&'a str>,
}

impl Row<'_> {
    fn cell(&self, name: &str) -> &str {
        let i = self
            .columns
            .iter()
            .position(|c| *c == name)
            .unwrap_or(usize::MAX);
        self.record.get(i).map(str::trim).unwrap_or("")
    }

    fn opt(&self, name: &str) -> Option<String> {
        let v = self.cell(name);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn err(&self, column: &str, ja: String, en: String) -> ImportError {
        let location = match self.sheet {
            Some(sheet) => Location::Cell {
                sheet: sheet.to_string(),
                cell: format!(
                    "{}{}",
                    gyokaku_domain::text::column_letters(
                        self.columns.iter().position(|c| *c == column).unwrap_or(0)
                    ),
                    self.row
                ),
                column: column.to_string(),
            },
            None => Location::Csv {
                row: self.row,
                column: Some(column.to_string()),
            },
        };
        ImportError::new(self.path, location, ja, en)
    }

    fn required(&self, name: &str, errors: &mut Vec<ImportError>) -> Option<&str> {
        let v = self.cell(name);
        if v.is_empty() {
            errors.push(self.err(
                name,
                "値が必要です（空欄です）".into(),
                "a value is required (empty cell)".into(),
            ));
            None
        } else {
            Some(v)
        }
    }

    fn parsed<T, E: Bilingual>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, E>,
        errors: &mut Vec<ImportError>,
    ) -> Option<T> {
        let v = self.required(name, errors)?;
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(self.err(name, e.ja(), e.en()));
                None
            }
        }
    }
}

/// Reads a CSV file whose header must be exactly `columns`, calling `each`
/// on every data row. A missing file is an empty table.
fn read_table(
    path: &Path,
    columns: &[&str],
    errors: &mut Vec<ImportError>,
    each: impl FnMut(&Row, &mut Vec<ImportError>),
) {
    let bytes = match crate::read::read_bounded(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            errors.push(ImportError::new(
                path,
                Location::File,
                format!("読み込めません: {e}"),
                format!("cannot read: {e}"),
            ));
            return;
        }
    };
    read_csv_bytes(path, &bytes, columns, &[], errors, each);
}

/// CSV text in UTF-8 (with or without a BOM) or, as Excel on Japanese
/// Windows saves it, Shift_JIS (CP932); `None` if it is neither.
fn decode_csv(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

/// Reads CSV bytes whose header must be `columns`, optionally followed by
/// the first of `optional` (columns for people, such as an indicator's
/// name, that are not read), calling `each` on every data row.
fn read_csv_bytes(
    path: &Path,
    bytes: &[u8],
    columns: &[&str],
    optional: &[&str],
    errors: &mut Vec<ImportError>,
    mut each: impl FnMut(&Row, &mut Vec<ImportError>),
) {
    let Some(text) = decode_csv(bytes) else {
        errors.push(ImportError::new(
            path,
            Location::File,
            "文字コードを読めません（UTF-8 または Shift_JIS で保存してください）",
            "cannot read the text encoding (save as UTF-8 or Shift_JIS)",
        ));
        return;
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let expected = columns.join(",");
    let header: Option<Vec<&str>> = match reader.headers() {
        Ok(h) => {
            let got: Vec<&str> = h.iter().map(str::trim).collect();
            let extra = got.len().saturating_sub(columns.len());
            if got.len() >= columns.len()
                && got[..columns.len()] == *columns
                && extra <= optional.len()
                && got[columns.len()..] == optional[..extra]
            {
                Some(columns.iter().chain(&optional[..extra]).copied().collect())
            } else {
                errors.push(ImportError::new(
                    path,
                    Location::Csv {
                        row: 1,
                        column: None,
                    },
                    format!(
                        "見出し行は {expected} である必要があります（実際: {}）",
                        got.join(",")
                    ),
                    format!(
                        "the header row must be {expected} (found: {})",
                        got.join(",")
                    ),
                ));
                None
            }
        }
        Err(e) => {
            errors.push(ImportError::new(
                path,
                Location::Csv {
                    row: 1,
                    column: None,
                },
                format!("CSV として読めません: {e}"),
                format!("not valid CSV: {e}"),
            ));
            None
        }
    };
    let Some(header) = header else {
        return;
    };
    for (i, rec) in reader.records().enumerate() {
        let row_no = i as u64 + 2;
        match rec {
            Ok(record) => {
                if record.len() != header.len() {
                    errors.push(ImportError::new(
                        path,
                        Location::Csv {
                            row: row_no,
                            column: None,
                        },
                        format!(
                            "列の数は {} 個である必要があります（実際: {} 個）",
                            header.len(),
                            record.len()
                        ),
                        format!("expected {} columns, found {}", header.len(), record.len()),
                    ));
                    continue;
                }
                let row = Row {
                    path,
                    row: row_no,
                    record,
                    columns: &header,
                    sheet: None,
                };
                each(&row, errors);
            }
            Err(e) => errors.push(ImportError::new(
                path,
                Location::Csv {
                    row: row_no,
                    column: None,
                },
                format!("CSV として読めません: {e}"),
                format!("not valid CSV: {e}"),
            )),
        }
    }
}

pub(crate) fn read_fiscal(path: &Path, errors: &mut Vec<ImportError>) -> Vec<FiscalObservation> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    read_table(path, &FISCAL_COLUMNS, errors, |row, errors| {
        let lgcode = row.parsed("lgcode", LocalGovCode::parse, errors);
        let city = row.required("city", errors).map(str::to_string);
        let fy = row.parsed("fy", FiscalYear::parse, errors);
        let ratio = row.required("ratio", errors).and_then(|r| {
            let found = FiscalRatio::from_key(r);
            if found.is_none() {
                let keys: Vec<&str> = FiscalRatio::ALL.iter().map(|r| r.key()).collect();
                errors.push(row.err(
                    "ratio",
                    format!("「{r}」は比率の名前ではありません（{}）", keys.join(", ")),
                    format!("'{r}' is not a ratio ({})", keys.join(", ")),
                ));
            }
            found
        });
        let value = row.required("value", errors).and_then(|v| {
            let parsed = RatioValue::parse(v);
            if parsed.is_none() {
                errors.push(row.err(
                    "value",
                    format!("「{v}」は数値でも「—」でもありません"),
                    format!("'{v}' is neither a number nor '—'"),
                ));
            }
            parsed
        });
        if let (Some(lgcode), Some(city), Some(fy), Some(ratio), Some(value)) =
            (lgcode, city, fy, ratio, value)
        {
            if !seen.insert((lgcode, fy, ratio)) {
                errors.push(row.err(
                    "ratio",
                    format!("{lgcode} {} {} が重複しています", fy.wareki(), ratio.ja()),
                    format!(
                        "duplicate row for {lgcode} {} {}",
                        fy.english(),
                        ratio.key()
                    ),
                ));
                return;
            }
            out.push(FiscalObservation {
                lgcode,
                city,
                fy,
                ratio,
                value,
                source: row.opt("source"),
            });
        }
    });
    out
}

pub(crate) fn read_progress(
    path: &Path,
    doc: &PlanDocument,
    errors: &mut Vec<ImportError>,
) -> Vec<Progress> {
    let node_ids: HashSet<&str> = walk_nodes(&doc.nodes)
        .iter()
        .map(|(n, _, _)| n.id.as_str())
        .collect();
    let codes: Vec<&str> = doc
        .header
        .status_scale
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    read_table(path, &PROGRESS_COLUMNS, errors, |row, errors| {
        let node = row.required("node", errors).and_then(|n| {
            if node_ids.contains(n) {
                Some(n.to_string())
            } else {
                errors.push(row.err(
                    "node",
                    format!("項目「{n}」は nodes.yaml にありません"),
                    format!("item '{n}' is not in nodes.yaml"),
                ));
                None
            }
        });
        let fy = row.parsed("fy", FiscalYear::parse, errors);
        let before = errors.len();
        let status = row.opt("status").filter(|s| {
            let known = codes.contains(&s.as_str());
            if !known {
                errors.push(row.err(
                    "status",
                    format!(
                        "「{s}」はこの計画の評価区分にありません（{}）",
                        codes.join(" / ")
                    ),
                    format!(
                        "'{s}' is not on this plan's status scale ({})",
                        codes.join(" / ")
                    ),
                ));
            }
            known
        });
        let direction = row.opt("direction").and_then(|d| {
            let parsed = Direction::parse(&d);
            if parsed.is_none() {
                let all: Vec<&str> = Direction::ALL.iter().map(|d| d.ja()).collect();
                errors.push(row.err(
                    "direction",
                    format!("「{d}」は方向性ではありません（{}）", all.join(" / ")),
                    format!("'{d}' is not a direction ({})", all.join(" / ")),
                ));
            }
            parsed
        });
        let cut = row
            .opt("spending_cut_yen")
            .and_then(|_| row.parsed("spending_cut_yen", Yen::parse, errors));
        let revenue = row
            .opt("revenue_yen")
            .and_then(|_| row.parsed("revenue_yen", Yen::parse, errors));
        if let (Some(node), Some(fy), true) = (node, fy, errors.len() == before) {
            if !seen.insert((node.clone(), fy)) {
                errors.push(row.err(
                    "fy",
                    format!("項目「{node}」の{}が重複しています", fy.wareki()),
                    format!("duplicate row for item '{node}' {}", fy.english()),
                ));
                return;
            }
            out.push(Progress {
                node,
                fy,
                status,
                result: row.opt("result"),
                self_evaluation: row.opt("self_evaluation"),
                direction,
                spending_cut: cut,
                revenue,
                demo: demo_flag(row, errors),
            });
        }
    });
    out
}

pub(crate) fn read_indicator_values(
    path: &Path,
    doc: &PlanDocument,
    errors: &mut Vec<ImportError>,
) -> Vec<IndicatorValue> {
    let ids: HashSet<&str> = doc.indicators.iter().map(|i| i.id.as_str()).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    read_table(path, &INDICATOR_VALUE_COLUMNS, errors, |row, errors| {
        let indicator = row.required("indicator", errors).and_then(|n| {
            if ids.contains(n) {
                Some(n.to_string())
            } else {
                errors.push(row.err(
                    "indicator",
                    format!("指標「{n}」は indicators.yaml にありません"),
                    format!("indicator '{n}' is not in indicators.yaml"),
                ));
                None
            }
        });
        let fy = row.parsed("fy", FiscalYear::parse, errors);
        let value = row.parsed("value", Decimal::parse, errors);
        if let (Some(indicator), Some(fy), Some(value)) = (indicator, fy, value) {
            if !seen.insert((indicator.clone(), fy)) {
                errors.push(row.err(
                    "fy",
                    format!("指標「{indicator}」の{}が重複しています", fy.wareki()),
                    format!("duplicate row for indicator '{indicator}' {}", fy.english()),
                ));
                return;
            }
            let demo = demo_flag(row, errors);
            out.push(IndicatorValue {
                indicator,
                fy,
                value,
                note: row.opt("note"),
                demo,
            });
        }
    });
    out
}

fn opt_text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Canonical CSV bytes of the three tables (None when a table is empty:
/// the file is then left out).
pub(crate) fn fiscal_csv(rows: &[FiscalObservation]) -> Option<Vec<u8>> {
    let mut rows: Vec<&FiscalObservation> = rows.iter().collect();
    rows.sort_by(|a, b| (a.lgcode, a.fy, a.ratio.key()).cmp(&(b.lgcode, b.fy, b.ratio.key())));
    write_csv(
        &FISCAL_COLUMNS,
        rows.iter().map(|r| {
            vec![
                r.lgcode.to_string(),
                r.city.clone(),
                r.fy.year().to_string(),
                r.ratio.key().to_string(),
                r.value.to_string(),
                opt_text(&r.source),
            ]
        }),
    )
}

pub(crate) fn progress_csv(rows: &[Progress], order: &dyn Fn(&str) -> usize) -> Option<Vec<u8>> {
    let mut rows: Vec<&Progress> = rows.iter().collect();
    rows.sort_by_key(|r| (order(&r.node), r.fy));
    let amount = |y: Option<Yen>| y.map(|y| y.0.to_string()).unwrap_or_default();
    write_csv(
        &PROGRESS_COLUMNS,
        rows.iter().map(|r| {
            vec![
                r.node.clone(),
                r.fy.year().to_string(),
                opt_text(&r.status),
                opt_text(&r.result),
                opt_text(&r.self_evaluation),
                r.direction.map(|d| d.ja().to_string()).unwrap_or_default(),
                amount(r.spending_cut),
                amount(r.revenue),
                demo_text(r.demo),
            ]
        }),
    )
}

pub(crate) fn indicator_values_csv(
    rows: &[IndicatorValue],
    order: &dyn Fn(&str) -> usize,
) -> Option<Vec<u8>> {
    let mut rows: Vec<&IndicatorValue> = rows.iter().collect();
    rows.sort_by_key(|r| (order(&r.indicator), r.fy));
    write_csv(
        &INDICATOR_VALUE_COLUMNS,
        rows.iter().map(|r| {
            vec![
                r.indicator.clone(),
                r.fy.year().to_string(),
                r.value.to_string(),
                opt_text(&r.note),
                demo_text(r.demo),
            ]
        }),
    )
}

fn write_csv(
    columns: &[&str],
    rows: impl ExactSizeIterator<Item = Vec<String>>,
) -> Option<Vec<u8>> {
    if rows.len() == 0 {
        return None;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    w.write_record(columns).ok()?;
    for r in rows {
        w.write_record(&r).ok()?;
    }
    w.into_inner().ok()
}

/// The columns of a file of indicator actuals sent on its own (a
/// department's yearly figures): `unit`, if filled, must be the
/// indicator's unit, so that 件 is not entered where % is meant.
pub const ACTUALS_COLUMNS: [&str; 5] = ["indicator", "fy", "value", "unit", "note"];
/// A column that may follow them for people filling the table in (the
/// indicator's name, as in the template the web app hands out); not read.
pub const ACTUALS_OPTIONAL: [&str; 1] = ["name"];

/// A further check of each sound row of actuals, by whoever reads them (the
/// web app: the user's rights and the year's cycle): the column at fault
/// and the problem in Japanese and English.
pub type ActualCheck<'a> = &'a dyn Fn(&IndicatorValue) -> Option<(&'static str, String, String)>;

fn no_check(_: &IndicatorValue) -> Option<(&'static str, String, String)> {
    None
}

fn same_unit(a: &str, b: &str) -> bool {
    gyokaku_domain::text::compact(&gyokaku_domain::text::to_halfwidth(a))
        == gyokaku_domain::text::compact(&gyokaku_domain::text::to_halfwidth(b))
}

fn not_found(path: &Path) -> crate::ImportErrors {
    crate::ImportErrors(vec![ImportError::new(
        path,
        Location::File,
        "ファイルが見つかりません",
        "file not found",
    )])
}

fn read_file(path: &Path) -> Result<Vec<u8>, crate::ImportErrors> {
    crate::read::read_bounded(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            not_found(path)
        } else {
            crate::ImportErrors(vec![ImportError::new(
                path,
                Location::File,
                format!("読み込めません: {e}"),
                format!("cannot read: {e}"),
            )])
        }
    })
}

/// Reads a CSV of indicator actuals for a plan's `indicators`. Every
/// problem is reported with its row and column; with any, nothing is
/// returned.
pub fn read_actuals_csv(
    path: &Path,
    indicators: &[gyokaku_domain::Indicator],
) -> Result<Vec<IndicatorValue>, crate::ImportErrors> {
    actuals_from_csv(path, &read_file(path)?, indicators, &no_check)
}

/// Reads indicator actuals from the first sheet of an Excel workbook in the
/// columns of `ACTUALS_COLUMNS` (a header row, then one actual per row).
/// Every problem is located by sheet and cell (`実績値!C3`); with any,
/// nothing is returned.
pub fn read_actuals_xlsx(
    path: &Path,
    indicators: &[gyokaku_domain::Indicator],
) -> Result<Vec<IndicatorValue>, crate::ImportErrors> {
    actuals_from_xlsx(path, read_file(path)?, indicators, &no_check)
}

/// Reads indicator actuals sent as bytes (an upload), named `name` in
/// errors: an Excel workbook (.xlsx, recognised by its content) or CSV.
/// `check` is asked about every otherwise sound row.
pub fn read_actuals(
    name: &str,
    bytes: Vec<u8>,
    indicators: &[gyokaku_domain::Indicator],
    check: ActualCheck,
) -> Result<Vec<IndicatorValue>, crate::ImportErrors> {
    let path = Path::new(name);
    if bytes.starts_with(b"PK\x03\x04") {
        actuals_from_xlsx(path, bytes, indicators, check)
    } else {
        actuals_from_csv(path, &bytes, indicators, check)
    }
}

fn actuals_from_csv(
    path: &Path,
    bytes: &[u8],
    indicators: &[gyokaku_domain::Indicator],
    check: ActualCheck,
) -> Result<Vec<IndicatorValue>, crate::ImportErrors> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    read_csv_bytes(
        path,
        bytes,
        &ACTUALS_COLUMNS,
        &ACTUALS_OPTIONAL,
        &mut errors,
        |row, errors| actual_row(row, indicators, check, &mut seen, &mut out, errors),
    );
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(crate::ImportErrors(errors))
    }
}

/// Checks one row of actuals (CSV or workbook) and keeps it if sound.
fn actual_row(
    row: &Row,
    indicators: &[gyokaku_domain::Indicator],
    check: ActualCheck,
    seen: &mut HashSet<(String, FiscalYear)>,
    out: &mut Vec<IndicatorValue>,
    errors: &mut Vec<ImportError>,
) {
    // A row with neither value nor note says nothing (the template lists
    // every indicator, filled in or not).
    if row.cell("value").is_empty() && row.cell("note").is_empty() {
        return;
    }
    let indicator = row.required("indicator", errors).and_then(|n| {
        let found = indicators.iter().find(|i| i.id == n);
        if found.is_none() {
            errors.push(row.err(
                "indicator",
                format!("指標「{n}」はこの計画にありません"),
                format!("indicator '{n}' is not in this plan"),
            ));
        }
        found
    });
    let fy = row.parsed("fy", FiscalYear::parse, errors);
    let value = row.parsed("value", Decimal::parse, errors);
    let unit = row.cell("unit").trim();
    if let Some(ind) = indicator {
        let expected = ind.unit.as_deref().unwrap_or("");
        if !unit.is_empty() && !same_unit(unit, expected) {
            errors.push(row.err(
                "unit",
                format!(
                    "単位「{unit}」は指標「{}」の単位「{expected}」と違います",
                    ind.name
                ),
                format!(
                    "unit '{unit}' differs from the unit '{expected}' of indicator '{}'",
                    ind.id
                ),
            ));
            return;
        }
    }
    if let (Some(ind), Some(fy), Some(value)) = (indicator, fy, value) {
        if !seen.insert((ind.id.clone(), fy)) {
            errors.push(row.err(
                "fy",
                format!("指標「{}」の{}が重複しています", ind.id, fy.wareki()),
                format!("duplicate row for indicator '{}' {}", ind.id, fy.english()),
            ));
            return;
        }
        let v = IndicatorValue {
            indicator: ind.id.clone(),
            fy,
            value,
            note: row.opt("note"),
            demo: false,
        };
        match check(&v) {
            Some((column, ja, en)) => errors.push(row.err(column, ja, en)),
            None => out.push(v),
        }
    }
}

fn actuals_from_xlsx(
    path: &Path,
    bytes: Vec<u8>,
    indicators: &[gyokaku_domain::Indicator],
    check: ActualCheck,
) -> Result<Vec<IndicatorValue>, crate::ImportErrors> {
    use calamine::{Data, Reader};
    let fail = |ja: String, en: String| {
        crate::ImportErrors(vec![ImportError::new(path, Location::File, ja, en)])
    };
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
        fail(
            format!("Excel ブック（.xlsx）として読めません: {e}"),
            format!("cannot be read as an Excel workbook (.xlsx): {e}"),
        )
    })?;
    let sheet = wb.sheet_names().first().cloned().ok_or_else(|| {
        fail(
            "シートがありません".into(),
            "the workbook has no sheet".into(),
        )
    })?;
    let range = wb.worksheet_range(&sheet).map_err(|e| {
        fail(
            format!("シート「{sheet}」を読めません: {e}"),
            format!("cannot read sheet '{sheet}': {e}"),
        )
    })?;
    let text = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) => format!("{f}"),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            other => other.to_string(),
        }
    };
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| text(c).trim().to_string()).collect())
        .unwrap_or_default();
    // Empty cells after the last heading are no column; a gap between
    // headings is (and fails the check below).
    let used = header
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);
    let header: Vec<&str> = header[..used].iter().map(String::as_str).collect();
    let with_name: Vec<&str> = ACTUALS_COLUMNS
        .iter()
        .chain(&ACTUALS_OPTIONAL)
        .copied()
        .collect();
    if header != ACTUALS_COLUMNS && header != with_name {
        return Err(crate::ImportErrors(vec![ImportError::new(
            path,
            Location::Cell {
                sheet: sheet.clone(),
                cell: "A1".into(),
                column: "header".into(),
            },
            format!(
                "見出し行は {} である必要があります（実際: {}）",
                ACTUALS_COLUMNS.join(","),
                header.join(",")
            ),
            format!(
                "the header row must be {} (found: {})",
                ACTUALS_COLUMNS.join(","),
                header.join(",")
            ),
        )]));
    }
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let start = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    for (i, cells) in rows.enumerate() {
        let values: Vec<String> = (0..ACTUALS_COLUMNS.len())
            .map(|c| cells.get(c).map(text).unwrap_or_default())
            .collect();
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let row = Row {
            path,
            row: start + i as u64 + 2,
            record: csv::StringRecord::from(values),
            columns: &ACTUALS_COLUMNS,
            sheet: Some(&sheet),
        };
        actual_row(&row, indicators, check, &mut seen, &mut out, &mut errors);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(crate::ImportErrors(errors))
    }
}

/// Reads a table of fiscal ratios of several cities (as 安中's 図表-5) in
/// the columns of `fiscal_ratios.csv`; with any problem, nothing.
pub fn read_fiscal_csv(path: &Path) -> Result<Vec<FiscalObservation>, crate::ImportErrors> {
    if !path.is_file() {
        return Err(not_found(path));
    }
    let mut errors = Vec::new();
    let rows = read_fiscal(path, &mut errors);
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(crate::ImportErrors(errors))
    }
}

#[cfg(test)]
mod actuals_tests {
    use gyokaku_domain::{Indicator, IndicatorValue};

    fn indicators() -> Vec<Indicator> {
        serde_norway::from_str(
            "- id: r1\n  kind: reference\n  name: 職員提案の提案数\n  unit: 件\n\
             - id: o1\n  kind: outcome\n  name: 満足度\n  unit: '%'\n",
        )
        .expect("indicators")
    }

    fn none(_: &IndicatorValue) -> Option<(&'static str, String, String)> {
        None
    }

    #[test]
    fn shift_jis_csv_with_the_name_column_is_read() {
        let text =
            "indicator,fy,value,unit,note,name\r\nr1,令和7年度,31,件,合計,職員提案の提案数\r\n";
        let (bytes, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!lossy);
        let rows = super::read_actuals("a.csv", bytes.into_owned(), &indicators(), &none)
            .expect("Shift_JIS is read");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].fy.year(), 2025);
        assert_eq!(rows[0].note.as_deref(), Some("合計"));
        // Bytes that are neither UTF-8 nor Shift_JIS name the file.
        let err = super::read_actuals("b.csv", vec![0xFF, 0xFE, 0xFD, 0x80], &indicators(), &none)
            .expect_err("not text");
        assert!(err.0[0].ja.contains("Shift_JIS"), "{err}");
    }

    #[test]
    fn only_the_name_column_may_follow() {
        let csv = "indicator,fy,value,unit,note,comment\nr1,2025,3,,,x\n";
        let err = super::read_actuals("c.csv", csv.into(), &indicators(), &none)
            .expect_err("unknown column");
        assert_eq!(
            err.0[0].location,
            super::Location::Csv {
                row: 1,
                column: None
            }
        );
    }

    #[test]
    fn the_caller_check_is_located_on_its_column() {
        let csv = "indicator,fy,value,unit,note\nr1,2025,3,,\no1,2024,50,,\n";
        let check = |v: &IndicatorValue| -> Option<(&'static str, String, String)> {
            (v.fy.year() != 2025).then(|| ("fy", "締切済み".to_string(), "closed".to_string()))
        };
        let err = super::read_actuals("d.csv", csv.into(), &indicators(), &check)
            .expect_err("a closed year");
        assert_eq!(err.0.len(), 1);
        assert_eq!(
            err.to_string().lines().nth(1).map(str::trim),
            Some("d.csv row 3, column fy: 締切済み / closed")
        );
    }
}
