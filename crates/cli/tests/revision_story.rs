//! A plan revised mid-period keeps every year's history. 安中 第4次 is
//! imported, FY2025 is played through the cycle (submitted, returned and
//! accepted reports, council opinions) and closed, FY2026 is opened, and
//! the plan is revised through `gyokaku import`: one item renamed, one
//! renumbered, one moved under another policy, one retired as 統合, one
//! dropped from the folder (retired, not deleted), one added, two 課
//! merged into one, an indicator's target changed, first year FY2026.
//! Afterwards every report keeps its state, every review, opinion and
//! cycle is intact, FY2025's publication is byte for byte what it was, the
//! open year reports on the new structure, and FY2026's publication shows
//! the revision history with what changed.
//!
//! Runs on a SQLite file and, where GYOKAKU_TEST_POSTGRES_URL is set (as
//! scripts/test sets it), on PostgreSQL.

mod common;
use common::{ok, postgres_db, refused};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gyokaku_domain::{
    Actor, Department, DepartmentKind, FiscalYear, Indicator, IndicatorKind, PlanDocument,
    Progress, RetireReason, Retirement, Role, Target,
};
use gyokaku_store::{ItemEdit, OnExisting, PlanRef, ReportState, SqlStore};

const CITY: &str = "102113";
const PLAN: &str = "taiko-4";
const SEISAKU: &str = "企画政策部/政策・デジタル推進課";
const KIKAKU: &str = "企画政策部/企画課";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn report(node: &str, year: i32, status: &str) -> Progress {
    Progress {
        node: node.into(),
        fy: fy(year),
        status: Some(status.into()),
        result: Some("実施した".into()),
        self_evaluation: None,
        direction: None,
        spending_cut: None,
        revenue: None,
        demo: false,
    }
}

fn find<'a>(nodes: &'a mut [gyokaku_domain::Node], id: &str) -> &'a mut gyokaku_domain::Node {
    fn go<'a>(
        nodes: &'a mut [gyokaku_domain::Node],
        id: &str,
    ) -> Option<&'a mut gyokaku_domain::Node> {
        for n in nodes {
            if n.id == id {
                return Some(n);
            }
            if let Some(f) = go(&mut n.children, id) {
                return Some(f);
            }
        }
        None
    }
    go(nodes, id).unwrap_or_else(|| panic!("no node {id}"))
}

/// 安中 第4次 with departments on some items (the plan names none) and
/// one indicator, as the office first stores it.
fn first_version() -> PlanDocument {
    let mut doc = gyokaku_interchange::read_plan_dir(&example("annaka")).unwrap();
    doc.organisation.departments[0].children.push(Department {
        id: KIKAKU.into(),
        name: "企画課".into(),
        abbreviation: None,
        kind: DepartmentKind::Division,
        valid_from: None,
        valid_to: None,
        successor: None,
        note: None,
        children: vec![],
    });
    find(&mut doc.nodes, "1-1").departments = vec![SEISAKU.into()];
    find(&mut doc.nodes, "1-2").departments = vec![KIKAKU.into()];
    find(&mut doc.nodes, "2-1").departments = vec!["財政課".into()];
    doc.indicators.push(Indicator {
        id: "web-visits".into(),
        node: Some("1-1".into()),
        kind: IndicatorKind::Outcome,
        name: "市ウェブサイトの閲覧数".into(),
        definition: None,
        unit: Some("件".into()),
        source: None,
        cumulative: false,
        challenge: false,
        baseline: None,
        target: Some(target("100000")),
        note: None,
        retired: None,
    });
    doc
}

fn target(value: &str) -> Target {
    serde_json::from_value(serde_json::json!({"fy": 2026, "kind": "at_least", "value": value}))
        .unwrap()
}

/// The revised folder: what the office changes for FY2026 on.
fn revised(mut doc: PlanDocument) -> PlanDocument {
    find(&mut doc.nodes, "2-2").title = "コンプライアンスを徹底した組織の確立と内部統制".into();
    find(&mut doc.nodes, "2-6").number = Some(7);
    // 3-6 moves under policy 4, as its 4th item.
    let p3 = find(&mut doc.nodes, "3");
    let at = p3.children.iter().position(|n| n.id == "3-6").unwrap();
    let mut moved = p3.children.remove(at);
    moved.number = Some(4);
    find(&mut doc.nodes, "4").children.push(moved);
    // 5-6 goes into 5-5; 3-5 is simply left out of the folder.
    find(&mut doc.nodes, "5-6").retired = Some(Retirement {
        last_year: Some(fy(2025)),
        reason: Some(RetireReason::Merged),
        into: Some("5-5".into()),
        note: None,
    });
    let p3 = find(&mut doc.nodes, "3");
    p3.children.retain(|n| n.id != "3-5");
    doc.progress.retain(|p| p.node != "3-5");
    for term in &mut doc.glossary {
        term.marks.retain(|m| m.node.as_deref() != Some("3-5"));
    }
    // A new item.
    let mut added = find(&mut doc.nodes, "1-3").clone();
    added.id = "1-4".into();
    added.number = Some(4);
    added.title = "オープンデータの推進".into();
    added.body = None;
    added.departments = vec![SEISAKU.into()];
    find(&mut doc.nodes, "1").children.push(added);
    // 企画課 merges into 政策・デジタル推進課; its item follows, and the
    // old 課 stays with its successor (its staff's accounts follow too).
    for d in &mut doc.organisation.departments[0].children {
        if d.id == KIKAKU {
            d.successor = Some(SEISAKU.into());
            d.valid_to = gyokaku_domain::PlanDate::new(2026, 3, Some(31));
        }
    }
    find(&mut doc.nodes, "1-2").departments = vec![SEISAKU.into()];
    doc.indicators[0].target = Some(target("150000"));
    doc
}

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn publish(db: &str, year: &str, out: &Path, pdf: bool) {
    let mut args = vec![
        "publish",
        "--city",
        CITY,
        "--plan",
        PLAN,
        "--fy",
        year,
        "--date",
        "2027-06-01",
    ];
    if !pdf {
        args.push("--no-pdf");
    }
    args.extend(["--out", out.to_str().unwrap()]);
    ok(db, &args);
}

async fn story(store: SqlStore, db: String) {
    let work = tempfile::tempdir().unwrap();
    let plan = store
        .import_plan(&first_version(), OnExisting::Refuse, "office")
        .await
        .unwrap();
    assert_eq!(
        plan,
        PlanRef {
            city: CITY.parse().unwrap(),
            plan: PLAN.into()
        }
    );
    let office = Actor::office("office");
    let council = Actor {
        login: "council".into(),
        role: Role::Council,
        departments: vec![],
    };
    let edit = |node: &str, year: i32, status: &str| ItemEdit {
        progress: report(node, year, status),
        indicator_values: vec![],
    };

    // FY2025 through the cycle.
    store
        .open_cycle(&plan, fy(2025), None, "office")
        .await
        .unwrap();
    let submit = |node: &'static str, status: &'static str| {
        let (store, plan, office) = (&store, &plan, &office);
        async move {
            store
                .save_item(plan, &edit(node, 2025, status), None, true, office)
                .await
                .unwrap()
        }
    };
    let v = submit("1-1", "全体の目標達成").await;
    store
        .review_item(&plan, "1-1", fy(2025), true, "", v, &office)
        .await
        .unwrap();
    submit("1-2", "年度目標達成").await;
    let v = submit("2-1", "目標に向け実施中").await;
    store
        .review_item(
            &plan,
            "2-1",
            fy(2025),
            false,
            "根拠を追記してください",
            v,
            &office,
        )
        .await
        .unwrap();
    for node in ["2-2", "3-5", "3-6", "5-6"] {
        let v = submit(node, "年度目標達成").await;
        store
            .review_item(&plan, node, fy(2025), true, "", v, &office)
            .await
            .unwrap();
    }
    store
        .save_item(
            &plan,
            &edit("1-3", 2025, "目標に向け実施中"),
            None,
            false,
            &office,
        )
        .await
        .unwrap();
    store
        .add_opinion(
            &plan,
            None,
            fy(2025),
            "全体として着実に進んでいる。",
            &council,
        )
        .await
        .unwrap();
    store
        .add_opinion(
            &plan,
            Some("5-6"),
            fy(2025),
            "5-5 と一体で進めるべき。",
            &council,
        )
        .await
        .unwrap();
    store.close_cycle(&plan, fy(2025), "office").await.unwrap();
    let closed_before = work.path().join("fy2025-before");
    publish(&db, "2025", &closed_before, false);

    // FY2026 opens under the first revision; a draft for 1-1.
    store
        .open_cycle(&plan, fy(2026), None, "office")
        .await
        .unwrap();
    store
        .save_item(
            &plan,
            &edit("1-1", 2026, "目標に向け実施中"),
            None,
            false,
            &office,
        )
        .await
        .unwrap();

    let reports_before = store.reports(&plan, None).await.unwrap();
    let reviews_before = store.reviews(&plan, None, None).await.unwrap();
    let cycles_before = store.cycles(&plan).await.unwrap();
    let audit_before = store.audit_log(&plan, 10_000).await.unwrap();

    // The office revises through import, first year FY2026.
    let folder = work.path().join("revised");
    let current = store.export_plan(&plan).await.unwrap();
    gyokaku_interchange::write_plan_dir(&revised(current), &folder).unwrap();
    let dry = ok(
        &db,
        &[
            "import",
            "--dry-run",
            "--kind",
            "見直し",
            "--first-year",
            "令和8年度",
            folder.to_str().unwrap(),
        ],
    );
    assert!(dry.contains("番号変更 項目 2-6"), "{dry}");
    assert_eq!(
        store.revisions(&plan).await.unwrap().len(),
        1,
        "dry run wrote"
    );
    let said = ok(
        &db,
        &[
            "import",
            "--kind",
            "見直し",
            "--first-year",
            "令和8年度",
            "--date",
            "2026-03-25",
            "--reason",
            "実施計画の年次見直し",
            "--decided-by",
            "行政改革推進本部",
            "--base-revision",
            "1",
            folder.to_str().unwrap(),
        ],
    );
    for line in [
        "変更 項目 2-2 title: コンプライアンスを徹底した組織の確立 → コンプライアンスを徹底した組織の確立と内部統制",
        "番号変更 項目 2-6 number: 6 → 7",
        "移動 項目 3-6 parent: 3 → 4",
        "廃止・統合 項目 5-6: 統合 → 5-5（令和7年度まで）",
        "廃止・統合 項目 3-5: 廃止・統合（令和7年度まで）",
        "追加 項目 1-4: オープンデータの推進",
        "変更 部署 企画政策部/企画課 successor: 企画政策部/政策・デジタル推進課",
        "変更 項目 1-2 departments: 企画政策部/企画課 → 企画政策部/政策・デジタル推進課",
        "改訂 2（見直し、令和8年度から）を記録しました",
    ] {
        assert!(said.contains(line), "missing «{line}» in:\n{said}");
    }
    assert!(
        said.lines()
            .any(|l| l.starts_with("変更 指標 web-visits target:") && l.contains("150000")),
        "{said}"
    );

    // Nothing of the year's work was lost or changed.
    assert_eq!(store.reports(&plan, None).await.unwrap(), reports_before);
    assert_eq!(
        store.reviews(&plan, None, None).await.unwrap(),
        reviews_before
    );
    assert_eq!(store.cycles(&plan).await.unwrap(), cycles_before);
    let audit_after = store.audit_log(&plan, 10_000).await.unwrap();
    assert_eq!(audit_after.len(), audit_before.len() + 1);
    assert_eq!(audit_after[0].action, "revise_plan");
    let states: BTreeMap<(String, i32), ReportState> = reports_before
        .iter()
        .map(|r| ((r.progress.node.clone(), r.progress.fy.year()), r.state))
        .collect();
    assert_eq!(states[&("1-2".into(), 2025)], ReportState::Submitted);
    assert_eq!(states[&("2-1".into(), 2025)], ReportState::Returned);
    assert_eq!(states[&("1-3".into(), 2025)], ReportState::Draft);
    assert_eq!(states[&("1-1".into(), 2026)], ReportState::Draft);

    let revisions = store.revisions(&plan).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1].entry.kind, "見直し");
    assert_eq!(revisions[1].entry.applies_from, Some(fy(2026)));
    assert_eq!(
        revisions[1].entry.decided_by.as_deref(),
        Some("行政改革推進本部")
    );

    // Any two stored revisions compare in the CLI, as the import said.
    let between = ok(
        &db,
        &[
            "diff", "--city", CITY, "--plan", PLAN, "--from", "1", "--to", "2",
        ],
    );
    assert!(between.contains("移動 項目 3-6 parent: 3 → 4"), "{between}");
    assert!(between.contains("12 件の変更"), "{between}");
    let back = ok(
        &db,
        &[
            "diff", "--city", CITY, "--plan", PLAN, "--from", "2", "--to", "1", "--lang", "en",
        ],
    );
    assert!(back.contains("moved node 3-6 parent: 4 → 3"), "{back}");

    // The closed year is published as it was, byte for byte.
    let closed_after = work.path().join("fy2025-after");
    publish(&db, "2025", &closed_after, false);
    let (a, b) = (tree(&closed_before), tree(&closed_after));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(b[name] == *bytes, "{name} changed after the revision");
    }

    // The open year reports on the new structure.
    let snap = store.snapshot(&plan).await.unwrap();
    assert_eq!(snap.in_force(fy(2025)), Some(1));
    assert_eq!(snap.in_force(fy(2026)), Some(2));
    let m2025 = gyokaku_domain::PlanModel::new(snap.doc_for(fy(2025)));
    let m2026 = gyokaku_domain::PlanModel::new(snap.doc_for(fy(2026)));
    assert_eq!(m2025.items.len(), 24);
    assert_eq!(m2026.items.len(), 23, "one added, two retired");
    assert!(m2026.item("1-4").is_some() && m2026.item("5-6").is_none());
    assert!(m2026.item("3-5").is_none() && m2025.item("3-5").is_some());
    assert!(m2026.is_retired("3-5") && m2026.is_retired("5-6"));
    let policy = |m: &gyokaku_domain::PlanModel, id: &str| {
        m.item(id)
            .and_then(|i| i.policy)
            .map(|p| m.policies[p].key.clone())
    };
    assert_eq!(policy(&m2025, "3-6").as_deref(), Some("3"));
    assert_eq!(policy(&m2026, "3-6").as_deref(), Some("4"));
    // The 課 it merged into answers for the old 課's item, and so do the
    // old 課's staff; a new item takes reports.
    let editor = |dept: &str| Actor {
        login: "ka".into(),
        role: Role::Editor,
        departments: vec![gyokaku_domain::DeptRef {
            city: plan.city,
            dept: dept.into(),
        }],
    };
    let ka = editor(SEISAKU);
    let draft = edit("1-2", 2026, "目標に向け実施中");
    let v = store
        .save_item(&plan, &draft, None, false, &editor(KIKAKU))
        .await
        .unwrap();
    let not_theirs = store
        .save_item(
            &plan,
            &edit("2-1", 2026, "目標に向け実施中"),
            None,
            false,
            &editor(KIKAKU),
        )
        .await;
    assert!(
        matches!(not_theirs, Err(gyokaku_store::StoreError::Refused(_))),
        "{not_theirs:?}"
    );
    store
        .save_item(&plan, &draft, Some(v), true, &ka)
        .await
        .unwrap();
    store
        .save_item(
            &plan,
            &edit("1-4", 2026, "目標に向け実施中"),
            None,
            true,
            &ka,
        )
        .await
        .unwrap();

    // Export → import of the revised plan is a no-op.
    let again = work.path().join("again");
    ok(
        &db,
        &[
            "export",
            "--city",
            CITY,
            "--plan",
            PLAN,
            "--out",
            again.to_str().unwrap(),
        ],
    );
    let said = ok(&db, &["import", again.to_str().unwrap()]);
    assert!(said.contains("変更はありません"), "{said}");
    assert_eq!(store.revisions(&plan).await.unwrap().len(), 2);
    // Revision 1 is still there to export.
    let first = work.path().join("first");
    ok(
        &db,
        &[
            "export",
            "--city",
            CITY,
            "--plan",
            PLAN,
            "--revision",
            "1",
            "--out",
            first.to_str().unwrap(),
        ],
    );
    let first = gyokaku_interchange::read_plan_dir(&first).unwrap();
    assert!(first
        .organisation
        .flatten()
        .iter()
        .any(|(d, _)| d.id == KIKAKU && d.successor.is_none()));

    // A revision may not reach back into the closed year, nor start from a
    // revision that is no longer the latest; nothing is written.
    let later = work.path().join("later");
    let mut doc = store.export_plan(&plan).await.unwrap();
    find(&mut doc.nodes, "4-1").title = "さらに変えた".into();
    gyokaku_interchange::write_plan_dir(&doc, &later).unwrap();
    let err = refused(
        &db,
        &[
            "import",
            "--kind",
            "改訂",
            "--first-year",
            "2025",
            later.to_str().unwrap(),
        ],
    );
    assert!(err.contains("令和7年度は締め切られています"), "{err}");
    assert!(err.contains("FY2025 is closed"), "{err}");
    let err = refused(
        &db,
        &[
            "import",
            "--kind",
            "改訂",
            "--first-year",
            "2026",
            "--base-revision",
            "1",
            later.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("改訂 1 を基にしていますが、その後に改訂 2"),
        "{err}"
    );
    assert!(
        err.contains("conflict: this folder was made from revision 1"),
        "{err}"
    );
    // Retiring an item with a submitted FY2026 report from FY2026 is refused.
    let mut doc = store.export_plan(&plan).await.unwrap();
    find(&mut doc.nodes, "1-4").retired = Some(Retirement {
        last_year: Some(fy(2025)),
        reason: Some(RetireReason::Abolished),
        into: None,
        note: None,
    });
    let gone = work.path().join("gone");
    gyokaku_interchange::write_plan_dir(&doc, &gone).unwrap();
    let err = refused(
        &db,
        &[
            "import",
            "--kind",
            "改訂",
            "--first-year",
            "2026",
            gone.to_str().unwrap(),
        ],
    );
    assert!(err.contains("項目 1-4 は令和8年度の報告"), "{err}");
    assert_eq!(store.revisions(&plan).await.unwrap().len(), 2);

    // FY2026 closed and published: its site shows the revision history.
    store.close_cycle(&plan, fy(2026), "office").await.unwrap();
    let open_year = work.path().join("fy2026");
    publish(&db, "2026", &open_year, true);
    let pdf = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(open_year.join("report.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test installs it)");
    let text = String::from_utf8(pdf.stdout).unwrap();
    for line in [
        "改訂履歴",
        "改訂 2（見直し）",
        "実施計画の年次見直し",
        "統合 → 5-5",
    ] {
        assert!(text.contains(line), "the PDF lacks {line}");
    }
    let page = std::fs::read_to_string(open_year.join("ja/revisions.html")).unwrap();
    for text in [
        "見直し",
        "令和8(2026)年度から",
        "実施計画の年次見直し",
        "5-6",
        "統合",
        "150000",
    ] {
        assert!(page.contains(text), "revisions.html lacks {text}");
    }
    let csv = std::fs::read_to_string(open_year.join("data/revision_changes.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("102113,taiko-4,2,") && l.contains(",moved,node,3-6,parent,3,4")),
        "{csv}"
    );
    // FY2025 beside FY2026 is counted as FY2025's own publication counted
    // it (over revision 1's items, 3-5 and 5-6 included).
    let whole_2025 = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("data/status_summary.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.contains(",2025,all,"))
            .map(str::to_string)
            .collect()
    };
    let (then, beside) = (whole_2025(&closed_after), whole_2025(&open_year));
    assert!(!then.is_empty());
    assert_eq!(then, beside);
    let closed_page = std::fs::read_to_string(closed_after.join("ja/revisions.html")).unwrap();
    assert!(
        closed_page.contains("id=\"stored-revisions\""),
        "{closed_page}"
    );
    assert!(
        !closed_page.contains("実施計画の年次見直し") && !closed_page.contains("rev-2"),
        "FY2025 lists a later revision"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_keeps_every_year_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("revise.sqlite").display());
    let store = SqlStore::connect(&db).await.unwrap();
    story(store, db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_keeps_every_year_on_postgres() {
    if let Some(db) = postgres_db("revise").await {
        let store = SqlStore::connect(&db).await.unwrap();
        story(store, db).await;
    }
}

/// Two revisions of one plan started at once from the same revision: one
/// is recorded, the other is a conflict, not a silent overwrite.
async fn two_at_once(store: SqlStore) {
    let plan = store
        .import_plan(&first_version(), OnExisting::Refuse, "office")
        .await
        .unwrap();
    let current = store.export_plan(&plan).await.unwrap();
    let options = gyokaku_domain::revision::RevisionOptions {
        kind: Some("見直し".into()),
        first_year: Some(fy(2026)),
        ..Default::default()
    };
    let (mut a, mut b) = (current.clone(), current);
    find(&mut a.nodes, "1-1").title = "Aの見直し".into();
    find(&mut b.nodes, "1-1").title = "Bの見直し".into();
    let (ra, rb) = tokio::join!(
        store.revise_plan(&a, &options, Some(1), "office-a"),
        store.revise_plan(&b, &options, Some(1), "office-b"),
    );
    let conflicts = [&ra, &rb]
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(gyokaku_store::StoreError::RevisionConflict {
                    base: 1,
                    current: 2
                })
            )
        })
        .count();
    let recorded = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
    assert_eq!((recorded, conflicts), (1, 1), "{ra:?} {rb:?}");
    assert_eq!(store.revisions(&plan).await.unwrap().len(), 2);
    let title = find(&mut store.export_plan(&plan).await.unwrap().nodes, "1-1")
        .title
        .clone();
    let winner = if ra.is_ok() {
        "Aの見直し"
    } else {
        "Bの見直し"
    };
    assert_eq!(title, winner);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_revisions_at_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("two.sqlite").display());
    two_at_once(SqlStore::connect(&db).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_revisions_at_once_on_postgres() {
    if let Some(db) = postgres_db("two").await {
        two_at_once(SqlStore::connect(&db).await.unwrap()).await;
    }
}

/// 安中 第4次 with 1,500 more items under its policies: an import of a
/// revision of it takes long enough to be killed midway.
fn big_plan() -> PlanDocument {
    let mut doc = first_version();
    let template = find(&mut doc.nodes, "1-1").clone();
    for i in 0..1500u32 {
        let policy = &mut doc.nodes[(i % 5) as usize];
        let mut n = template.clone();
        n.id = format!("x-{i}");
        n.number = Some(100 + i);
        n.title = format!("追加の取組 {i}");
        n.departments = vec![SEISAKU.into()];
        policy.children.push(n);
    }
    doc
}

/// Copies a closed SQLite database file to `to`, returning its URL.
fn copy_db(from: &Path, to: &Path) -> String {
    std::fs::copy(from, to).unwrap();
    format!("sqlite://{}", to.display())
}

/// `kill -9` at any moment of an import that makes a revision leaves
/// either the previous revision whole or the new one whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_revision_leaves_the_previous_one_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let original = tmp.path().join("original.sqlite");
    let db = format!("sqlite://{}", original.display());
    let store = SqlStore::connect(&db).await.unwrap();
    let plan = store
        .import_plan(&big_plan(), OnExisting::Refuse, "office")
        .await
        .unwrap();
    let before = store.export_plan(&plan).await.unwrap();
    store.close().await;
    let mut revised_doc = before.clone();
    for (i, p) in revised_doc.nodes.iter_mut().enumerate() {
        for (j, n) in p.children.iter_mut().enumerate() {
            n.title = format!("見直し後の取組 {i}-{j}");
        }
    }
    let folder = tmp.path().join("revised");
    gyokaku_interchange::write_plan_dir(&revised_doc, &folder).unwrap();
    let args = [
        "import",
        "--kind",
        "見直し",
        "--first-year",
        "2026",
        folder.to_str().unwrap(),
    ];

    // A whole run, to know how long one takes, and what it leaves.
    let whole = copy_db(&original, &tmp.path().join("whole.sqlite"));
    let started = std::time::Instant::now();
    ok(&whole, &args);
    let took = started.elapsed();
    let store = SqlStore::connect(&whole).await.unwrap();
    let after = store.export_plan(&plan).await.unwrap();
    store.close().await;
    assert_ne!(after, before);

    let mut seen = (0, 0);
    for percent in [5u32, 20, 40, 60, 75, 85, 92, 97, 105] {
        let url = copy_db(&original, &tmp.path().join(format!("k{percent}.sqlite")));
        let mut child = Command::new(env!("CARGO_BIN_EXE_gyokaku"))
            .arg("--db")
            .arg(&url)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took * percent / 100);
        let _ = child.kill();
        child.wait().unwrap();
        let store = SqlStore::connect(&url).await.unwrap();
        let revisions = store.revisions(&plan).await.unwrap();
        let now = store.export_plan(&plan).await.unwrap();
        store.close().await;
        match revisions.len() {
            1 => {
                assert_eq!(now, before, "killed at {percent}%: revision 1 changed");
                seen.0 += 1;
            }
            2 => {
                assert_eq!(now, after, "killed at {percent}%: revision 2 is partial");
                seen.1 += 1;
            }
            n => panic!("killed at {percent}%: {n} revisions"),
        }
    }
    eprintln!(
        "kept revision 1 {} times, revision 2 {} times",
        seen.0, seen.1
    );
    assert!(seen.0 > 0, "no kill landed before the commit");
}

/// A database made before revisions existed (schema 4: no plan_revisions,
/// no retired_json) is migrated when opened: each plan becomes revision 1
/// with its reports, reviews and cycles untouched, and can be revised.
async fn old_database_migrates(db: String) {
    let store = SqlStore::connect(&db).await.unwrap();
    let plan = store
        .import_plan(&first_version(), OnExisting::Refuse, "office")
        .await
        .unwrap();
    let office = Actor::office("office");
    store
        .open_cycle(&plan, fy(2025), None, "office")
        .await
        .unwrap();
    let edit = ItemEdit {
        progress: report("1-1", 2025, "年度目標達成"),
        indicator_values: vec![],
    };
    store
        .save_item(&plan, &edit, None, true, &office)
        .await
        .unwrap();
    let reports = store.reports(&plan, None).await.unwrap();
    let cycles = store.cycles(&plan).await.unwrap();
    store.close().await;

    // Back to schema 4, as a database of last month would be.
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&db)
        .await
        .unwrap();
    for sql in [
        "DROP TABLE plan_revisions",
        "ALTER TABLE nodes DROP COLUMN retired_json",
        "ALTER TABLE indicators DROP COLUMN retired_json",
        "DELETE FROM schema_migrations WHERE version = 5",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = SqlStore::connect(&db).await.unwrap();
    let revisions = store.revisions(&plan).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].number, 1);
    assert_eq!(revisions[0].created_by, "migration");
    assert_eq!(revisions[0].entry.kind, "策定");
    assert_eq!(store.reports(&plan, None).await.unwrap(), reports);
    assert_eq!(store.cycles(&plan).await.unwrap(), cycles);
    let mut doc = store.export_plan(&plan).await.unwrap();
    find(&mut doc.nodes, "2-1").title = "移行後の見直し".into();
    let options = gyokaku_domain::revision::RevisionOptions {
        kind: Some("見直し".into()),
        first_year: Some(fy(2026)),
        ..Default::default()
    };
    let done = store
        .revise_plan(&doc, &options, Some(1), "office")
        .await
        .unwrap();
    assert!(matches!(
        done,
        gyokaku_store::Revised::Revision { number: 2, .. }
    ));
    assert_eq!(store.reports(&plan, None).await.unwrap(), reports);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_database_migrates_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    old_database_migrates(format!(
        "sqlite://{}",
        dir.path().join("old.sqlite").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_database_migrates_on_postgres() {
    if let Some(db) = postgres_db("old").await {
        old_database_migrates(db).await;
    }
}
