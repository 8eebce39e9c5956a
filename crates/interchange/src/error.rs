//! Located import errors: every problem names the file and where in it
//! (YAML path, or CSV row and column) and says what was expected, in
//! Japanese and English.

use std::fmt;
use std::path::PathBuf;

use gyokaku_domain::Bilingual;

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (missing, unreadable).
    File,
    /// A YAML position: the path to the value (`nodes[2].departments[0]`)
    /// and, where the parser knows them, line and column (1-based).
    Yaml {
        path: String,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// A CSV cell: row as a spreadsheet shows it (header = 1) and column name.
    Csv { row: u64, column: Option<String> },
    /// A workbook cell: sheet and cell reference (`実績値!C3`), with the
    /// column's name.
    Cell {
        sheet: String,
        cell: String,
        column: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: PathBuf,
    pub location: Location,
    pub ja: String,
    pub en: String,
}

impl ImportError {
    pub fn new(
        file: impl Into<PathBuf>,
        location: Location,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ImportError {
            file: file.into(),
            location,
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn from_bilingual(file: impl Into<PathBuf>, location: Location, e: &dyn Bilingual) -> Self {
        Self::new(file, location, e.ja(), e.en())
    }

    pub fn yaml(
        file: impl Into<PathBuf>,
        path: impl Into<String>,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self::new(
            file,
            Location::Yaml {
                path: path.into(),
                line: None,
                column: None,
            },
            ja,
            en,
        )
    }

    /// `file:line:column` or `file [path]` or `file row N, column C`.
    pub fn where_(&self) -> String {
        let f = self.file.display();
        match &self.location {
            Location::File => f.to_string(),
            Location::Yaml {
                path,
                line: Some(l),
                column: Some(c),
            } if path.is_empty() => format!("{f}:{l}:{c}"),
            Location::Yaml {
                path,
                line: Some(l),
                column: Some(c),
            } => format!("{f}:{l}:{c} [{path}]"),
            Location::Yaml { path, .. } => format!("{f} [{path}]"),
            Location::Csv {
                row,
                column: Some(c),
            } => format!("{f} row {row}, column {c}"),
            Location::Csv { row, column: None } => format!("{f} row {row}"),
            Location::Cell {
                sheet,
                cell,
                column,
            } => format!("{f} {sheet}!{cell} ({column})"),
        }
    }
}

impl ImportError {
    /// `where_` for a Japanese page: `file 3行目 value列`, `file 実績値!C3（value）`.
    pub fn where_ja(&self) -> String {
        let f = self.file.display();
        match &self.location {
            Location::Csv {
                row,
                column: Some(c),
            } => format!("{f} {row}行目 {c}列"),
            Location::Csv { row, column: None } => format!("{f} {row}行目"),
            Location::Cell {
                sheet,
                cell,
                column,
            } => format!("{f} {sheet}!{cell}（{column}）"),
            _ => self.where_(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} / {}", self.where_(), self.ja, self.en)
    }
}

/// All the problems found in one folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} 件のエラー / {} error(s):",
            self.0.len(),
            self.0.len()
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// Problems writing a plan folder.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot serialise {path}: {message}")]
    Serialise { path: PathBuf, message: String },
}
