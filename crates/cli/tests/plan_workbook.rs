//! The plan as an Excel workbook, through the CLI and the store, on a
//! SQLite file and (where GYOKAKU_TEST_POSTGRES_URL is set, as scripts/test
//! sets it) on PostgreSQL: 苫小牧's plan is downloaded, two titles are
//! changed, an item is added and a ○ put in a theme column, the workbook is
//! uploaded: the draft revision it makes differs from the plan by exactly
//! those changes, and is adopted. A workbook with an edited hidden ID is
//! refused with its cell, as is one downloaded before the revision. A blank
//! workbook filled in makes a new plan that checks clean and whose folder
//! imports and exports byte for byte.

mod common;
use common::{ok, postgres_db, refused};

use std::collections::BTreeMap;
use std::path::Path;

use gyokaku_domain::diff::{diff, ChangeKind, Subject};
use gyokaku_domain::revision::RevisionOptions;
use gyokaku_domain::{Actor, FiscalYear, LocalGovCode};
use gyokaku_interchange::plan_book::testing::{column, rewrite, row_of};
use gyokaku_interchange::plan_book::{SHEET_DEPTS, SHEET_NODES, SHEET_PLAN};
use gyokaku_store::{PlanRef, Revised, SqlStore};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

async fn round_trip(db: String, work: &Path) {
    let store = SqlStore::connect(&db).await.unwrap();
    ok(&db, &["import", &example("tomakomai")]);
    let plan = PlanRef {
        city: LocalGovCode::parse("012131").unwrap(),
        plan: "plan-r2".into(),
    };
    let file = work.join("plan.xlsx");
    let f = file.display().to_string();
    ok(
        &db,
        &[
            "plan-workbook",
            "download",
            "--city",
            "012131",
            "--plan",
            "plan-r2",
            "--out",
            &f,
        ],
    );
    let bytes = std::fs::read(&file).unwrap();
    let title = column(&bytes, SHEET_NODES, "表題");
    let id = column(&bytes, SHEET_NODES, "ID");
    let level = column(&bytes, SHEET_NODES, "階層");
    let number = column(&bytes, SHEET_NODES, "番号");
    let depts = column(&bytes, SHEET_NODES, "担当");
    let service = column(&bytes, SHEET_NODES, "テーマ：サービス");
    let (r1, r2, r3) = (
        row_of(&bytes, SHEET_NODES, id, "1"),
        row_of(&bytes, SHEET_NODES, id, "2"),
        row_of(&bytes, SHEET_NODES, id, "3"),
    );
    // The added item goes in the row after the last.
    let last = testing_last_row(&bytes) + 1;
    let edited = rewrite(
        &bytes,
        &[
            (SHEET_NODES, r1, title, Some("新たな財源の確保")),
            (SHEET_NODES, r2, title, Some("官民連携（PPP/PFI）の推進")),
            (SHEET_NODES, r3, service, Some("○")),
            (SHEET_NODES, last, level, Some("取組項目")),
            (SHEET_NODES, last, number, Some("22")),
            (SHEET_NODES, last, title, Some("窓口のキャッシュレス化")),
            (SHEET_NODES, last, depts, Some("総務部/行政監理室")),
        ],
        None,
    );
    let edited_file = work.join("edited.xlsx");
    std::fs::write(&edited_file, &edited).unwrap();
    let e = edited_file.display().to_string();

    let preview = ok(&db, &["plan-workbook", "upload", &e, "--dry-run"]);
    assert!(preview.contains("新たな財源の確保"), "{preview}");
    assert!(
        store.draft(&plan).await.unwrap().is_none(),
        "a dry run writes nothing"
    );
    ok(&db, &["plan-workbook", "upload", &e]);
    let draft = store.draft(&plan).await.unwrap().expect("a draft");
    let latest = store.revision_structure(&plan, 1).await.unwrap();
    let changes = diff(&latest, &draft.doc);
    let mut seen: Vec<(String, ChangeKind, Option<&str>)> = changes
        .iter()
        .map(|c| {
            let who = match &c.subject {
                Subject::Node(id) => id.clone(),
                other => format!("{other:?}"),
            };
            (who, c.kind, c.field)
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        vec![
            ("1".to_string(), ChangeKind::Changed, Some("title")),
            ("2".to_string(), ChangeKind::Changed, Some("title")),
            ("22".to_string(), ChangeKind::Added, None),
            ("3".to_string(), ChangeKind::Changed, Some("axes")),
        ],
        "{changes:#?}"
    );

    // An edited hidden ID: refused with its cell, the draft untouched.
    let forged = rewrite(&bytes, &[(SHEET_NODES, r2, id, Some("5"))], None);
    let forged_file = work.join("forged.xlsx");
    std::fs::write(&forged_file, &forged).unwrap();
    let err = refused(
        &db,
        &[
            "plan-workbook",
            "upload",
            &forged_file.display().to_string(),
        ],
    );
    let cell = format!(
        "取組!{}{}",
        gyokaku_domain::text::column_letters(id as usize),
        r2 + 1
    );
    assert!(err.contains(&cell), "{cell}: {err}");
    assert!(err.contains("hidden ID"), "{err}");
    assert_eq!(
        store.draft(&plan).await.unwrap().unwrap().version,
        draft.version
    );

    // Adopted: revision 2 has the changes.
    let options = RevisionOptions {
        kind: Some("見直し".into()),
        date: None,
        first_year: Some(FiscalYear::new(2022).unwrap()),
        reason: Some("Excel で見直し".into()),
        decided_by: None,
    };
    let done = store
        .adopt_draft(&plan, &options, draft.version, &Actor::office("somu"))
        .await
        .unwrap();
    assert!(
        matches!(done, Revised::Revision { number: 2, .. }),
        "{done:?}"
    );
    let two = store.revision_structure(&plan, 2).await.unwrap();
    assert!(gyokaku_domain::walk_nodes(&two.nodes)
        .iter()
        .any(|(n, _, _)| n.id == "22" && n.title == "窓口のキャッシュレス化"));
    // The workbook of revision 1 can no longer be uploaded.
    let err = refused(&db, &["plan-workbook", "upload", &f]);
    assert!(err.contains("改訂 2"), "{err}");
    store.close().await;
}

/// The last row with anything in it on the node sheet.
fn testing_last_row(bytes: &[u8]) -> u32 {
    gyokaku_interchange::plan_book::testing::cells(bytes)
        .into_iter()
        .find(|(n, _)| n == SHEET_NODES)
        .map(|(_, c)| c.keys().map(|(r, _)| *r).max().unwrap_or(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_round_trips_through_excel_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("book.sqlite").display());
    round_trip(db, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_round_trips_through_excel_on_postgres() {
    let Some(db) = postgres_db("planbook").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    round_trip(db, dir.path()).await;
}

#[test]
fn a_blank_workbook_filled_in_is_a_plan_that_imports_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("new.sqlite").display());
    let blank = dir.path().join("blank.xlsx");
    ok(
        &db,
        &[
            "plan-workbook",
            "blank",
            "--out",
            &blank.display().to_string(),
        ],
    );
    let bytes = std::fs::read(&blank).unwrap();
    let r = |i: u32| 2 + i;
    let filled = rewrite(
        &bytes,
        &[
            (SHEET_PLAN, r(0), 1, Some("082015")),
            (SHEET_PLAN, r(1), 1, Some("kaikaku-r8")),
            (SHEET_PLAN, r(2), 1, Some("水戸市行財政改革推進計画")),
            (SHEET_PLAN, r(6), 1, Some("令和8年度")),
            (SHEET_PLAN, r(7), 1, Some("令和10年度")),
            (SHEET_DEPTS, r(0), 0, Some("部")),
            (SHEET_DEPTS, r(0), 1, Some("総務部")),
            (SHEET_DEPTS, r(1), 0, Some("課")),
            (SHEET_DEPTS, r(1), 1, Some("総務課")),
            (SHEET_DEPTS, r(1), 3, Some("総務部")),
            (SHEET_NODES, r(0), 0, Some("方針")),
            (SHEET_NODES, r(0), 1, Some("1")),
            (SHEET_NODES, r(0), 2, Some("効率的な行政運営")),
            (SHEET_NODES, r(1), 0, Some("取組")),
            (SHEET_NODES, r(1), 1, Some("(1)")),
            (SHEET_NODES, r(1), 2, Some("窓口手続のオンライン化")),
            (SHEET_NODES, r(1), 5, Some("総務課")),
            (SHEET_NODES, r(2), 0, Some("取組")),
            (SHEET_NODES, r(2), 1, Some("(2)")),
            (SHEET_NODES, r(2), 2, Some("公共施設の再編")),
            (SHEET_NODES, r(2), 5, Some("総務部")),
        ],
        None,
    );
    let file = dir.path().join("filled.xlsx");
    std::fs::write(&file, filled).unwrap();
    let folder = dir.path().join("folder");
    ok(
        &db,
        &[
            "plan-workbook",
            "folder",
            &file.display().to_string(),
            "--out",
            &folder.display().to_string(),
        ],
    );
    ok(&db, &["check", &folder.display().to_string()]);
    ok(&db, &["import", &folder.display().to_string()]);
    let out = dir.path().join("exported");
    ok(
        &db,
        &[
            "export",
            "--city",
            "082015",
            "--plan",
            "kaikaku-r8",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(
        tree(&folder),
        tree(&out),
        "the folder imports and exports byte for byte"
    );
    let nodes = String::from_utf8(std::fs::read(folder.join("nodes.yaml")).unwrap()).unwrap();
    assert!(nodes.contains("窓口手続のオンライン化"), "{nodes}");
}
