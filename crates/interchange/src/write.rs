//! Writing a plan folder in canonical form.

use std::collections::HashMap;
use std::path::Path;

use gyokaku_domain::{walk_nodes, PlanDocument};

use crate::error::ExportError;
use crate::read::{
    DEPARTMENTS, FISCAL, GLOSSARY, INDICATORS, INDICATOR_VALUES, NODES, PLAN, PROGRESS,
};
use crate::tables;

/// The files of a plan folder: name and bytes, in a fixed order.
pub struct PlanFiles(pub Vec<(&'static str, Vec<u8>)>);

fn yaml<T: serde::Serialize>(name: &str, v: &T) -> Result<Vec<u8>, ExportError> {
    serde_norway::to_string(v)
        .map(String::into_bytes)
        .map_err(|e| ExportError::Serialise {
            path: name.into(),
            message: e.to_string(),
        })
}

impl PlanFiles {
    /// The canonical bytes of every file of `doc`. Optional files that would
    /// be empty are left out.
    pub fn render(doc: &PlanDocument) -> Result<PlanFiles, ExportError> {
        let mut files = vec![
            (PLAN, yaml(PLAN, &doc.header)?),
            (DEPARTMENTS, yaml(DEPARTMENTS, &doc.organisation)?),
            (NODES, yaml(NODES, &doc.nodes)?),
        ];
        if !doc.indicators.is_empty() {
            files.push((INDICATORS, yaml(INDICATORS, &doc.indicators)?));
        }
        if !doc.glossary.is_empty() {
            files.push((GLOSSARY, yaml(GLOSSARY, &doc.glossary)?));
        }
        if let Some(b) = tables::fiscal_csv(&doc.fiscal) {
            files.push((FISCAL, b));
        }
        let node_order: HashMap<&str, usize> = walk_nodes(&doc.nodes)
            .iter()
            .enumerate()
            .map(|(i, (n, _, _))| (n.id.as_str(), i))
            .collect();
        let ind_order: HashMap<&str, usize> = doc
            .indicators
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        if let Some(b) = tables::progress_csv(&doc.progress, &|id| {
            node_order.get(id).copied().unwrap_or(usize::MAX)
        }) {
            files.push((PROGRESS, b));
        }
        if let Some(b) = tables::indicator_values_csv(&doc.indicator_values, &|id| {
            ind_order.get(id).copied().unwrap_or(usize::MAX)
        }) {
            files.push((INDICATOR_VALUES, b));
        }
        Ok(PlanFiles(files))
    }
}

/// Writes `doc` into `dir` (created if needed). Files are written to a
/// temporary name and renamed, so a failed export leaves no half file.
pub fn write_plan_dir(doc: &PlanDocument, dir: &Path) -> Result<(), ExportError> {
    let files = PlanFiles::render(doc)?;
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.into(),
        source,
    })?;
    for (name, bytes) in files.0 {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, &bytes).map_err(|source| ExportError::Io {
            path: tmp.clone(),
            source,
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| ExportError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}
