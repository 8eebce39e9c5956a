//! The published tables as one Excel workbook for people: a sheet per
//! table with Japanese headings (and the CSV column names beneath), frozen
//! headings, column widths, numbers as numbers, and a 和暦 column beside
//! every year. The same data gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook};

use gyokaku_domain::FiscalYear;

use crate::model::Publication;
use crate::opendata::Table;
use crate::PublishError;

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> PublishError {
    PublishError::Io(std::io::Error::other(format!("xlsx: {e}")))
}

/// Display width of text: CJK characters count twice.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A sheet name Excel accepts: at most 31 characters, none of []:*?/\.
fn sheet_name(title: &str, used: &mut Vec<String>) -> String {
    let mut name: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    if name.is_empty() {
        name = "表".into();
    }
    let base = name.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

pub fn workbook(p: &Publication, tables: &[Table]) -> Result<Vec<u8>, PublishError> {
    let mut wb = Workbook::new();
    // Fast compression: the workbook is a few MB at most, and the time goes
    // into deflating it otherwise.
    wb.set_zip_compression_level(1);
    // A fixed creation time (the publication date) keeps the bytes stable.
    let created =
        ExcelDateTime::parse_from_str(&format!("{}T00:00:00", p.published_on)).map_err(xlsx_err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} {}",
                p.doc.header.city.name, p.doc.header.plan.title
            ))
            .set_author("gyokaku")
            .set_creation_datetime(&created),
    );
    let head = Format::new()
        .set_bold()
        .set_background_color("DDE6F0")
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let name_fmt = Format::new().set_font_color("595959").set_font_size(9);
    let title = Format::new().set_bold().set_font_size(14);
    let mut used = Vec::new();
    let mut wareki_of: std::collections::HashMap<i32, String> = std::collections::HashMap::new();

    // 説明: what the workbook is.
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name("説明", &mut used))
        .map_err(xlsx_err)?;
    let h = &p.doc.header;
    let lines = [
        format!("{} {}", h.city.name, h.plan.title),
        format!("{} 実施状況 / progress report {}", p.fy.wareki_with_western(), p.fy.english()),
        format!("公表日 / published: {}", p.published_on),
        format!("全国地方公共団体コード / local government code: {}", p.lgcode()),
        "各シートは公表したオープンデータ（data/*.csv）と同じ内容です。2行目は CSV の列名です。".into(),
        "Each sheet holds the same data as the published open data (data/*.csv); row 2 gives the CSV column names.".into(),
        "年度は西暦（4月始まり）の年で、その右に和暦を添えています。/ Years are fiscal years by the calendar year they start in, with the Japanese era beside them.".into(),
    ];
    ws.write_string_with_format(0, 0, &lines[0], &title)
        .map_err(xlsx_err)?;
    for (i, l) in lines.iter().enumerate().skip(1) {
        ws.write_string(i as u32 + 1, 0, l).map_err(xlsx_err)?;
    }
    if p.doc.progress.iter().any(|g| g.demo) {
        ws.write_string(
            lines.len() as u32 + 2,
            0,
            "※ デモ用の架空データを含みます / includes fictional demo data",
        )
        .map_err(xlsx_err)?;
    }
    ws.set_column_width(0, 100).map_err(xlsx_err)?;

    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(t.title(), &mut used))
            .map_err(xlsx_err)?;
        let kinds = t.kinds();
        let titles = t.titles();
        let names = t.header();
        let mut col: u16 = 0;
        let mut widths: Vec<usize> = Vec::new();
        // Column layout: every field, plus a 和暦 column after each year.
        let mut layout: Vec<(usize, bool)> = Vec::new();
        for (i, k) in kinds.iter().enumerate() {
            layout.push((i, false));
            if *k == "year" {
                layout.push((i, true));
            }
        }
        for (i, wareki) in &layout {
            let (heading, name) = if *wareki {
                (
                    format!("{}（和暦）", titles[*i].trim_end_matches("（西暦）")),
                    String::new(),
                )
            } else {
                (titles[*i].to_string(), names[*i].to_string())
            };
            ws.write_string_with_format(0, col, &heading, &head)
                .map_err(xlsx_err)?;
            if !name.is_empty() {
                ws.write_string_with_format(1, col, &name, &name_fmt)
                    .map_err(xlsx_err)?;
            }
            widths.push(width(&heading).max(width(&name)));
            col += 1;
        }
        // Column widths from the headings and the first rows: enough to
        // size a column for reading, without measuring every cell.
        const MEASURED: usize = 1000;
        for (r, row) in t.rows.iter().enumerate() {
            let measure = r < MEASURED;
            let r = r as u32 + 2;
            for (c, (i, wareki)) in layout.iter().enumerate() {
                let v = row[*i].as_str();
                let c = c as u16;
                if v.is_empty() {
                    continue;
                }
                let shown: &str = match (kinds[*i], wareki) {
                    ("year", true) => {
                        let y = v.parse::<i32>().unwrap_or(0);
                        let w = wareki_of
                            .entry(y)
                            .or_insert_with(|| {
                                FiscalYear::new(y).map(|y| y.wareki()).unwrap_or_default()
                            })
                            .as_str();
                        ws.write_string(r, c, w).map_err(xlsx_err)?;
                        w
                    }
                    ("year" | "integer" | "number", false) => {
                        match v.parse::<f64>() {
                            Ok(n) => ws.write_number(r, c, n).map_err(xlsx_err)?,
                            Err(_) => ws.write_string(r, c, v).map_err(xlsx_err)?,
                        };
                        v
                    }
                    ("boolean", _) => {
                        let s = if v == "true" { "はい" } else { "いいえ" };
                        ws.write_string(r, c, s).map_err(xlsx_err)?;
                        s
                    }
                    _ => {
                        ws.write_string(r, c, v).map_err(xlsx_err)?;
                        v
                    }
                };
                if measure {
                    let w = width(shown.lines().next().unwrap_or(""));
                    if w > widths[c as usize] {
                        widths[c as usize] = w;
                    }
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, 60.0))
                .map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(2, 0).map_err(xlsx_err)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sheet_names_are_valid_and_distinct() {
        let mut used = Vec::new();
        let a = super::sheet_name("指標 [実績]/比較", &mut used);
        assert_eq!(a, "指標 実績比較");
        let b = super::sheet_name("指標 [実績]/比較", &mut used);
        assert_eq!(b, "指標 実績比較2");
        assert!(
            super::sheet_name(&"長".repeat(40), &mut used)
                .chars()
                .count()
                <= 31
        );
    }
}
