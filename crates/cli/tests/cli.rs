//! The `gyokaku` binary, driven as a user drives it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gyokaku(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gyokaku"))
        .env("GYOKAKU_DB", db)
        .args(args)
        .output()
        .expect("run gyokaku")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("t.sqlite").display())
}

/// A copy of 安中市's plan with five mistakes in four files.
fn broken_plan(root: &Path) -> PathBuf {
    let dir = root.join("broken");
    copy_dir(&example("annaka"), &dir);
    let nodes = std::fs::read_to_string(dir.join("nodes.yaml")).unwrap();
    // 1: an unknown department; 2: a repeated number among siblings.
    let nodes = nodes.replacen(
        "    title: 市民ニーズに応じたわかりやすい情報の発信\n",
        "    title: 市民ニーズに応じたわかりやすい情報の発信\n    departments:\n    - (総)総務課\n",
        1,
    );
    let nodes = nodes.replacen(
        "  - id: 1-2\n    level: item\n    number: 2\n",
        "  - id: 1-2\n    level: item\n    number: 1\n",
        1,
    );
    std::fs::write(dir.join("nodes.yaml"), nodes).unwrap();
    // 3: a wrong check digit; 4: an era year that never existed.
    let fiscal = std::fs::read_to_string(dir.join("fiscal_ratios.csv")).unwrap();
    let fiscal = fiscal
        .replacen("102016,前橋市,2023", "102017,前橋市,2023", 1)
        .replacen("102024,高崎市,2023", "102024,高崎市,平成32年度", 1);
    std::fs::write(dir.join("fiscal_ratios.csv"), fiscal).unwrap();
    // 5: a status not on the plan's scale.
    std::fs::write(
        dir.join("progress.csv"),
        "node,fy,status,result,self_evaluation,direction,spending_cut_yen,revenue_yen,demo\n1-3,令和7年度,A,実施,,継続,300万円,,\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_lists_every_problem_with_its_location() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = broken_plan(tmp.path());
    let out = gyokaku(&sqlite_url(tmp.path()), &["check", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    for expected in [
        "5 件のエラー",
        "nodes.yaml [[id=1-1].departments[0]]: 部署「(総)総務課」は departments.yaml にありません",
        "nodes.yaml [[id=1-2].number]: 番号 1 は同じ階層の「1-1」と重複しています",
        "fiscal_ratios.csv row 2, column lgcode",
        "（102016 が正しい形です）",
        "fiscal_ratios.csv row 6, column fy: 「平成32年度」は存在しません（令和2年度のことですか）",
        "progress.csv row 2, column status: 「A」はこの計画の評価区分にありません",
        "is not on this plan's status scale",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn a_bad_folder_imports_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    let dir = broken_plan(tmp.path());
    let out = gyokaku(
        &db,
        &[
            "import",
            example("tomakomai").to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let plans = gyokaku(&db, &["plans"]);
    assert!(plans.status.success());
    let listed = text(&plans.stdout);
    assert!(
        listed.contains("苫小牧市"),
        "the good folder before it was imported: {listed}"
    );
    assert!(
        !listed.contains("taiko-4"),
        "the broken plan left something behind: {listed}"
    );
}

#[test]
fn import_then_export_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    for (name, city, plan) in [
        ("annaka", "102113", "taiko-4"),
        ("ishioka", "082058", "challenge"),
        ("tomakomai", "012131", "plan-r2"),
    ] {
        let out = gyokaku(&db, &["import", example(name).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let dest = tmp.path().join(format!("out-{name}"));
        let out = gyokaku(
            &db,
            &[
                "export",
                "--city",
                city,
                "--plan",
                plan,
                "--out",
                dest.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        for e in std::fs::read_dir(example(name)).unwrap() {
            let e = e.unwrap();
            let a = std::fs::read(e.path()).unwrap();
            let b = std::fs::read(dest.join(e.file_name())).unwrap_or_default();
            assert!(a == b, "{name}/{} differs", e.file_name().to_string_lossy());
        }
        assert_eq!(
            std::fs::read_dir(&dest).unwrap().count(),
            std::fs::read_dir(example(name)).unwrap().count()
        );
    }
    // The same folder again imports nothing, and says so.
    let again = gyokaku(&db, &["import", example("annaka").to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("変更はありません"));
}

/// Importing over a stored plan never loses yearly work silently: a changed
/// folder becomes a revision, refused while it does not say what kind of
/// revision it is (nothing written); --replace refuses a plan with
/// cycles, reviews or unaccepted reports; --discard-history writes a backup
/// (the plan folder with every report, history.json with cycles, report
/// states and reviews) before replacing; then the same folder is a no-op.
#[test]
fn importing_over_a_plan_keeps_its_yearly_work_unless_told_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    let demo = gyokaku(&db, &["demo", "--no-serve"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let ishioka = example("ishioka");
    let folder = ishioka.to_str().unwrap();
    let status = |db: &str| {
        let out = gyokaku(
            db,
            &[
                "report", "status", "--city", "082058", "--fy", "R6", "--format", "json",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let before = status(&db);

    let plain = gyokaku(&db, &["import", folder]);
    assert!(!plain.status.success());
    let err = text(&plain.stderr);
    assert!(
        err.contains("改訂の種類がありません") && err.contains("--kind"),
        "{err}"
    );
    assert_eq!(status(&db), before, "nothing was written");

    let replace = gyokaku(&db, &["import", "--replace", folder]);
    assert!(
        !replace.status.success(),
        "a plan with history is not replaced"
    );
    let err = text(&replace.stderr);
    assert!(
        err.contains("年度の作業記録があります") && err.contains("--discard-history"),
        "{err}"
    );
    assert_eq!(status(&db), before, "nothing was written");

    let backups = tmp.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let discard = gyokaku(
        &db,
        &[
            "import",
            "--replace",
            "--discard-history",
            "--backup-dir",
            backups.to_str().unwrap(),
            folder,
        ],
    );
    assert!(discard.status.success(), "{}", text(&discard.stderr));
    let backup = std::fs::read_dir(&backups)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(backup.join("plan/plan.yaml").exists() && backup.join("plan/progress.csv").exists());
    let history: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup.join("history.json")).unwrap()).unwrap();
    assert!(
        !history["cycles"].as_array().unwrap().is_empty(),
        "cycles kept in the backup"
    );
    let states: Vec<&str> = history["reports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["state"].as_str())
        .collect();
    assert!(states.contains(&"accepted") && states.iter().any(|s| *s != "accepted"));

    let same = gyokaku(&db, &["import", folder]);
    assert!(same.status.success(), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("変更はありません"));
}

/// The report agrees with a count made independently from the exported
/// progress table of the demo database.
#[test]
fn report_status_matches_the_demo_progress() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    let demo = gyokaku(&db, &["demo", "--no-serve"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    assert!(text(&demo.stdout).contains("デモ用の架空データ"));
    // 石岡's plan is revised once in the demo, from its open year, and the
    // revision says it is fictional.
    let revisions = gyokaku(
        &db,
        &["revisions", "--city", "082058", "--plan", "challenge"],
    );
    let listed = text(&revisions.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines[1].starts_with("2\t見直し") && lines[1].contains("デモ用の架空データ"),
        "{listed}"
    );
    let out = gyokaku(
        &db,
        &[
            "report",
            "status",
            "--city",
            "082058",
            "--fy",
            "令和6年度",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["includes_demo"], true);

    let dest = tmp.path().join("ishioka");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "082058",
            "--plan",
            "challenge",
            "--out",
            dest.to_str().unwrap()
        ]
    )
    .status
    .success());
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    let mut rdr = csv::Reader::from_path(dest.join("progress.csv")).unwrap();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(
            &rec[8], "true",
            "demo progress must stay marked as demo in the files"
        );
        if &rec[1] == "2024" {
            *counts.entry(rec[2].to_string()).or_default() += 1;
        }
    }
    let total: u64 = counts.values().sum();
    assert_eq!(
        total, 26,
        "石岡市 has 26 取組, all reported for the closed year R6"
    );
    assert_eq!(report["whole"]["reported"], total);
    // The demo scale for plans without one: A and B count as achieved.
    let achieved: u64 = ["A", "B"]
        .iter()
        .map(|s| counts.get(*s).copied().unwrap_or(0))
        .sum();
    assert_eq!(report["whole"]["achieved"], achieved);
    assert_eq!(
        report["whole"]["achieved_percent"],
        (achieved * 200 + total) / (total * 2)
    );
    for row in report["whole"]["rows"].as_array().unwrap() {
        let code = row["code"].as_str().unwrap();
        assert_eq!(
            row["count"],
            counts.get(code).copied().unwrap_or(0),
            "{code}"
        );
    }
    let table = gyokaku(&db, &["report", "status", "--city", "082058", "--fy", "R6"]);
    assert!(text(&table.stdout).contains("※ デモ用の架空データを含みます"));
}

#[test]
fn bad_arguments_get_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    let out = gyokaku(
        &db,
        &["report", "status", "--city", "102113", "--fy", "令和0年度"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("0年はありません"),
        "{}",
        text(&out.stderr)
    );
    let out = gyokaku("mysql://nowhere", &["plans"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unsupported database URL"));
}

/// Bad actuals (text in a number cell, an unknown indicator, a unit that is
/// not the indicator's) are refused with row and column, and nothing is
/// written; good ones are stored. A peer table of fiscal ratios is added.
#[test]
fn actuals_and_peer_tables_are_imported_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    assert!(
        gyokaku(&db, &["import", example("ishioka").to_str().unwrap()])
            .status
            .success()
    );
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "indicator,fy,value,unit,note\n\
         r1-1,R4,25,件,\n\
         r1-1,R5,二十五,件,\n\
         zz-9,R4,1,,\n\
         r1-1,R3,22,%,\n",
    )
    .unwrap();
    let out = gyokaku(&db, &["actuals", "--city", "082058", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("3 件のエラー"), "{err}");
    assert!(err.contains("行 3") || err.contains("row 3"), "{err}");
    assert!(
        err.contains("value") && err.contains("二十五"),
        "text in a number cell: {err}"
    );
    assert!(err.contains("zz-9"), "unknown indicator: {err}");
    assert!(
        err.contains("unit") && err.contains("「%」"),
        "unit mismatch: {err}"
    );
    let dest = tmp.path().join("out");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "082058",
            "--plan",
            "challenge",
            "--out",
            dest.to_str().unwrap()
        ]
    )
    .status
    .success());
    assert!(
        !dest.join("indicator_values.csv").exists(),
        "nothing was written"
    );

    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        "indicator,fy,value,unit,note\nr1-1,令和4年度,25,件,総務課集計\nr1-1,2023,28,,\n",
    )
    .unwrap();
    let ok = gyokaku(
        &db,
        &["actuals", "--city", "082058", good.to_str().unwrap()],
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let dest = tmp.path().join("out2");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "082058",
            "--plan",
            "challenge",
            "--out",
            dest.to_str().unwrap()
        ]
    )
    .status
    .success());
    let values = std::fs::read_to_string(dest.join("indicator_values.csv")).unwrap();
    assert!(values.contains("r1-1,2022,25,総務課集計,"), "{values}");
    assert!(values.contains("r1-1,2023,28,,"), "{values}");

    let peers = tmp.path().join("peers.csv");
    std::fs::write(
        &peers,
        "lgcode,city,fy,ratio,value,source\n\
         082058,石岡市,2024,real_debt_service_ratio,8.1,決算カード\n\
         082015,水戸市,2024,real_debt_service_ratio,6.0,決算カード\n\
         082023,日立市,2024,real_debt_service_ratio,—,決算カード\n",
    )
    .unwrap();
    let ok = gyokaku(
        &db,
        &["fiscal", "--city", "082058", peers.to_str().unwrap()],
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let dest = tmp.path().join("out3");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "082058",
            "--plan",
            "challenge",
            "--out",
            dest.to_str().unwrap()
        ]
    )
    .status
    .success());
    let fiscal = std::fs::read_to_string(dest.join("fiscal_ratios.csv")).unwrap();
    assert!(
        fiscal.contains("082015,水戸市,2024,real_debt_service_ratio,6.0,決算カード"),
        "{fiscal}"
    );
    assert!(
        fiscal.contains("082023,日立市,2024,real_debt_service_ratio,—,決算カード"),
        "{fiscal}"
    );
}

/// The same import from an Excel workbook: bad cells are named as the
/// spreadsheet shows them (実績値!C3) and nothing is written; a good
/// workbook is stored.
#[test]
fn actuals_from_a_workbook_are_located_by_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    assert!(
        gyokaku(&db, &["import", example("ishioka").to_str().unwrap()])
            .status
            .success()
    );
    let write = |name: &str, rows: &[[&str; 5]]| -> PathBuf {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("実績値").unwrap();
        for (c, h) in ["indicator", "fy", "value", "unit", "note"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v.parse::<f64>() {
                    Ok(n) => ws.write_number(r as u32 + 1, c as u16, n).unwrap(),
                    Err(_) => ws.write_string(r as u32 + 1, c as u16, *v).unwrap(),
                };
            }
        }
        let path = tmp.path().join(name);
        wb.save(&path).unwrap();
        path
    };
    let bad = write(
        "bad.xlsx",
        &[
            ["r1-1", "R4", "25", "件", ""],
            ["r1-1", "R5", "二十五", "", ""],
            ["zz-9", "2022", "1", "", ""],
        ],
    );
    let out = gyokaku(&db, &["actuals", "--city", "082058", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("実績値!C3"),
        "text in a number cell, by cell: {err}"
    );
    assert!(
        err.contains("実績値!A4"),
        "unknown indicator, by cell: {err}"
    );
    let dest = tmp.path().join("out");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "082058",
            "--plan",
            "challenge",
            "--out",
            dest.to_str().unwrap()
        ]
    )
    .status
    .success());
    assert!(
        !dest.join("indicator_values.csv").exists(),
        "nothing was written"
    );
    let good = write(
        "good.xlsx",
        &[
            ["r1-1", "2022", "25", "件", "集計"],
            ["r1-1", "R5", "28.5", "", ""],
        ],
    );
    let ok = gyokaku(
        &db,
        &["actuals", "--city", "082058", good.to_str().unwrap()],
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let dest = tmp.path().join("out2");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "082058",
            "--plan",
            "challenge",
            "--out",
            dest.to_str().unwrap()
        ]
    )
    .status
    .success());
    let values = std::fs::read_to_string(dest.join("indicator_values.csv")).unwrap();
    assert!(values.contains("r1-1,2022,25,集計,"), "{values}");
    assert!(values.contains("r1-1,2023,28.5,,"), "{values}");
}

/// `diff` tells a rename, a renumbering and a move apart, between two
/// folders or against the stored plan; `import --dry-run` prints the same
/// and writes nothing.
#[test]
fn diff_and_dry_run_show_what_an_import_would_change() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    let revised = tmp.path().join("revised");
    copy_dir(&example("annaka"), &revised);
    let nodes = std::fs::read_to_string(revised.join("nodes.yaml")).unwrap();
    let renamed = nodes.replacen(
        "    title: 市民ニーズに応じたわかりやすい情報の発信\n",
        "    title: 市民ニーズに応じた情報の発信\n",
        1,
    );
    assert_ne!(renamed, nodes, "the fixture text is in nodes.yaml");
    std::fs::write(revised.join("nodes.yaml"), renamed).unwrap();

    let out = gyokaku(
        &db,
        &[
            "diff",
            example("annaka").to_str().unwrap(),
            revised.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("変更 項目 1-1 title: 市民ニーズに応じたわかりやすい情報の発信 → 市民ニーズに応じた情報の発信"),
        "{said}"
    );
    assert!(said.contains("1 件の変更"), "{said}");

    let import = gyokaku(&db, &["import", example("annaka").to_str().unwrap()]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let out = gyokaku(
        &db,
        &[
            "diff",
            "--city",
            "102113",
            "--plan",
            "taiko-4",
            "--format",
            "json",
            revised.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["kind"], "changed");
    assert_eq!(rows[0]["subject"], "node 1-1");

    let dry = gyokaku(&db, &["import", "--dry-run", revised.to_str().unwrap()]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).contains("変更 項目 1-1 title"));
    let same = gyokaku(&db, &["import", example("annaka").to_str().unwrap()]);
    assert!(
        text(&same.stdout).contains("変更はありません"),
        "the dry run wrote nothing"
    );
}
