//! `gyokaku plan-workbook`: the plan as an Excel workbook from the command
//! line, for offices that script: download a revision or the draft, a
//! blank workbook, upload an edited one into the draft revision, or turn a
//! filled-in workbook into a plan folder.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Subcommand;
use gyokaku_domain::{Actor, Bilingual};
use gyokaku_interchange::plan_book;
use gyokaku_interchange::workbook::CellError;
use gyokaku_store::{PlanRef, SqlStore};

#[derive(Subcommand, Debug)]
pub enum PlanWorkbookCommand {
    /// 計画を Excel でダウンロード / Write a plan's structure as a workbook.
    ///
    /// The draft revision when there is one, else the latest revision;
    /// --revision N for an earlier one (read only: a workbook of an older
    /// revision cannot be uploaded).
    ///
    /// Example: gyokaku plan-workbook download --city 012131 --plan plan-r2 --out plan.xlsx
    Download {
        #[arg(long)]
        city: String,
        #[arg(long)]
        plan: String,
        #[arg(long)]
        revision: Option<u32>,
        #[arg(long)]
        out: PathBuf,
    },
    /// 新しい計画の白紙のブック / A blank workbook for a new plan.
    ///
    /// Example: gyokaku plan-workbook blank --out new-plan.xlsx
    Blank {
        #[arg(long)]
        out: PathBuf,
    },
    /// 編集したブックを改訂案に取り込む / Upload an edited workbook into the plan's draft revision.
    ///
    /// Prints what changes against the latest revision; with --dry-run
    /// writes nothing. The draft is then adopted in the web app (or with
    /// `gyokaku import` of an exported folder).
    ///
    /// Example: gyokaku plan-workbook upload plan.xlsx --dry-run
    Upload {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// ブックを計画フォルダに書き出す / Turn a filled-in workbook into a plan folder.
    ///
    /// A blank workbook filled in becomes a new plan's folder, ready for
    /// `gyokaku check` and `gyokaku import`.
    ///
    /// Example: gyokaku plan-workbook folder new-plan.xlsx --out /tmp/new-plan
    Folder {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Reads a workbook file within the upload bounds of the web app.
fn read_file(path: &Path) -> anyhow::Result<plan_book::PlanUpload> {
    const MAX_BYTES: u64 = 16 * 1024 * 1024;
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("{}", path.display()))?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        bail!(
            "{}: ファイルが大きすぎます（上限 {} MiB） / the file is larger than {} MiB",
            path.display(),
            MAX_BYTES >> 20,
            MAX_BYTES >> 20
        );
    }
    let name = path.display().to_string();
    plan_book::open(&name, &bytes).map_err(|e| located(&e))
}

fn located(errors: &[CellError]) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    anyhow::anyhow!(
        "{} 件の誤り（何も取り込んでいません） / {} problems (nothing was taken):\n{}",
        errors.len(),
        errors.len(),
        lines.join("\n")
    )
}

fn write(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("{}", out.display()))?;
    println!("書き出しました / written: {}", out.display());
    Ok(())
}

pub async fn run(store: Option<&SqlStore>, command: PlanWorkbookCommand) -> anyhow::Result<()> {
    match command {
        PlanWorkbookCommand::Blank { out } => write(&out, &plan_book::blank()?),
        PlanWorkbookCommand::Folder { file, out } => {
            let upload = read_file(&file)?;
            let doc = upload.read(None).map_err(|e| located(&e))?;
            gyokaku_interchange::write_plan_dir(&doc, &out)?;
            println!("書き出しました / written: {}", out.display());
            Ok(())
        }
        PlanWorkbookCommand::Download {
            city,
            plan,
            revision,
            out,
        } => {
            let store = store.context("no store")?;
            let plan = PlanRef {
                city: gyokaku_domain::LocalGovCode::parse(&city)
                    .map_err(|e| anyhow::anyhow!(e.both()))?,
                plan,
            };
            let w = store
                .structure_or_working(&plan, revision)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            let origin = w.origin();
            let doc = w.doc;
            write(&out, &plan_book::build(&doc, origin)?)
        }
        PlanWorkbookCommand::Upload { file, dry_run } => {
            let store = store.context("no store")?;
            let upload = read_file(&file)?;
            let (city, plan) = upload.key();
            let plan = PlanRef {
                city: gyokaku_domain::LocalGovCode::parse(city.as_deref().unwrap_or(""))
                    .map_err(|e| anyhow::anyhow!("{}: 計画!B3: {}", file.display(), e.both()))?,
                plan: plan.unwrap_or_default(),
            };
            let origin = upload.origin();
            let current = store
                .working(&plan)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?
                .doc;
            let doc = upload.read(Some(&current)).map_err(|e| located(&e))?;
            let latest = store
                .export_plan(&plan)
                .await
                .map(|d| gyokaku_domain::revision::structure(&d))
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            crate::import::print_diff(&latest, &doc, gyokaku_domain::present::Lang::Ja, false)?;
            if dry_run {
                return Ok(());
            }
            if origin.draft.is_none() && gyokaku_domain::revision::same_structure(&latest, &doc) {
                println!("改訂案は作りませんでした / no draft revision made");
                return Ok(());
            }
            let Some(revision) = origin.revision else {
                bail!("{}: 説明!B4: このブックには改訂の番号がありません。計画のブックをダウンロードし直してください / no revision number: download the plan's workbook again", file.display());
            };
            let version = store
                .replace_draft(
                    &plan,
                    &doc,
                    revision,
                    origin.draft,
                    &file.display().to_string(),
                    &Actor::office("cli"),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), e.both()))?;
            println!("改訂案に取り込みました（版 {version}） / taken into the draft revision (version {version})");
            Ok(())
        }
    }
}
