//! The store's behaviour, told as stories and run on both backends: a
//! SQLite file, and a PostgreSQL server named by GYOKAKU_TEST_POSTGRES_URL
//! (scripts/test starts one). Each story gets a fresh database.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use gyokaku_domain::{Decimal, Direction, FiscalYear, IndicatorValue, Progress, Yen};
use gyokaku_interchange::{read_plan_dir, PlanFiles};
use gyokaku_store::{OnExisting, PlanRef, SqlStore, StoreError};
use sqlx::Connection;

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(example(""))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("plan.yaml").exists())
        .collect();
    dirs.sort();
    dirs
}

async fn sqlite_store() -> (SqlStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gyokaku.sqlite").display());
    (SqlStore::connect(&url).await.unwrap(), dir)
}

/// A fresh database on the test PostgreSQL server, or `None` when no server
/// is configured (then the PostgreSQL half is skipped, loudly, unless
/// GYOKAKU_REQUIRE_POSTGRES=1, as in scripts/test, makes it a failure).
async fn postgres_store() -> Option<SqlStore> {
    let Ok(admin) = std::env::var("GYOKAKU_TEST_POSTGRES_URL") else {
        if std::env::var("GYOKAKU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("GYOKAKU_REQUIRE_POSTGRES=1 but GYOKAKU_TEST_POSTGRES_URL is not set");
        }
        eprintln!("SKIPPED on PostgreSQL: set GYOKAKU_TEST_POSTGRES_URL (scripts/test does)");
        return None;
    };
    let name = format!(
        "gyokaku_t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').expect("URL ends in /DATABASE");
    Some(SqlStore::connect(&format!("{base}/{name}")).await.unwrap())
}

/// Runs one story on SQLite, then on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident => $story:ident;)*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (store, _dir) = super::sqlite_store().await;
                    super::$story(&store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(store) = super::postgres_store().await {
                        super::$story(&store).await;
                    }
                }
            )*
        }
    };
}

on_both_backends! {
    examples_round_trip_byte_for_byte => examples_round_trip;
    an_import_that_fails_writes_nothing => failed_import_writes_nothing;
    a_stored_plan_is_not_silently_overwritten => existing_plan_refused_or_replaced;
    two_editors_saving_the_same_item_second_gets_a_conflict => concurrent_edits_conflict;
    the_status_report_counts_the_scale => status_report_counts;
    every_change_is_audited_with_before_and_after => audit_records_changes;
    progress_and_indicator_actuals_round_trip_through_files => progress_round_trip;
    a_workbook_batch_is_saved_all_or_nothing => batch_all_or_nothing;
    an_editor_cannot_save_another_departments_item_the_store_refuses => store_enforces_rights;
    a_draft_revision_is_edited_then_adopted => draft_then_adopt;
    a_workbook_replaces_the_draft_only_from_what_it_was_made_of => replace_draft;
}

async fn examples_round_trip(store: &SqlStore) {
    for dir in examples() {
        let doc = read_plan_dir(&dir).unwrap();
        let plan = store
            .import_plan(&doc, OnExisting::Refuse, "test")
            .await
            .unwrap();
        let back = store.export_plan(&plan).await.unwrap();
        assert_eq!(
            back,
            doc,
            "{}: the document changed in the store",
            dir.display()
        );
        for (name, bytes) in PlanFiles::render(&back).unwrap().0 {
            let original = std::fs::read(dir.join(name)).unwrap();
            assert!(
                original == bytes,
                "{}/{name} differs after import and export",
                dir.display()
            );
        }
    }
    let listed = store.list_plans().await.unwrap();
    assert_eq!(listed.len(), examples().len());
    assert!(listed
        .iter()
        .any(|p| p.city_name == "苫小牧市" && p.items == 21));
}

async fn failed_import_writes_nothing(store: &SqlStore) {
    let mut doc = read_plan_dir(&example("tomakomai")).unwrap();
    // A progress row for an item that does not exist: the files would have
    // been refused by the reader; the store must refuse it too, after it
    // has already written the plan, departments and nodes in the transaction.
    doc.progress.push(Progress {
        node: "no-such-item".into(),
        fy: FiscalYear::new(2020).unwrap(),
        status: None,
        result: None,
        self_evaluation: None,
        direction: None,
        spending_cut: None,
        revenue: None,
        demo: false,
    });
    let err = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(
        store.list_plans().await.unwrap().is_empty(),
        "a failed import left a plan behind"
    );
    let plan = PlanRef {
        city: doc.header.city.code,
        plan: doc.header.plan.id.clone(),
    };
    assert!(matches!(
        store.export_plan(&plan).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn existing_plan_refused_or_replaced(store: &SqlStore) {
    let doc = read_plan_dir(&example("annaka")).unwrap();
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    let again = store.import_plan(&doc, OnExisting::Refuse, "test").await;
    assert!(matches!(again, Err(StoreError::AlreadyExists(_))));
    let mut changed = doc.clone();
    changed.nodes[0].title = "差し替え後の方針".into();
    store
        .import_plan(&changed, OnExisting::Replace, "test")
        .await
        .unwrap();
    assert_eq!(
        store.export_plan(&plan).await.unwrap().nodes[0].title,
        "差し替え後の方針"
    );
    assert_eq!(store.list_plans().await.unwrap().len(), 1);

    // A folder without the plan's fiscal ratios would drop them: refused.
    let mut fewer = doc.clone();
    fewer.fiscal.clear();
    assert!(!doc.fiscal.is_empty());
    match store.import_plan(&fewer, OnExisting::Replace, "test").await {
        Err(StoreError::Invalid(m)) => assert!(
            m.en.contains(&format!(
                "{} reports, actuals and fiscal ratios the folder does not carry",
                doc.fiscal.len()
            )),
            "{m:?}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        store.export_plan(&plan).await.unwrap().fiscal.len(),
        doc.fiscal.len()
    );

    // Once the plan has a yearly cycle, a plain replace is refused inside
    // the transaction (the cycle survives); discarding history replaces.
    let fy = FiscalYear::new(2025).unwrap();
    store.open_cycle(&plan, fy, None, "office").await.unwrap();
    let refused = store.import_plan(&doc, OnExisting::Replace, "test").await;
    match refused {
        Err(StoreError::Invalid(m)) => assert!(
            m.ja.contains("年度サイクル 1 件") && m.en.contains("1 cycles"),
            "{m:?}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(store.snapshot(&plan).await.unwrap().cycles.len(), 1);
    store
        .import_plan(&doc, OnExisting::DiscardHistory, "test")
        .await
        .unwrap();
    assert!(store.snapshot(&plan).await.unwrap().cycles.is_empty());
}

fn report(node: &str, fy: i32, status: &str, result: &str) -> Progress {
    Progress {
        node: node.into(),
        fy: FiscalYear::new(fy).unwrap(),
        status: Some(status.into()),
        result: Some(result.into()),
        self_evaluation: None,
        direction: None,
        spending_cut: Some(Yen(3_000_000)),
        revenue: None,
        demo: false,
    }
}

async fn concurrent_edits_conflict(store: &SqlStore) {
    let doc = read_plan_dir(&example("annaka")).unwrap();
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    let v1 = store
        .record_progress(
            &plan,
            &report("1-1", 2025, "年度目標達成", "初回"),
            None,
            "editor-a",
        )
        .await
        .unwrap();
    assert_eq!(v1, 1);
    // Both editors opened version 1; A saves first.
    let v2 = store
        .record_progress(
            &plan,
            &report("1-1", 2025, "年度目標一部達成", "A の更新"),
            Some(1),
            "editor-a",
        )
        .await
        .unwrap();
    assert_eq!(v2, 2);
    let err = store
        .record_progress(
            &plan,
            &report("1-1", 2025, "計画中止", "B の更新"),
            Some(1),
            "editor-b",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                current: 2
            }
        ),
        "{err:?}"
    );
    let stored = store
        .progress(&plan, "1-1", FiscalYear::new(2025).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.progress.result.as_deref(), Some("A の更新"));
    assert_eq!(
        (stored.version, stored.updated_by.as_str()),
        (2, "editor-a")
    );
    // A first report that races another first report is a conflict too.
    let err = store
        .record_progress(
            &plan,
            &report("1-1", 2025, "計画中止", "C"),
            None,
            "editor-c",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    // A status off the scale is refused.
    let err = store
        .record_progress(&plan, &report("1-2", 2025, "A", "x"), None, "editor-a")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
}

async fn status_report_counts(store: &SqlStore) {
    use gyokaku_domain::{PlanModel, PlanState};
    let doc = read_plan_dir(&example("annaka")).unwrap();
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    let fy = FiscalYear::new(2025).unwrap();
    for (node, status) in [
        ("1-1", "年度目標達成"),
        ("1-2", "年度目標一部達成"),
        ("1-3", "目標に向け実施中"),
        ("2-1", "年度目標達成"),
    ] {
        store
            .record_progress(&plan, &report(node, 2025, status, "実施"), None, "editor")
            .await
            .unwrap();
    }
    // One snapshot, read in one transaction, is what every output uses.
    let snap = store.snapshot(&plan).await.unwrap();
    assert_eq!(snap.reports.len(), 4);
    let model = PlanModel::new(snap.doc.clone());
    let r = PlanState::build(&model, snap.reports.clone(), &[], fy);
    assert_eq!(r.whole.reported, 4);
    assert_eq!(r.whole.achieved, 3);
    assert_eq!(r.whole.achieved_percent(), Some(75));
    let items = 29 - 5; // 29 nodes, 5 of them 方針
    assert_eq!(model.items.len(), items);
    assert_eq!(r.whole.unreported, items as u32 - 4);
    assert_eq!(model.policies.len(), 5);
    assert_eq!(model.policies[0].label, "方針1 市民ニーズの把握と協働");
    assert_eq!((r.policies[0].reported, r.policies[0].achieved), (3, 2));
    assert_eq!((r.policies[1].reported, r.policies[1].achieved), (1, 1));
    assert!(!r.includes_demo);
    let other_year = PlanState::build(&model, snap.reports, &[], FiscalYear::new(2026).unwrap());
    assert_eq!(
        (
            other_year.whole.reported,
            other_year.whole.achieved_percent()
        ),
        (0, None)
    );
    // `plans` counts items, not nodes.
    let listed = store.list_plans().await.unwrap();
    assert_eq!(listed[0].items, items as i64);
}

/// Who may save what is decided inside the store's transaction, by the
/// domain's workflow, whatever the caller checked first.
async fn store_enforces_rights(store: &SqlStore) {
    use gyokaku_domain::{Actor, DeptRef, Refusal, Role};
    use gyokaku_store::ItemEdit;
    let mut doc = read_plan_dir(&example("annaka")).unwrap();
    // 安中 names no departments on its items: give two of them a 課 of a 部.
    doc.nodes[0].children[0].departments = vec!["企画政策部/政策・デジタル推進課".into()];
    doc.nodes[0].children[1].departments = vec!["財政課".into()];
    // Indicators on an item, on a policy (answered by its items'
    // departments) and on the whole plan (the office's alone).
    for (id, node) in [
        ("i-item", Some("1-1")),
        ("i-policy", Some("1")),
        ("i-plan", None),
    ] {
        doc.indicators.push(gyokaku_domain::Indicator {
            retired: None,
            id: id.into(),
            node: node.map(str::to_string),
            kind: gyokaku_domain::IndicatorKind::Outcome,
            name: id.into(),
            definition: None,
            unit: None,
            source: None,
            cumulative: false,
            challenge: false,
            baseline: None,
            target: None,
            note: None,
        });
    }
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    let fy = FiscalYear::new(2025).unwrap();
    store.open_cycle(&plan, fy, None, "office").await.unwrap();
    let editor = |depts: &[&str]| Actor {
        login: "ed".into(),
        role: Role::Editor,
        departments: depts
            .iter()
            .map(|d| DeptRef {
                city: plan.city,
                dept: d.to_string(),
            })
            .collect(),
    };
    let edit = |node: &str| ItemEdit {
        progress: report(node, 2025, "年度目標達成", "実施"),
        indicator_values: Vec::new(),
    };
    let node = &doc.nodes[0].children[0];
    let owner = node.departments[0].clone();
    // The 部 answers for its 課's item.
    store
        .save_item(
            &plan,
            &edit(&node.id),
            None,
            false,
            &editor(&["企画政策部"]),
        )
        .await
        .unwrap();
    let kept = store.progress(&plan, &node.id, fy).await.unwrap().unwrap();
    // Another department's editor: refused, nothing written.
    let err = store
        .save_item(
            &plan,
            &edit(&doc.nodes[0].children[1].id),
            None,
            false,
            &editor(&["企画政策部"]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(Refusal::NotResponsible)),
        "{err:?}"
    );
    let err = store
        .save_item(
            &plan,
            &edit(&node.id),
            Some(kept.version),
            false,
            &editor(&["財政課"]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(Refusal::NotResponsible)),
        "{err:?}"
    );
    let after = store.progress(&plan, &node.id, fy).await.unwrap().unwrap();
    assert_eq!(after.version, kept.version, "nothing written");
    // The same department in another city is another department.
    let mut elsewhere = editor(&[&owner]);
    elsewhere.departments[0].city = "082058".parse().unwrap();
    assert!(store
        .save_item(
            &plan,
            &edit(&node.id),
            Some(kept.version),
            false,
            &elsewhere
        )
        .await
        .is_err());
    // A council member may not save; the item's own editor may.
    let council = Actor {
        role: Role::Council,
        ..editor(&[&owner])
    };
    assert!(matches!(
        store
            .save_item(&plan, &edit(&node.id), Some(kept.version), false, &council)
            .await,
        Err(StoreError::Refused(Refusal::Role(Role::Council)))
    ));
    let v = store
        .save_item(
            &plan,
            &edit(&node.id),
            Some(kept.version),
            true,
            &editor(&[&owner]),
        )
        .await
        .unwrap();
    // Submitted: the editor can no longer change it, nor accept it.
    assert!(matches!(
        store
            .save_item(&plan, &edit(&node.id), Some(v), false, &editor(&[&owner]))
            .await,
        Err(StoreError::Refused(Refusal::Locked(_)))
    ));
    assert!(matches!(
        store
            .review_item(&plan, &node.id, fy, true, "", v, &editor(&[&owner]))
            .await,
        Err(StoreError::Refused(Refusal::Role(Role::Editor)))
    ));
    store
        .review_item(&plan, &node.id, fy, true, "", v, &Actor::office("office"))
        .await
        .unwrap();
    // Opinions are the council's.
    assert!(store
        .add_opinion(&plan, None, fy, "意見", &editor(&[&owner]))
        .await
        .is_err());
    store
        .add_opinion(&plan, None, fy, "意見", &council)
        .await
        .unwrap();

    // Indicator actuals: the same rules, in the store.
    let value = |indicator: &str| gyokaku_store::ValueEntry {
        value: IndicatorValue {
            indicator: indicator.into(),
            fy,
            value: Decimal::parse("12").unwrap(),
            note: None,
            demo: false,
        },
        expected_version: None,
    };
    let bu = editor(&["企画政策部"]);
    let zaisei = editor(&["財政課"]);
    store
        .enter_indicator_values(&plan, &[value("i-item")], &bu)
        .await
        .unwrap();
    store
        .enter_indicator_values(&plan, &[value("i-policy")], &zaisei)
        .await
        .unwrap();
    for (who, indicator) in [(&zaisei, "i-item"), (&bu, "i-plan"), (&council, "i-item")] {
        let err = store
            .enter_indicator_values(&plan, &[value(indicator)], who)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Refused(_)),
            "{indicator}: {err:?}"
        );
    }
    store
        .enter_indicator_values(&plan, &[value("i-plan")], &Actor::office("office"))
        .await
        .unwrap();
}

async fn audit_records_changes(store: &SqlStore) {
    let doc = read_plan_dir(&example("annaka")).unwrap();
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    store
        .record_progress(
            &plan,
            &report("3-1", 2025, "目標に向け実施中", "前"),
            None,
            "editor",
        )
        .await
        .unwrap();
    store
        .record_progress(
            &plan,
            &report("3-1", 2025, "年度目標達成", "後"),
            Some(1),
            "editor",
        )
        .await
        .unwrap();
    let log = store.audit_log(&plan, 10).await.unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[2].action, "import_plan");
    assert_eq!(log[2].actor, "office");
    let last = &log[0];
    assert_eq!(
        (last.action.as_str(), last.entity_key.as_str()),
        ("record_progress", "3-1/2025")
    );
    assert!(last.before.as_deref().unwrap().contains("前"));
    assert!(last.after.as_deref().unwrap().contains("後"));
    assert!(log[1].before.is_none());
}

async fn progress_round_trip(store: &SqlStore) {
    let mut doc = read_plan_dir(&example("ishioka")).unwrap();
    doc.progress = vec![
        Progress {
            direction: Some(Direction::Expand),
            revenue: Some(Yen(-1_520_000_000)),
            self_evaluation: Some("改行を含む\n自己評価, \"引用\"".into()),
            demo: true,
            ..report("1-1", 2022, "", "実施")
        },
        Progress {
            status: None,
            ..report("2-3", 2023, "", "未評価")
        },
    ];
    doc.indicator_values = vec![
        IndicatorValue {
            indicator: "o2-1".into(),
            fy: FiscalYear::new(2021).unwrap(),
            value: Decimal::parse("-6.10").unwrap(),
            note: None,
            demo: false,
        },
        IndicatorValue {
            indicator: "o2-1".into(),
            fy: FiscalYear::new(2022).unwrap(),
            value: Decimal::parse("-4.5").unwrap(),
            note: Some("速報値".into()),
            demo: true,
        },
    ];
    // The plan defines no status scale: give it one for this story.
    doc.header.status_scale = vec![gyokaku_domain::StatusLevel {
        code: "A".into(),
        label: "A".into(),
        label_en: None,
        achieved: true,
    }];
    doc.progress[0].status = Some("A".into());
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    let back = store.export_plan(&plan).await.unwrap();
    assert_eq!(back, doc);
    let dir = tempfile::tempdir().unwrap();
    gyokaku_interchange::write_plan_dir(&back, dir.path()).unwrap();
    let csv = std::fs::read_to_string(dir.path().join("progress.csv")).unwrap();
    assert!(csv.starts_with("node,fy,status,result,self_evaluation,direction,spending_cut_yen,revenue_yen,demo\n1-1,2022,A,"));
    let reread = read_plan_dir(dir.path()).unwrap();
    assert_eq!(reread, doc, "the files lost something");
}

/// A department's workbook comes back with several items: one stale row,
/// one status off the scale, one submitted item or a closed year, and
/// nothing of the batch is written; a good batch is written whole.
async fn batch_all_or_nothing(store: &SqlStore) {
    use gyokaku_domain::{Indicator, IndicatorKind};
    use gyokaku_store::{ItemEdit, ReportState};
    // The office may save any item; who may save what is the next story's.
    let ed = gyokaku_domain::Actor::office("ed");

    let mut doc = read_plan_dir(&example("annaka")).unwrap();
    doc.indicators.push(Indicator {
        retired: None,
        id: "i-1-1".into(),
        node: Some("1-1".into()),
        kind: IndicatorKind::Outcome,
        name: "SNS の登録者数".into(),
        definition: None,
        unit: Some("人".into()),
        source: None,
        cumulative: false,
        challenge: false,
        baseline: None,
        target: None,
        note: None,
    });
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    let fy = FiscalYear::new(2025).unwrap();
    let edit = |node: &str, status: &str, result: &str| ItemEdit {
        progress: report(node, 2025, status, result),
        indicator_values: Vec::new(),
    };
    let with_value = |mut e: ItemEdit, v: &str| {
        e.indicator_values.push(IndicatorValue {
            indicator: "i-1-1".into(),
            fy,
            value: Decimal::parse(v).unwrap(),
            note: None,
            demo: false,
        });
        e
    };
    // Reporting has not started: refused.
    let err = store
        .save_items(
            &plan,
            &[(edit("1-1", "年度目標達成", "x"), None)],
            false,
            &ed,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    store.open_cycle(&plan, fy, None, "office").await.unwrap();
    store
        .save_item(
            &plan,
            &edit("1-2", "目標に向け実施中", "前の内容"),
            None,
            false,
            &ed,
        )
        .await
        .unwrap();
    let audit_before = store.audit_log(&plan, 1000).await.unwrap().len();
    let untouched = |store: &SqlStore| {
        let store = store.clone();
        let plan = plan.clone();
        async move {
            assert!(store.progress(&plan, "1-1", fy).await.unwrap().is_none());
            let p12 = store.progress(&plan, "1-2", fy).await.unwrap().unwrap();
            assert_eq!(
                (p12.version, p12.progress.result.as_deref()),
                (1, Some("前の内容"))
            );
            assert!(store.progress(&plan, "1-3", fy).await.unwrap().is_none());
            let doc = store.export_plan(&plan).await.unwrap();
            assert!(doc.indicator_values.is_empty(), "an actual was kept");
            assert_eq!(
                store.audit_log(&plan, 1000).await.unwrap().len(),
                audit_before,
                "a refused batch left audit records"
            );
        }
    };

    // The last row is stale (the workbook names version 3, the store has 1).
    let err = store
        .save_items(
            &plan,
            &[
                (
                    with_value(edit("1-1", "年度目標達成", "新規"), "1200"),
                    None,
                ),
                (edit("1-3", "年度目標達成", "新規"), None),
                (edit("1-2", "年度目標達成", "古い版から"), Some(3)),
            ],
            false,
            &ed,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 3,
                current: 1
            }
        ),
        "{err:?}"
    );
    untouched(store).await;

    // A status off the scale in the last row.
    let err = store
        .save_items(
            &plan,
            &[
                (
                    with_value(edit("1-1", "年度目標達成", "新規"), "1200"),
                    None,
                ),
                (edit("1-2", "A", "x"), Some(1)),
            ],
            false,
            &ed,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    untouched(store).await;

    // The same item twice.
    let err = store
        .save_items(
            &plan,
            &[
                (edit("1-1", "年度目標達成", "a"), None),
                (edit("1-1", "年度目標達成", "b"), None),
            ],
            false,
            &ed,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    untouched(store).await;

    // A good batch: every row written, in one go.
    let versions = store
        .save_items(
            &plan,
            &[
                (
                    with_value(edit("1-1", "年度目標達成", "新規"), "1200"),
                    None,
                ),
                (edit("1-2", "年度目標一部達成", "更新"), Some(1)),
            ],
            false,
            &ed,
        )
        .await
        .unwrap();
    assert_eq!(versions, vec![1, 2]);
    let p11 = store.progress(&plan, "1-1", fy).await.unwrap().unwrap();
    assert_eq!(
        (p11.state, p11.progress.result.as_deref()),
        (ReportState::Draft, Some("新規"))
    );
    let back = store.export_plan(&plan).await.unwrap();
    assert_eq!(back.indicator_values.len(), 1);
    assert_eq!(
        back.indicator_values[0].value,
        Decimal::parse("1200").unwrap()
    );

    // Submitting the batch: both submitted, each with its review entry.
    let versions = store
        .save_items(
            &plan,
            &[
                (edit("1-1", "年度目標達成", "提出"), Some(1)),
                (edit("1-2", "年度目標一部達成", "提出"), Some(2)),
            ],
            true,
            &ed,
        )
        .await
        .unwrap();
    assert_eq!(versions, vec![2, 3]);
    for node in ["1-1", "1-2"] {
        let p = store.progress(&plan, node, fy).await.unwrap().unwrap();
        assert_eq!(p.state, ReportState::Submitted);
    }
    assert_eq!(
        store
            .reviews(&plan, Some(fy), None)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.kind == gyokaku_store::ReviewKind::Submit)
            .count(),
        2
    );

    // A submitted item in a batch refuses the whole batch.
    let err = store
        .save_items(
            &plan,
            &[
                (edit("1-3", "年度目標達成", "新規"), None),
                (edit("1-1", "年度目標達成", "再提出"), Some(2)),
            ],
            false,
            &ed,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Refused(gyokaku_domain::Refusal::Locked(ReportState::Submitted))
        ),
        "{err:?}"
    );
    assert!(store.progress(&plan, "1-3", fy).await.unwrap().is_none());

    // A closed year refuses every batch.
    store.close_cycle(&plan, fy, "office").await.unwrap();
    let err = store
        .save_items(
            &plan,
            &[(edit("1-3", "年度目標達成", "新規"), None)],
            false,
            &ed,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(store.progress(&plan, "1-3", fy).await.unwrap().is_none());
}

/// The office edits a draft revision one change at a time (each versioned;
/// a stale or refused edit writes nothing), then adopts it as revision 2;
/// a draft begun before another revision was recorded is a conflict.
/// A plan workbook's structure replaces the draft only when it was made
/// from the latest revision and the draft as it stands: otherwise a
/// conflict, nothing written. The office alone; audited.
async fn replace_draft(store: &SqlStore) {
    use gyokaku_domain::revision::{structure, RevisionOptions};
    use gyokaku_domain::{Actor, Role};
    let doc = read_plan_dir(&example("annaka")).unwrap();
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    let office = Actor::office("office");
    let mut edited = structure(&doc);
    edited.nodes[0].title = "変えた名称".into();
    let editor = Actor {
        login: "ed".into(),
        role: Role::Editor,
        departments: vec![],
    };
    assert!(matches!(
        store
            .replace_draft(&plan, &edited, 1, None, "plan.xlsx", &editor)
            .await,
        Err(StoreError::Refused(_))
    ));
    // Made from a revision that is not the latest.
    assert!(matches!(
        store
            .replace_draft(&plan, &edited, 2, None, "plan.xlsx", &office)
            .await,
        Err(StoreError::RevisionConflict {
            base: 2,
            current: 1
        })
    ));
    let v = store
        .replace_draft(&plan, &edited, 1, None, "plan.xlsx", &office)
        .await
        .unwrap();
    assert_eq!(v, 1);
    // A second workbook made from the revision, not the draft: refused.
    let mut other = structure(&doc);
    other.nodes[0].title = "別の名称".into();
    assert!(matches!(
        store
            .replace_draft(&plan, &other, 1, None, "other.xlsx", &office)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Made from the draft at version 1: taken.
    assert_eq!(
        store
            .replace_draft(&plan, &other, 1, Some(1), "other.xlsx", &office)
            .await
            .unwrap(),
        2
    );
    let draft = store.draft(&plan).await.unwrap().unwrap();
    assert_eq!(draft.doc.nodes[0].title, "別の名称");
    let audit = store.audit_log(&plan, 100).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "upload_plan_workbook")
            .count(),
        2
    );
    // Adopted, the draft's workbook is stale.
    let options = RevisionOptions {
        kind: Some("見直し".into()),
        date: None,
        first_year: Some(gyokaku_domain::FiscalYear::new(2027).unwrap()),
        reason: None,
        decided_by: None,
    };
    store
        .adopt_draft(&plan, &options, 2, &office)
        .await
        .unwrap();
    assert!(matches!(
        store
            .replace_draft(&plan, &other, 1, Some(2), "other.xlsx", &office)
            .await,
        Err(StoreError::RevisionConflict {
            base: 1,
            current: 2
        })
    ));
    assert!(store.draft(&plan).await.unwrap().is_none());
}

async fn draft_then_adopt(store: &SqlStore) {
    use gyokaku_domain::edit::{Edit, NodeFields};
    use gyokaku_domain::revision::RevisionOptions;
    use gyokaku_domain::{walk_nodes, Actor, Role};
    let doc = read_plan_dir(&example("annaka")).unwrap();
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "office")
        .await
        .unwrap();
    let office = Actor::office("office");
    let editor = Actor {
        login: "ed".into(),
        role: Role::Editor,
        departments: vec![],
    };
    let fields = |d: &gyokaku_domain::PlanDocument, id: &str| {
        let (n, _, p) = walk_nodes(&d.nodes)
            .into_iter()
            .find(|(n, _, _)| n.id == id)
            .unwrap();
        NodeFields::of(n, p.map(|p| p.id.as_str()))
    };
    let rename = Edit::Change {
        id: "1-1".into(),
        fields: NodeFields {
            title: "市民ニーズに応じた情報の発信".into(),
            ..fields(&doc, "1-1")
        },
    };
    assert!(matches!(
        store.edit_draft(&plan, &rename, None, &editor).await,
        Err(StoreError::Refused(_))
    ));
    assert_eq!(
        store
            .edit_draft(&plan, &rename, None, &office)
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store.edit_draft(&plan, &rename, None, &office).await,
        Err(StoreError::Conflict {
            expected: 0,
            current: 1
        })
    ));
    let moved = Edit::Change {
        id: "1-2".into(),
        fields: NodeFields {
            parent: Some("2".into()),
            number: Some(9),
            ..fields(&doc, "1-2")
        },
    };
    assert_eq!(
        store
            .edit_draft(&plan, &moved, Some(1), &office)
            .await
            .unwrap(),
        2
    );
    let under_itself = Edit::Change {
        id: "1".into(),
        fields: NodeFields {
            parent: Some("1-3".into()),
            ..fields(&doc, "1")
        },
    };
    match store
        .edit_draft(&plan, &under_itself, Some(2), &office)
        .await
    {
        Err(StoreError::Invalid(m)) => assert!(m.ja.starts_with("parent: "), "{}", m.ja),
        other => panic!("{other:?}"),
    }
    let draft = store.draft(&plan).await.unwrap().unwrap();
    assert_eq!((draft.base, draft.version), (1, 2));
    let options = RevisionOptions {
        kind: Some("見直し".into()),
        first_year: Some(FiscalYear::new(2026).unwrap()),
        ..Default::default()
    };
    assert!(matches!(
        store.adopt_draft(&plan, &options, 1, &office).await,
        Err(StoreError::Conflict { .. })
    ));
    let done = store
        .adopt_draft(&plan, &options, 2, &office)
        .await
        .unwrap();
    assert!(matches!(
        done,
        gyokaku_store::Revised::Revision { number: 2, .. }
    ));
    assert!(store.draft(&plan).await.unwrap().is_none());
    let now = store.export_plan(&plan).await.unwrap();
    assert_eq!(fields(&now, "1-1").title, "市民ニーズに応じた情報の発信");
    assert_eq!(fields(&now, "1-2").parent.as_deref(), Some("2"));

    // A draft begun on revision 2, then revision 3 recorded by an import.
    let retitle = Edit::Change {
        id: "2-1".into(),
        fields: NodeFields {
            title: "職員の育成".into(),
            ..fields(&now, "2-1")
        },
    };
    // Versions go on from the adopted draft's: a form of that draft can
    // never match this one.
    let v = store
        .edit_draft(&plan, &retitle, None, &office)
        .await
        .unwrap();
    assert!(v > 1, "a new draft's first version follows the last: {v}");
    assert!(matches!(
        store.edit_draft(&plan, &retitle, Some(1), &office).await,
        Err(StoreError::Conflict { .. })
    ));
    let mut folder = now.clone();
    folder.nodes[2].title = "別の見直し".into();
    store
        .revise_plan(&folder, &options, Some(2), "office")
        .await
        .unwrap();
    assert!(matches!(
        store.adopt_draft(&plan, &options, v, &office).await,
        Err(StoreError::RevisionConflict {
            base: 2,
            current: 3
        })
    ));
    store.discard_draft(&plan, v, &office).await.unwrap();
    assert!(store.draft(&plan).await.unwrap().is_none());
    assert_eq!(store.revisions(&plan).await.unwrap().len(), 3);
}
