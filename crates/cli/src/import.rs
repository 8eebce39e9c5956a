//! `gyokaku import`: plan folders into the store, all or nothing per
//! folder. A folder of a plan already stored becomes the plan's next
//! revision (見直し), merged by node and indicator id: nodes it no longer
//! lists are retired, and every report, review, cycle and actual stays. A
//! folder that says what the stored plan already says imports nothing
//! (export → import is a no-op). Replacing a stored plan is an explicit,
//! destructive option: the store refuses a plan with cycles, reviews or
//! unaccepted reports unless history is discarded on purpose, and then this
//! command writes a backup first.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use gyokaku_domain::revision::{self, RevisionOptions};
use gyokaku_domain::{Bilingual, PlanDocument};
use gyokaku_interchange::PlanFiles;
use gyokaku_store::{OnExisting, PlanRef, SqlStore, StoreError};

/// What to do with a plan that is already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Make the folder its next revision, with what the options say of it.
    Revise(RevisionOptions),
    /// Replace it while it has no workflow history.
    Replace,
    /// Replace it with its history, after writing a backup.
    DiscardHistory,
}

pub async fn import(
    store: &SqlStore,
    dirs: &[PathBuf],
    mode: Mode,
    backup_root: Option<&Path>,
    base: Option<u32>,
) -> anyhow::Result<()> {
    let bar = (dirs.len() > 1 && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(dirs.len() as u64));
    for dir in dirs {
        let pb = crate::spinner(format!("{} を取り込み中 / importing", dir.display()));
        let doc = gyokaku_interchange::read_plan_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?;
        let plan = PlanRef {
            city: doc.header.city.code,
            plan: doc.header.plan.id.clone(),
        };
        let stored = match store.export_plan(&plan).await {
            Ok(stored) => Some(stored),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => anyhow::bail!(e.both()),
        };
        if let Some(stored) = &stored {
            if same(stored, &doc)? {
                if let Some(pb) = pb {
                    pb.finish_and_clear();
                }
                println!(
                    "変更はありません（取り込みなし） / unchanged, nothing imported: {} {} ({}/{})",
                    doc.header.city.name, doc.header.plan.title, plan.city, plan.plan
                );
                continue;
            }
        }
        let on = match &mode {
            Mode::Revise(options) => {
                if stored.is_some() {
                    // The folder is compared with the revision read above:
                    // another recorded meanwhile makes this one a conflict.
                    let base = match base {
                        Some(b) => Some(b),
                        None => store
                            .revisions(&plan)
                            .await
                            .map_err(|e| anyhow::anyhow!(e.both()))?
                            .last()
                            .map(|r| r.number),
                    };
                    let r = store
                        .revise_plan(&doc, options, base, "cli")
                        .await
                        .map_err(|e| anyhow::anyhow!("{}: {}", dir.display(), e.both()))?;
                    if let Some(pb) = pb {
                        pb.finish_and_clear();
                    }
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                    report_revision(&doc, &plan, &r);
                    continue;
                }
                OnExisting::Refuse
            }
            Mode::Replace => OnExisting::Replace,
            Mode::DiscardHistory => OnExisting::DiscardHistory,
        };
        if mode == Mode::DiscardHistory && stored.is_some() {
            let at = backup(store, &plan, backup_root).await?;
            eprintln!(
                "バックアップを書き出しました / backed up to: {}",
                at.display()
            );
        }
        store
            .import_plan(&doc, on, "cli")
            .await
            .map_err(|e| anyhow::anyhow!(e.both()))?;
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
        println!(
            "取り込みました / imported: {} {} ({}/{}, {} rows)",
            doc.header.city.name,
            doc.header.plan.title,
            plan.city,
            plan.plan,
            doc.count_rows()
        );
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(())
}

/// Says what an import of an existing plan did.
fn report_revision(doc: &PlanDocument, plan: &PlanRef, r: &gyokaku_store::Revised) {
    match r {
        gyokaku_store::Revised::Unchanged => println!(
            "変更はありません（改訂なし） / unchanged, no revision: {} {} ({}/{})",
            doc.header.city.name, doc.header.plan.title, plan.city, plan.plan
        ),
        gyokaku_store::Revised::Revision {
            number,
            entry,
            changes,
        } => {
            for c in changes {
                println!("{}", c.line(gyokaku_domain::present::Lang::Ja));
            }
            let from = entry.applies_from.map(|y| y.wareki()).unwrap_or_default();
            println!(
                "改訂 {number}（{}、{from}から）を記録しました（{} 件の変更） / recorded revision {number} ({}, from {}; {} change(s)): {} ({}/{})",
                entry.kind,
                changes.len(),
                entry.kind,
                entry.applies_from.map(|y| y.english()).unwrap_or_default(),
                changes.len(),
                doc.header.plan.title,
                plan.city,
                plan.plan
            );
        }
    }
}

/// Whether two plans write the same canonical files.
fn same(a: &PlanDocument, b: &PlanDocument) -> anyhow::Result<bool> {
    Ok(PlanFiles::render(a)?.0 == PlanFiles::render(b)?.0)
}

/// Writes the stored plan (as a plan folder, every report included) and its
/// history (cycles, reports with their states, the review threads) into a
/// new folder `gyokaku-backup-CITY-PLAN-UTCSTAMP` under `root` (default:
/// the current folder); returns the folder.
async fn backup(store: &SqlStore, plan: &PlanRef, root: Option<&Path>) -> anyhow::Result<PathBuf> {
    // 2026-12-03T14:05:09Z → 20261203T140509Z: a file name everywhere.
    let stamp: String = gyokaku_store::now_iso()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let dir = root.unwrap_or(Path::new(".")).join(format!(
        "gyokaku-backup-{}-{}-{stamp}",
        plan.city, plan.plan
    ));
    anyhow::ensure!(!dir.exists(), "{} exists already", dir.display());
    let doc = store
        .export_plan(plan)
        .await
        .map_err(|e| anyhow::anyhow!(e.both()))?;
    let snap = store
        .snapshot(plan)
        .await
        .map_err(|e| anyhow::anyhow!(e.both()))?;
    gyokaku_interchange::write_plan_dir(&doc, &dir.join("plan"))?;
    let reports: Vec<serde_json::Value> = snap
        .reports
        .iter()
        .map(|r| {
            let g = &r.progress;
            serde_json::json!({
                "node": g.node,
                "fy": g.fy.year(),
                "state": r.state.key(),
                "status": g.status,
                "result": g.result,
                "self_evaluation": g.self_evaluation,
                "direction": g.direction.map(|d| d.ja()),
                "spending_cut_yen": g.spending_cut.map(|y| y.0),
                "revenue_yen": g.revenue.map(|y| y.0),
                "demo": g.demo,
            })
        })
        .collect();
    let history = serde_json::json!({
        "plan": format!("{}/{}", plan.city, plan.plan),
        "written_at": stamp,
        "cycles": snap.cycles,
        "reports": reports,
        "reviews": snap.reviews,
    });
    std::fs::write(
        dir.join("history.json"),
        serde_json::to_string_pretty(&history)? + "\n",
    )
    .with_context(|| format!("cannot write {}", dir.display()))?;
    Ok(dir)
}

/// `import --dry-run`: each folder checked and compared with the stored
/// plan; nothing written.
pub async fn dry_run(
    store: &SqlStore,
    dirs: &[PathBuf],
    options: &RevisionOptions,
) -> anyhow::Result<()> {
    for dir in dirs {
        let doc = gyokaku_interchange::read_plan_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?;
        let plan = PlanRef {
            city: doc.header.city.code,
            plan: doc.header.plan.id.clone(),
        };
        match store.export_plan(&plan).await {
            Ok(stored) => {
                println!(
                    "{} ({}/{}): 保存済みの計画との違い / against the stored plan",
                    dir.display(),
                    plan.city,
                    plan.plan
                );
                let (a, b) = (revision::structure(&stored), revision::structure(&doc));
                if revision::same_structure(&a, &b) {
                    println!("変更はありません（改訂なし） / unchanged, no revision");
                    continue;
                }
                match revision::prepare(&stored, &doc, options) {
                    Ok((next, entry)) => {
                        print_diff(&a, &next, gyokaku_domain::present::Lang::Ja, false)?;
                        println!(
                            "改訂として記録されます: {}、{}から / would be recorded as a revision: {}, from {}",
                            entry.kind,
                            entry.applies_from.map(|y| y.wareki()).unwrap_or_default(),
                            entry.kind,
                            entry.applies_from.map(|y| y.english()).unwrap_or_default()
                        );
                    }
                    Err(m) => {
                        // Still show what differs; say what the import needs.
                        print_diff(&a, &b, gyokaku_domain::present::Lang::Ja, false)?;
                        println!(
                            "改訂として取り込むには: {} / to import it as a revision: {}",
                            m.ja, m.en
                        );
                    }
                }
            }
            Err(StoreError::NotFound(_)) => println!(
                "{} ({}/{}): 新しい計画として取り込まれます（{} 行） / would be imported as a new plan ({} rows)",
                dir.display(),
                plan.city,
                plan.plan,
                doc.count_rows(),
                doc.count_rows()
            ),
            Err(e) => anyhow::bail!(e.both()),
        }
    }
    println!("書き込みはしていません / nothing was written (--dry-run)");
    Ok(())
}

/// Prints the changes from `old` to `new`: one line each, or JSON.
pub fn print_diff(
    old: &PlanDocument,
    new: &PlanDocument,
    lang: gyokaku_domain::present::Lang,
    json: bool,
) -> anyhow::Result<()> {
    let changes = gyokaku_domain::diff::diff(old, new);
    if json {
        let rows: Vec<serde_json::Value> = changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "kind": c.kind.key(),
                    "subject": c.subject.label(gyokaku_domain::present::Lang::En),
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if changes.is_empty() {
        println!("変更はありません / no changes");
    } else {
        for c in &changes {
            println!("{}", c.line(lang));
        }
        println!("{} 件の変更 / {} change(s)", changes.len(), changes.len());
    }
    Ok(())
}
