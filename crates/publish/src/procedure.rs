//! The one publish procedure, used by the CLI and the web app alike: read
//! the plan in one snapshot, render every output, write them into a new
//! folder beside the target, swap it in, and audit who published what.

use std::path::{Path, PathBuf};

use serde_json::json;

use gyokaku_domain::FiscalYear;
use gyokaku_store::{PlanRef, SqlStore};

use crate::{write_all, FontSet, Publication, PublishError};

/// Today's date in Japan (`YYYY-MM-DD`), the default publication date.
pub fn today_in_japan() -> String {
    let now = gyokaku_store::now_iso();
    gyokaku_domain::present::jst_date(&now)
        .map(gyokaku_domain::present::iso_text)
        .unwrap_or_else(|| now.chars().take(10).collect())
}

/// What a publication wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub target: PathBuf,
    /// Files written, relative to the target.
    pub files: Vec<String>,
}

/// Publishes a closed year of `plan` into `target`, replacing what was
/// there: readers see the old publication or the new one, never half of
/// one, and a run killed midway leaves the old folder in place. Audited as
/// `publish` by `actor`.
pub async fn publish(
    store: &SqlStore,
    plan: &PlanRef,
    fy: FiscalYear,
    published_on: &str,
    target: &Path,
    fonts: Option<FontSet>,
    actor: &str,
) -> Result<Published, PublishError> {
    let p = Publication::load(store, plan, fy, published_on).await?;
    let dir = target.to_path_buf();
    // Rendering (typst above all) is CPU work: off the async runtime.
    let files = tokio::task::spawn_blocking(move || write_swapped(&p, &dir, fonts.as_ref()))
        .await
        .map_err(|e| PublishError::Io(std::io::Error::other(format!("publishing task: {e}"))))??;
    store
        .audit_event(
            plan,
            "publish",
            "publication",
            &fy.year().to_string(),
            json!({
                "date": published_on,
                "files": files.len(),
                "target": target.display().to_string(),
            }),
            actor,
        )
        .await?;
    Ok(Published {
        target: target.to_path_buf(),
        files,
    })
}

/// Hidden names beside the target: `.NAME.new-…` while writing,
/// `.NAME.old-…` for the moment of the swap.
fn sibling(parent: &Path, name: &str, kind: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    parent.join(format!(".{name}.{kind}-{}-{nanos}", std::process::id()))
}

/// Leftovers of earlier runs that were killed: a folder being written is
/// removed; a folder moved aside for the swap, with no target in its
/// place, is put back first.
fn recover(parent: &Path, name: &str, target: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let (new, old) = (format!(".{name}.new-"), format!(".{name}.old-"));
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&old) && !target.exists() {
            std::fs::rename(entry.path(), target)?;
        } else if file.starts_with(&new) || file.starts_with(&old) {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// Writes a publication into a fresh folder beside `target`, then swaps it
/// in. Pages of an earlier publication that this one no longer has are
/// gone with the old folder.
fn write_swapped(
    p: &Publication,
    target: &Path,
    fonts: Option<&FontSet>,
) -> Result<Vec<String>, PublishError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            PublishError::Io(std::io::Error::other(format!(
                "{} は公表先のフォルダ名として使えません / not a folder to publish into",
                target.display()
            )))
        })?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    if target.exists() && !target.is_dir() {
        return Err(PublishError::Io(std::io::Error::other(format!(
            "{} はフォルダではありません / is not a folder",
            target.display()
        ))));
    }
    recover(&parent, &name, target)?;
    let tmp = sibling(&parent, &name, "new");
    let files = match write_all(p, &tmp, fonts) {
        Ok(f) => f,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if target.exists() {
        let old = sibling(&parent, &name, "old");
        std::fs::rename(target, &old)?;
        std::fs::rename(&tmp, target)?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(&tmp, target)?;
    }
    Ok(files)
}
