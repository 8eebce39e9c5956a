//! Publication (実施状況の公表): a closed fiscal year of a plan written as
//! files any static host can serve and any reader can process — open data
//! with a Frictionless data package, the same tables as a workbook, the
//! static site and the PDF report. The same data always gives the same
//! bytes; only the declared publication date varies.
#![forbid(unsafe_code)]

pub mod charts;
pub mod model;
pub mod opendata;
pub mod pdf;
pub mod procedure;
pub mod site;
pub mod xlsx;

use gyokaku_domain::{Bilingual, FiscalYear};

pub use model::{Entry, Publication};
pub use pdf::{render_pdf, FontSet};
pub use procedure::{publish, today_in_japan, Published};

/// What can stop a publication.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{}", self.both())]
    Open(FiscalYear),
    #[error("{}", self.both())]
    Date(String),
    #[error("{0}")]
    Store(gyokaku_store::StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// No font for Japanese text where fonts were looked for.
    #[error("{}", self.both())]
    NoFonts { searched: String },
    /// Typst could not typeset the report (a fault of the template).
    #[error("{}", self.both())]
    Pdf(String),
}

impl Bilingual for PublishError {
    fn ja(&self) -> String {
        match self {
            PublishError::Open(fy) => format!(
                "{}はまだ報告を受け付けています。年度を締め切ってから公表してください",
                fy.wareki()
            ),
            PublishError::Date(d) => {
                format!("公表日「{d}」は YYYY-MM-DD の形で書いてください")
            }
            PublishError::Store(e) => e.ja(),
            PublishError::Io(e) => format!("書き込めません: {e}"),
            PublishError::Csv(e) => format!("CSV を書き込めません: {e}"),
            PublishError::NoFonts { searched } => format!(
                "PDF 報告書に使う日本語フォント（Noto CJK）が見つかりません（探した場所: {searched}）。\
                 `apt-get install fonts-noto-cjk` でインストールするか、環境変数 {} にフォントのあるディレクトリを指定してください\
                 （gyokaku publish は --no-pdf で PDF を省けます）",
                pdf::FONT_DIR_ENV
            ),
            PublishError::Pdf(e) => format!("PDF 報告書を組版できません: {e}"),
        }
    }
    fn en(&self) -> String {
        match self {
            PublishError::Open(fy) => format!(
                "reporting for {} is still open: close the year before publishing it",
                fy.english()
            ),
            PublishError::Date(d) => format!("the publication date '{d}' must be YYYY-MM-DD"),
            PublishError::Store(e) => e.en(),
            PublishError::Io(e) => format!("cannot write: {e}"),
            PublishError::Csv(e) => format!("cannot write CSV: {e}"),
            PublishError::NoFonts { searched } => format!(
                "no Japanese font (Noto CJK) for the PDF report (looked in: {searched}): \
                 install it with `apt-get install fonts-noto-cjk`, or set {} to a directory of fonts \
                 (gyokaku publish --no-pdf leaves the PDF out)",
                pdf::FONT_DIR_ENV
            ),
            PublishError::Pdf(e) => format!("cannot typeset the PDF report: {e}"),
        }
    }
}

/// Writes everything of a publication under `out`: the site (`index.html`,
/// `ja/`, `en/`, `assets/`), `data/` (open data and the same tables as one
/// workbook, `tables.xlsx`) and, given fonts, the PDF report `report.pdf`.
/// Returns the files written, relative to `out`.
pub fn write_all(
    p: &Publication,
    out: &std::path::Path,
    fonts: Option<&FontSet>,
) -> Result<Vec<String>, PublishError> {
    // Typeset first: a report that cannot be made leaves nothing half-written.
    let pdf = fonts.map(|f| render_pdf(p, f)).transpose()?;
    // The open data and the workbook are made beside the site (each output
    // is a function of the data alone, so the order of work changes no
    // byte); the site's data page waits for the list of files.
    let listing = site::Listing::default();
    let (side, site) = std::thread::scope(|scope| {
        let side = scope.spawn(|| {
            // Whatever happens here, the data page must not wait forever.
            struct Release<'a>(&'a site::Listing);
            impl Drop for Release<'_> {
                fn drop(&mut self) {
                    self.0.set(Vec::new());
                }
            }
            let _release = Release(&listing);
            let tables = opendata::tables(p);
            let data = opendata::write(p, &tables, &out.join("data"))?;
            listing.set(data.clone());
            let workbook = xlsx::workbook(p, &tables)?;
            Ok::<_, PublishError>((data, workbook))
        });
        let site = site::write(p, out, &listing, pdf.is_some());
        (side.join(), site)
    });
    let (data, workbook) =
        side.map_err(|_| PublishError::Io(std::io::Error::other("open data thread failed")))??;
    let mut files = site?;
    files.extend(data.iter().map(|(f, _, _)| format!("data/{f}")));
    files.push("data/datapackage.json".into());
    std::fs::write(out.join("data/tables.xlsx"), workbook)?;
    files.push("data/tables.xlsx".into());
    if let Some(bytes) = pdf {
        std::fs::write(out.join("report.pdf"), bytes)?;
        files.push("report.pdf".into());
    }
    Ok(files)
}
