//! The published tables as one Excel workbook for people: a sheet per
//! table with Japanese headings (and the CSV column names beneath), frozen
//! headings, column widths, numbers as numbers, and a 和暦 column beside
//! every year. The same data gives the same bytes.

use std::fmt::Write as _;
use std::io::Write as _;

use gyokaku_domain::FiscalYear;

use crate::model::Publication;
use crate::opendata::Table;
use crate::PublishError;

// The workbook is written directly as SpreadsheetML (ECMA-376): one XML
// stream per sheet with inline strings, straight into the zip. A general
// writer keeps every cell and a shared-string table in memory first, which
// made this the slowest part of publishing.

fn zip_err(e: zip::result::ZipError) -> PublishError {
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

/// Text escaped for XML content and attributes; characters XML 1.0 cannot
/// hold (control characters other than tab and newline) are left out.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => {}
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Cell styles, by their index in styles.xml.
const PLAIN: u8 = 0;
const HEAD: u8 = 1;
const NAME: u8 = 2;
const TITLE: u8 = 3;

/// One sheet being written: rows in order, cells in order.
struct Sheet {
    xml: String,
    letters: Vec<String>,
    row: u32,
    cell_in_row: bool,
}

impl Sheet {
    fn new(columns: usize) -> Sheet {
        Sheet {
            xml: String::new(),
            letters: (0..columns.max(1))
                .map(gyokaku_domain::text::column_letters)
                .collect(),
            row: 0,
            cell_in_row: false,
        }
    }

    fn start_row(&mut self, r: u32) {
        self.end_row();
        self.row = r;
        let _ = write!(self.xml, "<row r=\"{r}\">");
        self.cell_in_row = true;
    }

    fn end_row(&mut self) {
        if self.cell_in_row {
            self.xml.push_str("</row>");
            self.cell_in_row = false;
        }
    }

    fn cell_start(&mut self, c: usize, style: u8) {
        let _ = write!(self.xml, "<c r=\"{}{}\"", self.letters[c], self.row);
        if style != PLAIN {
            let _ = write!(self.xml, " s=\"{style}\"");
        }
    }

    fn text(&mut self, c: usize, s: &str, style: u8) {
        self.cell_start(c, style);
        self.xml.push_str(" t=\"inlineStr\"><is><t");
        if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
            self.xml.push_str(" xml:space=\"preserve\"");
        }
        self.xml.push('>');
        push_escaped(&mut self.xml, s);
        self.xml.push_str("</t></is></c>");
    }

    /// A number exactly as the CSV writes it (already a valid xsd:double).
    fn number(&mut self, c: usize, v: &str) {
        self.cell_start(c, PLAIN);
        self.xml.push_str("><v>");
        self.xml.push_str(v);
        self.xml.push_str("</v></c>");
    }

    /// The sheet's XML: frozen rows, column widths, then the data.
    fn finish(mut self, frozen_rows: u32, widths: &[f64]) -> String {
        self.end_row();
        let mut out = String::with_capacity(self.xml.len() + 1024);
        out.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
        );
        out.push_str("<sheetViews><sheetView workbookViewId=\"0\">");
        if frozen_rows > 0 {
            let _ = write!(
                out,
                "<pane ySplit=\"{frozen_rows}\" topLeftCell=\"A{}\" activePane=\"bottomLeft\" state=\"frozen\"/>\
                 <selection pane=\"bottomLeft\" activeCell=\"A{}\" sqref=\"A{}\"/>",
                frozen_rows + 1,
                frozen_rows + 1,
                frozen_rows + 1
            );
        }
        out.push_str("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>");
        for (i, w) in widths.iter().enumerate() {
            let _ = write!(
                out,
                "<col min=\"{}\" max=\"{}\" width=\"{:.1}\" customWidth=\"1\"/>",
                i + 1,
                i + 1,
                w
            );
        }
        out.push_str("</cols><sheetData>");
        out.push_str(&self.xml);
        out.push_str("</sheetData></worksheet>");
        out
    }
}

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<fonts count=\"4\">\
<font><sz val=\"11\"/><color rgb=\"FF000000\"/><name val=\"游ゴシック\"/><family val=\"3\"/><charset val=\"128\"/></font>\
<font><b/><sz val=\"11\"/><color rgb=\"FF000000\"/><name val=\"游ゴシック\"/><family val=\"3\"/><charset val=\"128\"/></font>\
<font><sz val=\"9\"/><color rgb=\"FF595959\"/><name val=\"游ゴシック\"/><family val=\"3\"/><charset val=\"128\"/></font>\
<font><b/><sz val=\"14\"/><color rgb=\"FF000000\"/><name val=\"游ゴシック\"/><family val=\"3\"/><charset val=\"128\"/></font>\
</fonts>\
<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>\
<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFDDE6F0\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>\
<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"4\">\
<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment wrapText=\"1\"/></xf>\
<xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"3\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
</cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

/// The 説明 sheet: what the workbook is.
fn about_sheet(p: &Publication) -> String {
    let h = &p.doc.header;
    let mut lines = vec![
        format!("{} {}", h.city.name, h.plan.title),
        String::new(),
        format!("{} 実施状況 / progress report {}", p.fy.wareki_with_western(), p.fy.english()),
        format!("公表日 / published: {}", p.published_on),
        format!("全国地方公共団体コード / local government code: {}", p.lgcode()),
        "各シートは公表したオープンデータ（data/*.csv）と同じ内容です。2行目は CSV の列名です。".into(),
        "Each sheet holds the same data as the published open data (data/*.csv); row 2 gives the CSV column names.".into(),
        "年度は西暦（4月始まり）の年で、その右に和暦を添えています。/ Years are fiscal years by the calendar year they start in, with the Japanese era beside them.".into(),
    ];
    if p.doc.progress.iter().any(|g| g.demo) {
        lines.push(String::new());
        lines.push("※ デモ用の架空データを含みます / includes fictional demo data".into());
    }
    let mut sheet = Sheet::new(1);
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        sheet.start_row(i as u32 + 1);
        sheet.text(0, l, if i == 0 { TITLE } else { PLAIN });
    }
    sheet.finish(0, &[100.0])
}

/// One table as a sheet: Japanese headings, the CSV column names beneath,
/// numbers as numbers, a 和暦 column after every year.
fn table_sheet(t: &Table, wareki_of: &mut std::collections::HashMap<i32, String>) -> String {
    let kinds = t.kinds();
    let titles = t.titles();
    let names = t.header();
    // Column layout: every field, plus a 和暦 column after each year.
    let mut layout: Vec<(usize, bool)> = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        layout.push((i, false));
        if *k == "year" {
            layout.push((i, true));
        }
    }
    let mut sheet = Sheet::new(layout.len());
    let mut widths: Vec<usize> = Vec::with_capacity(layout.len());
    sheet.start_row(1);
    let mut names_row = Vec::new();
    for (c, (i, wareki)) in layout.iter().enumerate() {
        let heading = if *wareki {
            format!("{}（和暦）", titles[*i].trim_end_matches("（西暦）"))
        } else {
            titles[*i].to_string()
        };
        let name = if *wareki { "" } else { names[*i] };
        sheet.text(c, &heading, HEAD);
        names_row.push(name);
        widths.push(width(&heading).max(width(name)));
    }
    sheet.start_row(2);
    for (c, name) in names_row.iter().enumerate() {
        if !name.is_empty() {
            sheet.text(c, name, NAME);
        }
    }
    // Column widths from the headings and the first rows: enough to size a
    // column for reading, without measuring every cell.
    const MEASURED: usize = 1000;
    for (r, row) in t.rows.iter().enumerate() {
        sheet.start_row(r as u32 + 3);
        for (c, (i, wareki)) in layout.iter().enumerate() {
            let v = row[*i].as_str();
            if v.is_empty() {
                continue;
            }
            let shown: &str = match (kinds[*i], wareki) {
                ("year", true) => {
                    let y = v.parse::<i32>().unwrap_or(0);
                    let w = wareki_of.entry(y).or_insert_with(|| {
                        FiscalYear::new(y).map(|y| y.wareki()).unwrap_or_default()
                    });
                    sheet.text(c, w, PLAIN);
                    w
                }
                ("year" | "integer" | "number", false) => {
                    if v.parse::<f64>().is_ok_and(f64::is_finite) {
                        sheet.number(c, v);
                    } else {
                        sheet.text(c, v, PLAIN);
                    }
                    v
                }
                ("boolean", _) => {
                    let s = if v == "true" { "はい" } else { "いいえ" };
                    sheet.text(c, s, PLAIN);
                    s
                }
                _ => {
                    sheet.text(c, v, PLAIN);
                    v
                }
            };
            if r < MEASURED {
                let w = width(shown.lines().next().unwrap_or(""));
                if w > widths[c] {
                    widths[c] = w;
                }
            }
        }
    }
    let widths: Vec<f64> = widths
        .iter()
        .map(|w| (*w as f64 + 2.0).clamp(6.0, 60.0))
        .collect();
    sheet.finish(2, &widths)
}

pub fn workbook(p: &Publication, tables: &[Table]) -> Result<Vec<u8>, PublishError> {
    let mut used = Vec::new();
    let mut wareki_of = std::collections::HashMap::new();
    let mut sheets: Vec<(String, String)> = vec![(sheet_name("説明", &mut used), about_sheet(p))];
    for t in tables {
        let name = sheet_name(t.title(), &mut used);
        sheets.push((name, table_sheet(t, &mut wareki_of)));
    }

    let n = sheets.len();
    let mut content_types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         <Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
    );
    let mut workbook = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <bookViews><workbookView/></bookViews><sheets>",
    );
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for (i, (name, _)) in sheets.iter().enumerate() {
        let k = i + 1;
        let _ = write!(
            content_types,
            "<Override PartName=\"/xl/worksheets/sheet{k}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        );
        let _ = write!(
            workbook,
            "<sheet name=\"{}\" sheetId=\"{k}\" r:id=\"rId{k}\"/>",
            escaped(name)
        );
        let _ = write!(
            rels,
            "<Relationship Id=\"rId{k}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{k}.xml\"/>"
        );
    }
    content_types.push_str("</Types>");
    workbook.push_str("</sheets></workbook>");
    let _ = write!(
        rels,
        "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>",
        n + 1
    );
    let root_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
        <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
        <Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
        </Relationships>";
    // A fixed creation time (the publication date) keeps the bytes stable.
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>gyokaku</dc:creator>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{}T00:00:00Z</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}T00:00:00Z</dcterms:modified>\
         </cp:coreProperties>",
        escaped(&format!("{} {}", p.doc.header.city.name, p.doc.header.plan.title)),
        escaped(&p.published_on),
        escaped(&p.published_on)
    );
    let app = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
        <Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
        <Application>gyokaku</Application></Properties>";

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Fast compression (the time otherwise goes into deflating), and the
    // zip's default timestamp (1980-01-01): the same data, the same bytes.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let mut put = |name: &str, body: &[u8]| -> Result<(), PublishError> {
        zip.start_file(name, options).map_err(zip_err)?;
        zip.write_all(body)?;
        Ok(())
    };
    put("[Content_Types].xml", content_types.as_bytes())?;
    put("_rels/.rels", root_rels.as_bytes())?;
    put("docProps/core.xml", core.as_bytes())?;
    put("docProps/app.xml", app.as_bytes())?;
    put("xl/workbook.xml", workbook.as_bytes())?;
    put("xl/_rels/workbook.xml.rels", rels.as_bytes())?;
    put("xl/styles.xml", STYLES.as_bytes())?;
    for (i, (_, xml)) in sheets.iter().enumerate() {
        put(&format!("xl/worksheets/sheet{}.xml", i + 1), xml.as_bytes())?;
    }
    let cursor = zip.finish().map_err(zip_err)?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            super::escaped("a<b>&\"c\"\u{1}\r\n"),
            "a&lt;b&gt;&amp;&quot;c&quot;\n"
        );
    }

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
