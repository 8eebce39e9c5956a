//! Reading a plan folder: each file parsed on its own so that one broken
//! file does not hide the problems of the others, then cross-checked.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use gyokaku_domain::{GlossaryTerm, Indicator, Node, Organisation, PlanDocument, PlanHeader};

use crate::error::{ImportError, ImportErrors, Location};
use crate::{tables, validate};

pub(crate) const PLAN: &str = "plan.yaml";
pub(crate) const DEPARTMENTS: &str = "departments.yaml";
pub(crate) const NODES: &str = "nodes.yaml";
pub(crate) const INDICATORS: &str = "indicators.yaml";
pub(crate) const GLOSSARY: &str = "glossary.yaml";
pub(crate) const FISCAL: &str = "fiscal_ratios.csv";
pub(crate) const PROGRESS: &str = "progress.csv";
pub(crate) const INDICATOR_VALUES: &str = "indicator_values.csv";

/// Reads and checks a plan folder. On any problem returns all of them; the
/// caller writes nothing.
pub fn read_plan_dir(dir: &Path) -> Result<PlanDocument, ImportErrors> {
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return Err(ImportErrors(vec![ImportError::new(
            dir,
            Location::File,
            "フォルダが見つかりません（計画フォルダを指定してください）",
            "folder not found (give a plan folder)",
        )]));
    }
    let header: Option<PlanHeader> = yaml_file(dir, PLAN, true, &mut errors);
    let organisation: Option<Organisation> = yaml_file(dir, DEPARTMENTS, true, &mut errors);
    let nodes: Option<Vec<Node>> = yaml_file(dir, NODES, true, &mut errors);
    let indicators: Option<Vec<Indicator>> = yaml_file(dir, INDICATORS, false, &mut errors);
    let glossary: Option<Vec<GlossaryTerm>> = yaml_file(dir, GLOSSARY, false, &mut errors);
    let fiscal = tables::read_fiscal(&dir.join(FISCAL), &mut errors);
    let (header, organisation, nodes) = match (header, organisation, nodes) {
        (Some(h), Some(o), Some(n)) => (h, o, n),
        _ => return Err(ImportErrors(errors)),
    };
    let mut doc = PlanDocument {
        header,
        organisation,
        nodes,
        indicators: indicators.unwrap_or_default(),
        glossary: glossary.unwrap_or_default(),
        fiscal,
        progress: Vec::new(),
        indicator_values: Vec::new(),
    };
    validate::check_plan(dir, &mut doc, &mut errors);
    doc.progress = tables::read_progress(&dir.join(PROGRESS), &doc, &mut errors);
    doc.indicator_values =
        tables::read_indicator_values(&dir.join(INDICATOR_VALUES), &doc, &mut errors);
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(ImportErrors(errors))
    }
}

/// Checks a plan made in memory (the web app's new plans and drafts) as
/// `check` checks a folder: every problem, each named by the file and field
/// a folder would hold it in (`plan/nodes.yaml [id=1-2].title`).
pub fn check_document(doc: &mut PlanDocument) -> Result<(), ImportErrors> {
    let mut errors = Vec::new();
    validate::check_plan(Path::new("plan"), doc, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ImportErrors(errors))
    }
}

/// The most a plan folder's file may hold: far above any plan (石岡's
/// largest file is under 100 KiB), far below what would strain memory.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole file, refusing one larger than [`MAX_FILE_BYTES`] before
/// reading more than that (the size is checked while reading, not trusted
/// from the file system).
pub(crate) fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "ファイルが大きすぎます（上限 {} MiB） / the file is larger than {} MiB",
                MAX_FILE_BYTES >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Parses one YAML file; `None` (with an error recorded) when it is missing
/// and required, or does not parse. A missing optional file is `None`
/// without an error.
fn yaml_file<T: DeserializeOwned>(
    dir: &Path,
    name: &str,
    required: bool,
    errors: &mut Vec<ImportError>,
) -> Option<T> {
    let path: PathBuf = dir.join(name);
    let text = match read_bounded(&path).and_then(|b| {
        String::from_utf8(b).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if required {
                errors.push(ImportError::new(
                    &path,
                    Location::File,
                    format!("必須のファイル {name} がありません"),
                    format!("required file {name} is missing"),
                ));
            }
            return None;
        }
        Err(e) => {
            errors.push(ImportError::new(
                &path,
                Location::File,
                format!("読み込めません（UTF-8 のテキストが必要です）: {e}"),
                format!("cannot read (UTF-8 text expected): {e}"),
            ));
            return None;
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    match serde_norway::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, column) = e
                .location()
                .map_or((None, None), |l| (Some(l.line()), Some(l.column())));
            let message = e.to_string();
            // serde_norway prefixes the YAML path ("nodes[2].level: …").
            let (path_part, what) = match message.split_once(": ") {
                Some((p, rest)) if !p.contains(' ') => (p.to_string(), rest.to_string()),
                _ => (String::new(), message.clone()),
            };
            errors.push(ImportError::new(
                &path,
                Location::Yaml {
                    path: path_part,
                    line,
                    column,
                },
                format!("YAML の内容が形式に合いません: {what}"),
                format!("YAML does not match the format: {what}"),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_bound_is_refused_without_reading_it_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.yaml");
        let f = std::fs::File::create(&path).unwrap();
        // Sparse: no disk used, but the reader sees 64 MiB + 1 byte.
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let err = read_bounded(&path).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("larger than 64 MiB"), "{err}");
        let mut errors = Vec::new();
        let none: Option<serde_norway::Value> =
            yaml_file(dir.path(), "plan.yaml", true, &mut errors);
        assert!(none.is_none());
        assert!(errors[0].to_string().contains("64 MiB"), "{}", errors[0]);
        f.set_len(10).unwrap();
        assert_eq!(read_bounded(&path).unwrap().len(), 10);
    }
}
