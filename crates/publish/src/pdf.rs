//! 実施状況報告書 — the PDF report of a publication (A4, Japanese): cover,
//! contents, the status summaries with charts, a section per top-level
//! policy with its items, indicators, fiscal ratios, meetings and opinions,
//! glossary.
//!
//! Typeset with the typst library: the template (`typst/report.typ`) is
//! built in, the publication reaches it as JSON (`/data.json`, read with
//! `json()`, so no plan text is ever parsed as markup), the fonts are the
//! ones [`FontSet`] found, nothing is downloaded and `datetime.today()` is
//! the publication date. The same publication gives the same bytes.

mod fonts;
mod printed;
mod report;

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::model::Publication;
use crate::PublishError;

pub use fonts::{FontSet, DEFAULT_FONT_DIR, FONT_DIR_ENV};

/// The report's template.
const TEMPLATE: &str = include_str!("../typst/report.typ");
const MAIN_PATH: &str = "/report.typ";
const DATA_PATH: &str = "/data.json";

/// The standard library, built once per process.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A rendered report.
#[derive(Debug, Clone)]
pub struct PdfReport {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Typst's warnings (none expected; tests check).
    pub warnings: Vec<String>,
}

/// Renders the report of `p` as PDF bytes.
pub fn render_pdf(p: &Publication, fonts: &FontSet) -> Result<Vec<u8>, PublishError> {
    render_report(p, fonts).map(|r| r.bytes)
}

/// Renders the report of `p`, with page count and typst's warnings.
pub fn render_report(p: &Publication, fonts: &FontSet) -> Result<PdfReport, PublishError> {
    let data = serde_json::to_vec(&report::build(p, fonts.families()))
        .map_err(|e| PublishError::Pdf(e.to_string()))?;
    let date = date_of(&p.published_on)?;
    let world = ReportWorld::new(fonts, data, date)?;
    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<String> = warnings.iter().map(|d| world.describe(d)).collect();
    let document = output.map_err(|errors| world.failure(&errors))?;
    let options = PdfOptions {
        // A stable identity: the same report keeps its PDF identifier.
        ident: Smart::Custom(format!(
            "gyokaku-{}-{}-{}",
            p.lgcode(),
            p.plan_id(),
            p.fy.year()
        )),
        creator: Smart::Custom(Some("gyokaku".into())),
        // The declared publication date (JST) is the document's date.
        timestamp: Datetime::from_ymd_hms(date.0, date.1, date.2, 0, 0, 0)
            .and_then(|d| Timestamp::new_local(d, 9 * 60)),
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| world.failure(&errors))?;
    // Typst memoises across compilations; keep a long-running process
    // (the web app) from holding every report it ever made.
    typst::comemo::evict(10);
    Ok(PdfReport {
        bytes,
        pages: document.pages().len(),
        warnings,
    })
}

/// `YYYY-MM-DD` as (year, month, day).
fn date_of(s: &str) -> Result<(i32, u8, u8), PublishError> {
    let bad = || PublishError::Date(s.to_string());
    let mut parts = s.splitn(3, '-');
    let mut next = || parts.next().ok_or_else(bad);
    let y = next()?.parse().map_err(|_| bad())?;
    let m = next()?.parse().map_err(|_| bad())?;
    let d = next()?.parse().map_err(|_| bad())?;
    Datetime::from_ymd(y, m, d).ok_or_else(bad)?;
    Ok((y, m, d))
}

/// The world typst sees: the template, the data, the fonts, a fixed today.
struct ReportWorld<'a> {
    fonts: &'a FontSet,
    main_id: FileId,
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Datetime,
}

fn file_id(path: &str) -> Result<FileId, PublishError> {
    let vpath = VirtualPath::new(path).map_err(|e| PublishError::Pdf(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl<'a> ReportWorld<'a> {
    fn new(
        fonts: &'a FontSet,
        data: Vec<u8>,
        (y, m, d): (i32, u8, u8),
    ) -> Result<Self, PublishError> {
        let main_id = file_id(MAIN_PATH)?;
        Ok(ReportWorld {
            fonts,
            main_id,
            main: Source::new(main_id, TEMPLATE.to_string()),
            data_id: file_id(DATA_PATH)?,
            data: Bytes::new(data),
            today: Datetime::from_ymd(y, m, d)
                .ok_or(PublishError::Date(format!("{y:04}-{m:02}-{d:02}")))?,
        })
    }

    /// A diagnostic as one line: message, and the template text it is about.
    fn describe(&self, d: &SourceDiagnostic) -> String {
        let at = self
            .range(d.span)
            .and_then(|r| self.main.text().get(r))
            .map(|t| format!(" (at `{}`)", t.chars().take(60).collect::<String>()))
            .unwrap_or_default();
        let hints: String = d.hints.iter().map(|h| format!("; {}", h.v)).collect();
        format!("{}{at}{hints}", d.message)
    }

    fn failure(&self, errors: &[SourceDiagnostic]) -> PublishError {
        PublishError::Pdf(
            errors
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| self.describe(d))
                .collect::<Vec<_>>()
                .join(" / "),
        )
    }
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main_id {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(
                id.get()
                    .vpath()
                    .get_with_slash()
                    .trim_start_matches('/')
                    .into(),
            ))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main_id {
            Ok(Bytes::from_string(TEMPLATE))
        } else {
            Err(FileError::NotFound(
                id.get()
                    .vpath()
                    .get_with_slash()
                    .trim_start_matches('/')
                    .into(),
            ))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
