//! `gyokaku publish` into a folder that already holds a publication: the
//! old one is replaced whole (stale pages go), every run is audited, and a
//! run killed at any moment leaves a complete publication behind — the old
//! one or the new one, never half of either.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use gyokaku_domain::LocalGovCode;
use gyokaku_store::{OnExisting, PlanRef, SqlStore};

fn gyokaku(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gyokaku"));
    c.arg("--db").arg(db);
    c
}

const PUBLISH: [&str; 10] = [
    "publish",
    "--city",
    "102113",
    "--plan",
    "taiko-4",
    "--fy",
    "2025",
    "--date",
    "2026-06-30",
    "--out",
];

fn complete(dir: &Path) -> bool {
    [
        "index.html",
        "ja/index.html",
        "data/datapackage.json",
        "data/tables.xlsx",
        "report.pdf",
    ]
    .iter()
    .all(|f| dir.join(f).is_file())
}

/// Hidden folders the procedure leaves beside `out` while it works.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_again_replaces_the_folder_whole_and_survives_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("p.sqlite").display());
    let store = SqlStore::connect(&db).await.unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/annaka");
    let doc = gyokaku_interchange::read_plan_dir(&dir).unwrap();
    store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    let plan = PlanRef {
        city: LocalGovCode::parse("102113").unwrap(),
        plan: "taiko-4".into(),
    };
    let out = tmp.path().join("out");
    let run = |extra: &[&str]| {
        let o = gyokaku(&db)
            .args(PUBLISH)
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };

    // A first publication, then a page that the next one does not have.
    let started = std::time::Instant::now();
    run(&[]);
    let whole_run = started.elapsed();
    assert!(complete(&out));
    std::fs::write(out.join("ja/stale.html"), "old page").unwrap();
    run(&[]);
    assert!(complete(&out));
    assert!(
        !out.join("ja/stale.html").exists(),
        "stale pages are removed"
    );
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
    let audit = store.audit_log(&plan, 100).await.unwrap();
    let published: Vec<_> = audit.iter().filter(|a| a.action == "publish").collect();
    assert_eq!(published.len(), 2, "each run is audited");
    assert!(published[0].actor.starts_with("cli:"));
    assert!(published[0]
        .after
        .as_deref()
        .unwrap_or("")
        .contains("2026-06-30"));

    // Killed at several moments of a run (the files are written at its
    // end, after typesetting): what is at `out` is always a whole
    // publication; the next run cleans up and succeeds.
    for percent in [10u32, 50, 80, 88, 92, 95, 97, 99, 101] {
        let delay_ms = (whole_run * percent / 100).as_millis() as u64;
        std::fs::write(out.join("ja/marker.html"), "from before the kill").unwrap();
        let mut child = gyokaku(&db)
            .args(PUBLISH)
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        eprintln!(
            "killed after {delay_ms} ms ({status}): beside: {:?}",
            leftovers(tmp.path())
        );
        if out.exists() {
            assert!(
                complete(&out),
                "killed after {delay_ms} ms: a half publication at out"
            );
        } else {
            // Killed between the two renames of the swap: the old folder
            // waits beside, whole, and the next run puts it back first.
            let aside: Vec<_> = leftovers(tmp.path())
                .into_iter()
                .filter(|n| n.starts_with(".out.old-"))
                .collect();
            assert_eq!(aside.len(), 1, "killed after {delay_ms} ms");
            assert!(complete(&tmp.path().join(&aside[0])));
        }
        run(&[]);
        assert!(complete(&out));
        assert!(!out.join("ja/marker.html").exists());
        assert!(
            leftovers(tmp.path()).is_empty(),
            "after {delay_ms} ms: {:?}",
            leftovers(tmp.path())
        );
    }

    // The same, made deterministic: a run killed while writing left a
    // partial folder, and one killed mid-swap left the old folder aside
    // with nothing at `out`. The next run puts the old one back, then
    // replaces it whole and removes both leftovers.
    std::fs::create_dir_all(tmp.path().join(".out.new-1-1/ja")).unwrap();
    std::fs::write(tmp.path().join(".out.new-1-1/ja/half.html"), "half").unwrap();
    std::fs::rename(&out, tmp.path().join(".out.old-1-2")).unwrap();
    run(&[]);
    assert!(complete(&out));
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );

    // A target that is a file is refused, and the file is left alone.
    let file = tmp.path().join("file");
    std::fs::write(&file, "not a folder").unwrap();
    let o = gyokaku(&db).args(PUBLISH).arg(&file).output().unwrap();
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}
