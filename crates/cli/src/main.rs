//! `gyokaku` — the command line: import, export, report, check, demo.
#![forbid(unsafe_code)]

mod bench;
mod bench_publish;
mod bench_web;
mod demo;
mod import;
mod plan_workbook;
mod report;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use gyokaku_domain::{Bilingual, FiscalYear, LocalGovCode};
use gyokaku_store::{OnExisting, PlanRef, SqlStore};

const AFTER_HELP: &str = "\
データベース / Database:
  --db URL または環境変数 GYOKAKU_DB で指定します (sqlite://PATH または postgres://USER@HOST/DB)。
  省略時はユーザーのデータフォルダの SQLite ファイルを使います。
  Choose with --db URL or GYOKAKU_DB (sqlite://PATH or postgres://USER@HOST/DB);
  the default is a SQLite file in your data directory.

例 / Examples:
  gyokaku demo                      (Web アプリ / web app on http://127.0.0.1:8080/)
  gyokaku serve --bind 0.0.0.0:8080
  gyokaku user add --login office --name 行革太郎 --role office
  gyokaku check examples/annaka
  gyokaku import examples/annaka
  gyokaku report status --city 102113 --fy 令和7年度
  gyokaku export --city 102113 --plan taiko-4 --out /tmp/annaka";

#[derive(Parser)]
#[command(
    name = "gyokaku",
    version,
    about = "gyokaku (行革): 行政改革大綱・実施計画を PDCA で進め、公表するためのツール\nRun a city's administrative-reform plan through the PDCA cycle.",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "GYOKAKU_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 計画フォルダを検査する（書き込みなし） / Check a plan folder without writing; lists every problem.
    ///
    /// Example: gyokaku check examples/annaka
    Check { dir: PathBuf },
    /// 計画フォルダを取り込む（全部か無か） / Import a plan folder, all or nothing.
    ///
    /// A plan already stored is revised (見直し): the folder becomes its
    /// next revision, merged by node and indicator id; nodes it no longer
    /// lists are retired, never dropped; every report, review and cycle
    /// stays. The revision's kind, date and first year come from the one
    /// step the folder adds to plan.yaml's revisions, or from the options.
    ///
    /// Example: gyokaku import examples/annaka
    ///          gyokaku import /tmp/annaka --kind 見直し --first-year 令和8年度
    Import {
        /// One or more plan folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Kind of the revision (見直し, 一部改訂, 改訂 …).
        #[arg(long, conflicts_with = "replace")]
        kind: Option<String>,
        /// The date it was decided (2026-03-25, 令和8年3月25日).
        #[arg(long, conflicts_with = "replace")]
        date: Option<String>,
        /// The first fiscal year it applies to (令和8年度, R8, 2026).
        #[arg(long, conflicts_with = "replace")]
        first_year: Option<String>,
        /// Why the plan was revised.
        #[arg(long, conflicts_with = "replace")]
        reason: Option<String>,
        /// The body or meeting that decided it.
        #[arg(long, conflicts_with = "replace")]
        decided_by: Option<String>,
        /// The revision the folder was made from (see `gyokaku revisions`):
        /// if another was stored meanwhile, nothing is written.
        #[arg(long, conflicts_with = "replace")]
        base_revision: Option<u32>,
        /// Replace a plan that is already stored. Refused while the plan
        /// has yearly work on record (cycles, reviews, reports not yet
        /// accepted), unless --discard-history is given too.
        #[arg(long)]
        replace: bool,
        /// With --replace: discard the plan's yearly work. A backup (the
        /// plan folder with every report, and history.json with cycles,
        /// report states and reviews) is written first.
        #[arg(long, requires = "replace")]
        discard_history: bool,
        /// Where the backup folder goes (default: the current folder).
        #[arg(long, requires = "discard_history")]
        backup_dir: Option<PathBuf>,
        /// Check the folders and print what would change against the
        /// stored plans; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// 計画の変更点を示す / What changed between two versions of a plan.
    ///
    /// Nodes and indicators are matched by id: added, removed, moved,
    /// renumbered, changed field by field (targets before → after).
    ///
    /// Example: gyokaku diff examples/annaka /tmp/annaka-revised
    ///          gyokaku diff --city 102113 --plan taiko-4 /tmp/annaka-revised
    ///          gyokaku diff --city 102113 --plan taiko-4 --from 1 --to 2
    Diff {
        /// The old folder, then the new one; with --city and --plan, only
        /// the new folder (compared with the stored plan, or with revision
        /// --from), or none (two stored revisions, --from and --to).
        #[arg(num_args = 0..=2)]
        dirs: Vec<PathBuf>,
        /// With --city and --plan: the stored revision to compare from.
        #[arg(long, requires = "plan")]
        from: Option<u32>,
        /// With --city, --plan and --from: the stored revision to compare
        /// to (default: the latest).
        #[arg(long, requires = "from")]
        to: Option<u32>,
        #[arg(long, requires = "plan")]
        city: Option<String>,
        #[arg(long, requires = "city")]
        plan: Option<String>,
        /// ja or en for the labels (the plan's own text stays as written).
        #[arg(long, default_value = "ja")]
        lang: String,
        /// table (one line per change) or json.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// 計画の改訂履歴 / A stored plan's revisions.
    ///
    /// Example: gyokaku revisions --city 102113 --plan taiko-4
    Revisions {
        #[arg(long)]
        city: String,
        #[arg(long)]
        plan: String,
    },
    /// 計画をフォルダへ書き出す / Export a stored plan as a plan folder.
    ///
    /// Example: gyokaku export --city 102113 --plan taiko-4 --out /tmp/annaka
    Export {
        /// The revision to write (default: the latest).
        #[arg(long)]
        revision: Option<u32>,
        /// 全国地方公共団体コード (6 digits)
        #[arg(long)]
        city: String,
        /// The plan's id within the city (see `gyokaku plans`).
        #[arg(long)]
        plan: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// 登録済みの計画を一覧する / List stored plans.
    Plans,
    /// 計画の Excel / The plan as an Excel workbook.
    #[command(subcommand)]
    PlanWorkbook(plan_workbook::PlanWorkbookCommand),
    /// 報告 / Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// 計画フォルダを正規の形に書き直す / Rewrite a plan folder in canonical form.
    ///
    /// Example: gyokaku fmt examples/annaka
    Fmt { dir: PathBuf },
    /// デモ: 3市の計画と架空の進捗で新しいデータベースを作り、Web アプリを起動する / Fresh demo database and web app.
    ///
    /// Loads 石岡市, 安中市 and 苫小牧市 with generated progress that is marked
    /// as fictional (デモ用の架空データ), opens the last demo year for
    /// reporting, creates one demo login per role and serves the web app.
    /// Without --db it uses a demo file in your data directory, recreated
    /// each time.
    Demo {
        /// Address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Build the database and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Web アプリを起動する / Serve the web app.
    ///
    /// Example: gyokaku --db sqlite://gyokaku.sqlite serve --bind 127.0.0.1:8080
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Mark cookies Secure (set when users reach the app over https).
        #[arg(long, env = "GYOKAKU_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Where published years are written and served from (/site/…);
        /// default: the data directory's `published` folder.
        #[arg(long, env = "GYOKAKU_PUBLISH_DIR")]
        publish_dir: Option<PathBuf>,
    },
    /// 利用者 / Accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// 締め切った年度を公表用ファイルに書き出す / Publish a closed year: open data (CSV + datapackage.json) and the PDF report.
    ///
    /// The PDF needs Japanese fonts: Debian's fonts-noto-cjk, or a directory
    /// of fonts in GYOKAKU_FONT_DIR. Without them publishing fails before
    /// anything is written, unless --no-pdf leaves the report out.
    /// Example: gyokaku publish --city 102113 --plan taiko-4 --fy R7 --out /tmp/pub --date 2026-06-30
    Publish {
        #[arg(long)]
        city: String,
        #[arg(long)]
        plan: Option<String>,
        /// 年度: 2025, 令和7年度, R7 …
        #[arg(long)]
        fy: String,
        #[arg(long)]
        out: PathBuf,
        /// The publication date written into the output (YYYY-MM-DD); today by default.
        #[arg(long)]
        date: Option<String>,
        /// Leave out the PDF report (report.pdf), e.g. where no Japanese font is installed.
        #[arg(long)]
        no_pdf: bool,
    },
    /// 指標の実績を CSV または Excel から取り込む（全部か無か） / Import indicator actuals from a CSV or .xlsx, all or nothing.
    ///
    /// Columns: indicator,fy,value,unit,note (unit may be empty; if given it
    /// must be the indicator's unit). An .xlsx file is read from its first
    /// sheet, with the same header row; errors name the cell (実績値!C3).
    /// Example: gyokaku actuals --city 082058 --plan challenge actuals.csv
    Actuals {
        #[arg(long)]
        city: String,
        #[arg(long)]
        plan: Option<String>,
        file: PathBuf,
    },
    /// 複数団体の財政指標表を取り込む（図表-5 の形、全部か無か） / Import a table of several cities' fiscal ratios, all or nothing.
    ///
    /// Columns as fiscal_ratios.csv: lgcode,city,fy,ratio,value,source.
    /// Example: gyokaku fiscal --city 102113 --plan taiko-4 peers-2024.csv
    Fiscal {
        #[arg(long)]
        city: String,
        #[arg(long)]
        plan: Option<String>,
        file: PathBuf,
    },
    /// ベンチマーク / Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum ReportCommand {
    /// 実施状況の集計（図表-2 の形） / Status summary: count per status, total, share achieved.
    ///
    /// Example: gyokaku report status --city 102113 --fy R7 --format table
    Status {
        #[arg(long)]
        city: String,
        /// The plan id; may be left out when the city has one plan with items.
        #[arg(long)]
        plan: Option<String>,
        /// 年度: 2025, 令和7年度, R7, 2025年度 …
        #[arg(long)]
        fy: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 利用者を追加する / Add an account. The password is read from
    /// GYOKAKU_PASSWORD or, if unset, from the first line of standard input.
    ///
    /// Example: gyokaku user add --login office --name "行革 太郎" --role office
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// office | editor | council | viewer
        #[arg(long)]
        role: String,
        /// A department as CITY/DEPT (e.g. 082058/総務課); repeatable.
        #[arg(long = "dept")]
        depts: Vec<String>,
    },
    /// 利用者を一覧する / List accounts.
    List,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Import a synthetic plan into SQLite (and PostgreSQL with --postgres) and report rows/s.
    ///
    /// Example: gyokaku bench import --items 2000 --years 5 --indicators 3
    Import {
        #[arg(long, default_value_t = 2000)]
        items: usize,
        #[arg(long, default_value_t = 5)]
        years: usize,
        #[arg(long, default_value_t = 3)]
        indicators: usize,
        /// A PostgreSQL URL to benchmark as well.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Load the web app's dashboard and an item page with wrk, beside nginx
    /// serving the same bytes as a static file; needs wrk and nginx.
    ///
    /// Example: gyokaku bench web --items 500 --years 5 --seconds 10
    Web {
        #[arg(long, default_value_t = 500)]
        items: usize,
        #[arg(long, default_value_t = 5)]
        years: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        #[arg(long, default_value_t = 16)]
        connections: u32,
        /// Run the app on this PostgreSQL database instead of SQLite.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Publish a synthetic plan (site + open data) on tmpfs beside Hugo
    /// building the same number of pages; needs Debian's hugo.
    ///
    /// Example: gyokaku bench publish --items 2000 --years 5 --indicators 3
    Publish {
        #[arg(long, default_value_t = 2000)]
        items: usize,
        #[arg(long, default_value_t = 5)]
        years: usize,
        #[arg(long, default_value_t = 3)]
        indicators: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

fn default_db(file: &str) -> anyhow::Result<String> {
    let dir = dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("gyokaku");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(format!("sqlite://{}", dir.join(file).display()))
}

/// What `diff --city --plan` compares: revision `from` (default: the
/// latest) with a folder, or with revision `to` (default: the latest).
async fn stored_pair(
    store: &SqlStore,
    plan: &PlanRef,
    from: Option<u32>,
    to: Option<u32>,
    folder: Option<&PathBuf>,
) -> anyhow::Result<(gyokaku_domain::PlanDocument, gyokaku_domain::PlanDocument)> {
    use gyokaku_domain::revision::structure;
    let both = |e: gyokaku_store::StoreError| anyhow::anyhow!(e.both());
    let revision = |n: Option<u32>| async move {
        match n {
            Some(n) => store.export_revision(plan, n).await.map_err(both),
            None => store.export_plan(plan).await.map_err(both),
        }
    };
    let old = revision(from).await?;
    let new = match folder {
        Some(dir) => gyokaku_interchange::read_plan_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?,
        None if from.is_none() => bail!(
            "比べるフォルダか --from（改訂番号）を指定してください / give a folder to compare, or --from (a revision number)"
        ),
        None => revision(to).await?,
    };
    Ok((structure(&old), structure(&new)))
}

/// The options of `import` that describe a revision, parsed.
fn revision_options(
    kind: Option<String>,
    date: Option<String>,
    first_year: Option<String>,
    reason: Option<String>,
    decided_by: Option<String>,
) -> anyhow::Result<gyokaku_domain::revision::RevisionOptions> {
    Ok(gyokaku_domain::revision::RevisionOptions {
        kind,
        date: date
            .map(|d| {
                gyokaku_domain::PlanDate::parse(&d)
                    .map_err(|e| anyhow::anyhow!("--date: {}", e.both()))
            })
            .transpose()?,
        first_year: first_year
            .map(|y| {
                gyokaku_domain::FiscalYear::parse(&y)
                    .map_err(|e| anyhow::anyhow!("--first-year: {}", e.both()))
            })
            .transpose()?,
        reason,
        decided_by,
    })
}

async fn open(db: &Option<String>) -> anyhow::Result<SqlStore> {
    let url = match db {
        Some(u) => u.clone(),
        None => default_db("gyokaku.sqlite")?,
    };
    SqlStore::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))
}

fn city_code(s: &str) -> anyhow::Result<LocalGovCode> {
    LocalGovCode::parse(s).map_err(|e| anyhow::anyhow!(e.both()))
}

/// A spinner on a terminal, nothing when piped.
pub(crate) fn spinner(msg: String) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message(msg);
    pb.enable_steady_tick(std::time::Duration::from_millis(100));
    Some(pb)
}

async fn pick_plan(
    store: &SqlStore,
    city: LocalGovCode,
    plan: Option<String>,
) -> anyhow::Result<PlanRef> {
    if let Some(plan) = plan {
        return Ok(PlanRef { city, plan });
    }
    let code = city.to_string();
    let with_items: Vec<_> = store
        .list_plans()
        .await?
        .into_iter()
        .filter(|p| p.city_code == code && p.items > 0)
        .collect();
    match with_items.as_slice() {
        [one] => Ok(PlanRef { city, plan: one.plan_id.clone() }),
        [] => bail!("団体 {code} に項目のある計画がありません / no plan with items for {code}"),
        many => bail!(
            "団体 {code} には複数の計画があります。--plan で選んでください / several plans for {code}, choose with --plan: {}",
            many.iter().map(|p| p.plan_id.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

async fn demo(db: &Option<String>, bind: &str, no_serve: bool) -> anyhow::Result<()> {
    let url = match db {
        Some(u) => u.clone(),
        None => {
            let url = default_db("demo.sqlite")?;
            let path = url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            url
        }
    };
    let store = SqlStore::connect(&url)
        .await
        .with_context(|| format!("cannot open {url}"))?;
    let tmp = tempfile::tempdir()?;
    let mut summaries = Vec::new();
    for dir in demo::write_examples(tmp.path())? {
        let mut doc =
            gyokaku_interchange::read_plan_dir(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
        demo::add_demo_progress(&mut doc);
        let all_years = demo::demo_years(&doc);
        let staged = demo::split_last_year(&mut doc);
        let plan = store
            .import_plan(&doc, OnExisting::DiscardHistory, "demo")
            .await
            .map_err(|e| anyhow::anyhow!(e.both()))?;
        let last = staged.first().map(|p| p.fy);
        let earlier: Vec<FiscalYear> = all_years
            .iter()
            .copied()
            .filter(|y| Some(*y) != last && !staged.is_empty())
            .collect();
        demo::stage_cycle(&store, &plan, &earlier, &staged)
            .await
            .map_err(|e| anyhow::anyhow!(e.both()))?;
        // 石岡's plan is revised once from its open year (fictional).
        if let (Some(open), "082058") = (last, plan.city.to_string().as_str()) {
            demo::demo_revision(&store, &plan, open)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
        }
        println!(
            "{} {}: {} 件の項目, {} 件の進捗（{}）",
            doc.header.city.name,
            doc.header.plan.title,
            gyokaku_domain::walk_nodes(&doc.nodes).len(),
            doc.progress.len() + staged.len(),
            demo::DEMO_LABEL
        );
        if let Some(last) = last {
            summaries.push((plan, last));
        }
    }
    for (login, name, role, depts) in demo::DEMO_USERS {
        let new = gyokaku_store::NewUser {
            login: login.into(),
            display_name: name.into(),
            password_hash: gyokaku_web::hash_password(demo::DEMO_PASSWORD.into())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            role,
            departments: depts
                .iter()
                .map(|(city, dept)| -> anyhow::Result<gyokaku_store::DeptRef> {
                    Ok(gyokaku_store::DeptRef {
                        city: city_code(city)?,
                        dept: dept.to_string(),
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
        };
        store
            .create_user(&new, "demo")
            .await
            .map_err(|e| anyhow::anyhow!(e.both()))?;
    }
    println!("\nデモ用データベース / demo database: {url}");
    println!(
        "※ 進捗・指標の実績はすべて{} です / all progress and actuals are fictional demo data\n",
        demo::DEMO_LABEL
    );
    for (plan, fy) in summaries {
        let r = report::StatusReport::load(&store, &plan, fy).await?;
        println!("{}", report::table(&r));
    }
    if no_serve {
        store.close().await;
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    println!("Web アプリ / web app: http://{addr}/");
    println!(
        "デモ用ログイン（パスワードはすべて {}） / demo logins (password for all: {}):",
        demo::DEMO_PASSWORD,
        demo::DEMO_PASSWORD
    );
    for (login, name, _, depts) in demo::DEMO_USERS {
        let what = if depts.is_empty() {
            String::new()
        } else {
            format!(
                " — {}",
                depts
                    .iter()
                    .map(|(c, d)| format!("{c}/{d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        println!("  {login:<8} {name}{what}");
    }
    println!("終了は Ctrl-C / stop with Ctrl-C");
    gyokaku_web::serve(gyokaku_web::state(store.clone(), false), listener).await?;
    store.close().await;
    Ok(())
}

async fn serve(
    db: &Option<String>,
    bind: &str,
    secure_cookies: bool,
    publish_dir: Option<PathBuf>,
) -> anyhow::Result<()> {
    let publish_dir = match publish_dir {
        Some(d) => d,
        None => dirs::data_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("gyokaku")
            .join("published"),
    };
    let store = open(db).await?;
    if store.users().await?.is_empty() {
        eprintln!("利用者がいません。gyokaku user add --role office で最初の管理者を作ってください / no account yet: create the first office account with `gyokaku user add --role office`");
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(addr = %listener.local_addr()?, "serving");
    println!("http://{}/", listener.local_addr()?);
    gyokaku_web::serve(
        gyokaku_web::state(store.clone(), secure_cookies).with_publish_dir(publish_dir),
        listener,
    )
    .await?;
    store.close().await;
    Ok(())
}

async fn user_add(
    db: &Option<String>,
    login: String,
    name: String,
    role: &str,
    depts: &[String],
) -> anyhow::Result<()> {
    let role = gyokaku_store::Role::from_key(role).with_context(|| {
        format!("役割「{role}」は office / editor / council / viewer のいずれかです / role '{role}' must be office, editor, council or viewer")
    })?;
    let departments = depts
        .iter()
        .map(|d| {
            let (city, dept) = d.split_once('/').with_context(|| {
                format!("--dept「{d}」は 団体コード/部署 の形で書きます / --dept '{d}' must be CITY/DEPT")
            })?;
            Ok(gyokaku_store::DeptRef {
                city: city_code(city)?,
                dept: dept.to_string(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let password = match std::env::var("GYOKAKU_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    if password.chars().count() < gyokaku_web::auth::MIN_PASSWORD_CHARS {
        bail!(
            "パスワードは{n}文字以上にしてください / the password needs at least {n} characters",
            n = gyokaku_web::auth::MIN_PASSWORD_CHARS
        );
    }
    let store = open(db).await?;
    let new = gyokaku_store::NewUser {
        login,
        display_name: name,
        password_hash: gyokaku_web::hash_password(password)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        role,
        departments,
    };
    let user = store
        .create_user(&new, "cli")
        .await
        .map_err(|e| anyhow::anyhow!(e.both()))?;
    println!("追加しました / added: {} ({})", user.login, role.key());
    store.close().await;
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Check { dir } => match gyokaku_interchange::read_plan_dir(&dir) {
            Ok(doc) => {
                println!(
                    "OK: {} {} ({} rows)",
                    doc.header.city.name,
                    doc.header.plan.title,
                    doc.count_rows()
                );
                Ok(())
            }
            Err(e) => bail!("{e}"),
        },
        Command::Fmt { dir } => {
            let doc =
                gyokaku_interchange::read_plan_dir(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
            gyokaku_interchange::write_plan_dir(&doc, &dir)?;
            Ok(())
        }
        Command::Import {
            dirs,
            dry_run: true,
            kind,
            date,
            first_year,
            reason,
            decided_by,
            ..
        } => {
            let options = revision_options(kind, date, first_year, reason, decided_by)?;
            let store = open(&cli.db).await?;
            let r = import::dry_run(&store, &dirs, &options).await;
            store.close().await;
            r
        }
        Command::Diff {
            dirs,
            city,
            plan,
            from,
            to,
            lang,
            format,
        } => {
            let lang = match lang.as_str() {
                "ja" => gyokaku_domain::present::Lang::Ja,
                "en" => gyokaku_domain::present::Lang::En,
                other => bail!("--lang は ja か en です / --lang is ja or en (found: {other})"),
            };
            let read = |d: &PathBuf| {
                gyokaku_interchange::read_plan_dir(d).map_err(|e| anyhow::anyhow!("{e}"))
            };
            let (old, new) = match (city, plan, dirs.as_slice()) {
                (Some(city), Some(plan), [] | [_]) => {
                    let store = open(&cli.db).await?;
                    let plan = PlanRef {
                        city: city_code(&city)?,
                        plan,
                    };
                    let both = stored_pair(&store, &plan, from, to, dirs.first()).await;
                    store.close().await;
                    both?
                }
                (None, None, [old, new]) => (read(old)?, read(new)?),
                _ => bail!(
                    "二つのフォルダか、--city と --plan と一つのフォルダを指定してください / give two folders, or --city, --plan and one folder"
                ),
            };
            import::print_diff(&old, &new, lang, matches!(format, Format::Json))
        }
        Command::Import {
            dirs,
            replace,
            discard_history,
            backup_dir,
            dry_run: false,
            kind,
            date,
            first_year,
            reason,
            decided_by,
            base_revision,
        } => {
            let options = revision_options(kind, date, first_year, reason, decided_by)?;
            let store = open(&cli.db).await?;
            let mode = match (replace, discard_history) {
                (_, true) => import::Mode::DiscardHistory,
                (true, false) => import::Mode::Replace,
                (false, false) => import::Mode::Revise(options),
            };
            let r = import::import(&store, &dirs, mode, backup_dir.as_deref(), base_revision).await;
            store.close().await;
            r
        }
        Command::Revisions { city, plan } => {
            let store = open(&cli.db).await?;
            let plan = PlanRef {
                city: city_code(&city)?,
                plan,
            };
            let revisions = store
                .revisions(&plan)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()));
            store.close().await;
            for r in revisions? {
                let e = &r.entry;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    r.number,
                    e.kind,
                    e.date.map(|d| d.to_string()).unwrap_or_default(),
                    e.applies_from.map(|y| y.wareki()).unwrap_or_default(),
                    e.reason.as_deref().unwrap_or(""),
                    r.created_at
                );
            }
            Ok(())
        }
        Command::Export {
            city,
            plan,
            out,
            revision,
        } => {
            let store = open(&cli.db).await?;
            let plan = PlanRef {
                city: city_code(&city)?,
                plan,
            };
            let pb = spinner("書き出し中 / exporting".into());
            let doc = match revision {
                Some(n) => store.export_revision(&plan, n).await,
                None => store.export_plan(&plan).await,
            }
            .map_err(|e| anyhow::anyhow!(e.both()))?;
            write_out(&doc, &out)?;
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            println!("書き出しました / exported: {}", out.display());
            store.close().await;
            Ok(())
        }
        Command::PlanWorkbook(c) => {
            use plan_workbook::PlanWorkbookCommand as P;
            if matches!(c, P::Blank { .. } | P::Folder { .. }) {
                return plan_workbook::run(None, c).await;
            }
            let store = open(&cli.db).await?;
            let r = plan_workbook::run(Some(&store), c).await;
            store.close().await;
            r
        }
        Command::Plans => {
            let store = open(&cli.db).await?;
            for p in store.list_plans().await? {
                // A draft may not have fixed its period yet; an adopted
                // plan without one is a standing plan.
                let period = match (p.period, p.draft) {
                    (Some((f, t)), _) => format!("{f}–{t}"),
                    (None, true) => "期間未定".to_string(),
                    (None, false) => "期間の定めなし".to_string(),
                };
                let draft = if p.draft { " (案)" } else { "" };
                println!(
                    "{} {}\t{}\t{}{}\t{}\t{} items",
                    p.city_code, p.city_name, p.plan_id, p.title, draft, period, p.items
                );
            }
            store.close().await;
            Ok(())
        }
        Command::Report(ReportCommand::Status {
            city,
            plan,
            fy,
            format,
        }) => {
            let fy = FiscalYear::parse(&fy).map_err(|e| anyhow::anyhow!(e.both()))?;
            let store = open(&cli.db).await?;
            let plan = pick_plan(&store, city_code(&city)?, plan).await?;
            let r = report::StatusReport::load(&store, &plan, fy)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            print!(
                "{}",
                match format {
                    Format::Table => report::table(&r),
                    Format::Json => report::json(&r),
                    Format::Csv => report::csv(&r),
                }
            );
            store.close().await;
            Ok(())
        }
        Command::Demo { bind, no_serve } => demo(&cli.db, &bind, no_serve).await,
        Command::Serve {
            bind,
            secure_cookies,
            publish_dir,
        } => serve(&cli.db, &bind, secure_cookies, publish_dir).await,
        Command::User(UserCommand::Add {
            login,
            name,
            role,
            depts,
        }) => user_add(&cli.db, login, name, &role, &depts).await,
        Command::Actuals { city, plan, file } => {
            let store = open(&cli.db).await?;
            let plan = pick_plan(&store, city_code(&city)?, plan).await?;
            let doc = store
                .export_plan(&plan)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            let is_xlsx = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
            let values = if is_xlsx {
                gyokaku_interchange::read_actuals_xlsx(&file, &doc.indicators)
            } else {
                gyokaku_interchange::read_actuals_csv(&file, &doc.indicators)
            }
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let n = store
                .record_indicator_values(&plan, &values, "cli")
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            println!(
                "取り込みました / imported: {n} 件の実績 / actuals ({}/{})",
                plan.city, plan.plan
            );
            store.close().await;
            Ok(())
        }
        Command::Fiscal { city, plan, file } => {
            let store = open(&cli.db).await?;
            let plan = pick_plan(&store, city_code(&city)?, plan).await?;
            let rows =
                gyokaku_interchange::read_fiscal_csv(&file).map_err(|e| anyhow::anyhow!("{e}"))?;
            let n = store
                .upsert_fiscal(&plan, &rows, "cli")
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            println!(
                "取り込みました / imported: {n} 件の財政指標 / fiscal ratios ({}/{})",
                plan.city, plan.plan
            );
            store.close().await;
            Ok(())
        }
        Command::Publish {
            city,
            plan,
            fy,
            out,
            date,
            no_pdf,
        } => {
            let fy = FiscalYear::parse(&fy).map_err(|e| anyhow::anyhow!(e.both()))?;
            let date = date.unwrap_or_else(gyokaku_publish::today_in_japan);
            // Fonts first: a missing font fails before anything is read or written.
            let fonts = if no_pdf {
                None
            } else {
                Some(gyokaku_publish::FontSet::discover().map_err(|e| anyhow::anyhow!(e.both()))?)
            };
            let store = open(&cli.db).await?;
            let plan = pick_plan(&store, city_code(&city)?, plan).await?;
            // The web app's procedure: one snapshot, a new folder beside
            // `out` swapped in whole, audited.
            let actor = format!("cli:{}", std::env::var("USER").unwrap_or_default());
            let done = gyokaku_publish::publish(&store, &plan, fy, &date, &out, fonts, &actor)
                .await
                .map_err(|e| anyhow::anyhow!(e.both()))?;
            println!(
                "公表用ファイルを書き出しました / published {} files to {}",
                done.files.len(),
                out.display()
            );
            store.close().await;
            Ok(())
        }
        Command::User(UserCommand::List) => {
            let store = open(&cli.db).await?;
            for u in store.users().await? {
                let depts: Vec<String> = u
                    .departments
                    .iter()
                    .map(|d| format!("{}/{}", d.city, d.dept))
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.login,
                    u.display_name,
                    u.role.key(),
                    if u.active { "active" } else { "inactive" },
                    depts.join(",")
                );
            }
            store.close().await;
            Ok(())
        }
        Command::Bench(BenchCommand::Import {
            items,
            years,
            indicators,
            postgres,
        }) => bench::run(items, years, indicators, postgres).await,
        Command::Bench(BenchCommand::Web {
            items,
            years,
            seconds,
            connections,
            postgres,
        }) => bench_web::run(items, years, seconds, connections, postgres).await,
        Command::Bench(BenchCommand::Publish {
            items,
            years,
            indicators,
        }) => bench_publish::run(items, years, indicators).await,
    }
}

fn write_out(doc: &gyokaku_domain::PlanDocument, out: &Path) -> anyhow::Result<()> {
    gyokaku_interchange::write_plan_dir(doc, out)?;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Serve { .. }
            | Command::Demo {
                no_serve: false,
                ..
            }
    ) {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_target(false)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
