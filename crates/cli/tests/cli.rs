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
    let again = gyokaku(&db, &["import", example("annaka").to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("すでに登録されています"));
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
    let out = gyokaku(
        &db,
        &[
            "report",
            "status",
            "--city",
            "102113",
            "--fy",
            "令和7年度",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["includes_demo"], true);

    let dest = tmp.path().join("annaka");
    assert!(gyokaku(
        &db,
        &[
            "export",
            "--city",
            "102113",
            "--plan",
            "taiko-4",
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
        if &rec[1] == "2025" {
            *counts.entry(rec[2].to_string()).or_default() += 1;
        }
    }
    let total: u64 = counts.values().sum();
    // 安中市 has 24 推進項目; the demo plays FY2025 through the cycle and
    // leaves some of them not started, so they have no report yet.
    assert!(
        total > 0 && total < 24,
        "安中市 has 24 推進項目, {total} reported in the staged year"
    );
    assert_eq!(report["whole"]["total"], total);
    let achieved: u64 = ["全体の目標達成", "年度目標達成", "年度目標一部達成"]
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
    let table = gyokaku(&db, &["report", "status", "--city", "102113", "--fy", "R7"]);
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
