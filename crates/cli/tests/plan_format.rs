//! The plan format's printed parts, end to end (docs/plan-format.md).
//!
//! `tests/plans/matrix` is a synthetic plan of 浜風市, a city that does not
//! exist, using every one of them: titled parts, front chapters, an earlier
//! plan with its adoption and history, revision details, related plans, a
//! named numbering, printed axis-value numbers, an unnamed level, a matrix
//! of two single axes beside a ○ table of a multi axis, glossary marks, and
//! no period although it is adopted. It must pass `gyokaku check` and the
//! JSON Schemas (scripts/check-schemas.py), and survive import then export
//! byte for byte on SQLite and, where GYOKAKU_TEST_POSTGRES_URL is set (as
//! scripts/test sets it), on PostgreSQL.
//!
//! Each folder under `tests/plans/bad/` is that plan with one fault. `check`
//! must name the file and the field and say what is wrong in Japanese and
//! English; the schema script must reject the folder too exactly where JSON
//! Schema can express the rule (see `SchemaVerdict`).
//!
//! The schema part needs python3 with jsonschema and PyYAML; without them
//! it is skipped with a message, unless GYOKAKU_REQUIRE_SCHEMAS=1 (as
//! scripts/test sets it after installing them), which makes it a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gyokaku_domain::classify;
use gyokaku_domain::{walk_chapters, walk_nodes, AxisKind, PlanModel};

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

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A folder under tests/plans/: `matrix`, `bad/chapter-bad-id` …
fn plan(name: &str) -> PathBuf {
    repo().join("tests/plans").join(name)
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("t.sqlite").display())
}

/// `gyokaku check DIR`, on a database of its own so that nothing outside
/// the test is read.
fn check(dir: &Path) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    gyokaku(&sqlite_url(tmp.path()), &["check", dir.to_str().unwrap()])
}

/// scripts/check-schemas.py on one folder; `None` (a skip, said on stderr)
/// when python3 cannot import jsonschema and PyYAML and
/// GYOKAKU_REQUIRE_SCHEMAS is not 1.
fn schemas(dir: &Path) -> Option<Output> {
    let usable = Command::new("python3")
        .args(["-c", "import jsonschema, yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !usable {
        if std::env::var("GYOKAKU_REQUIRE_SCHEMAS").as_deref() == Ok("1") {
            panic!(
                "GYOKAKU_REQUIRE_SCHEMAS=1 but python3 cannot import jsonschema and yaml \
                 (pip install jsonschema pyyaml)"
            );
        }
        eprintln!(
            "SKIPPED the JSON Schema part: python3 with jsonschema and PyYAML not found \
             (pip install jsonschema pyyaml; scripts/test installs them and sets \
             GYOKAKU_REQUIRE_SCHEMAS=1)"
        );
        return None;
    }
    Some(
        Command::new("python3")
            .arg(repo().join("scripts/check-schemas.py"))
            .arg(dir)
            .output()
            .expect("run python3 scripts/check-schemas.py"),
    )
}

// ------------------------------------------------------------ the fixture

#[test]
fn the_matrix_plan_passes_check_and_the_schemas() {
    let dir = plan("matrix");
    let out = check(&dir);
    assert!(
        out.status.success(),
        "gyokaku check refused tests/plans/matrix:\n{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("OK: 浜風市 浜風市行財政改革大綱"));

    let Some(out) = schemas(&dir) else { return };
    let said = text(&out.stdout);
    assert!(
        out.status.success(),
        "the JSON Schemas refused tests/plans/matrix:\n{said}{}",
        text(&out.stderr)
    );
    for file in [
        "plan.yaml",
        "departments.yaml",
        "nodes.yaml",
        "glossary.yaml",
    ] {
        assert!(
            said.contains(&format!("ok: {}", dir.join(file).display())),
            "{file} was not checked:\n{said}"
        );
    }
}

/// The fixture is worth its name only while it holds what it is meant to
/// test; this fails if an edit quietly drops one of the additions.
#[test]
fn the_matrix_plan_uses_every_addition() {
    let doc = gyokaku_interchange::read_plan_dir(&plan("matrix")).expect("a valid plan");
    let h = &doc.header;
    assert!(
        h.plan.period.is_none() && !h.plan.draft,
        "adopted, without a period"
    );
    assert_eq!(h.plan.parts.len(), 2, "a 大綱 part and an 実施計画 part");
    assert!(h.plan.parts[1].period.is_some() && !h.plan.parts[1].levels.is_empty());
    assert!(h.chapters.iter().any(|c| !c.children.is_empty()));
    assert!(
        h.chapters.iter().any(|c| c.outline),
        "a chapter holding the outline"
    );
    assert!(
        walk_chapters(&h.chapters)
            .iter()
            .any(|(c, _)| c.title.is_none() && c.number.is_none()),
        "an untitled section"
    );
    assert!(
        h.axes
            .iter()
            .flat_map(|a| &a.values)
            .any(|v| v.description.is_some()),
        "an axis value with its description"
    );
    assert!(h.related_plans.iter().any(|r| r.adopted.is_some()));
    assert!(
        h.related_plans
            .iter()
            .any(|r| r.period.is_some_and(|s| s.to.is_none())),
        "a related plan open at its end"
    );
    let earlier = &h.predecessors[0];
    assert!(earlier.adopted.is_some() && earlier.note.is_some());
    assert!(earlier.revisions.iter().any(|r| r.period.is_some()));
    assert!(h.revisions.iter().any(|r| r.title.is_some()
        && r.applies_from.is_some()
        && r.period.is_some()
        && r.reason.is_some()
        && r.decided_by.is_some()));
    assert!(
        h.levels.iter().any(|l| l.name.is_none()),
        "an unnamed level"
    );
    assert!(!h.status_scale.is_empty());
    assert!(h
        .axes
        .iter()
        .any(|a| a.values.iter().any(|v| v.number.is_some())));
    for kind in [AxisKind::Single, AxisKind::Multi, AxisKind::Flag] {
        assert!(h.axes.iter().any(|a| a.kind == kind), "{kind:?} axis");
    }
    let numbering = &h.numberings[0].key;
    let nodes = walk_nodes(&doc.nodes);
    assert!(nodes
        .iter()
        .any(|(n, _, _)| n.numbers.contains_key(numbering)));
    assert!(nodes.iter().any(|(n, _, _)| !n.sdgs.is_empty()));
    assert!(!doc.organisation.departments.is_empty());
    let chapters = walk_chapters(&h.chapters);
    let marks: Vec<_> = doc.glossary.iter().flat_map(|t| &t.marks).collect();
    assert!(marks
        .iter()
        .any(|m| m.node.is_some() && m.chapter.is_none()));
    assert!(marks.iter().any(|m| m
        .chapter
        .as_ref()
        .is_some_and(|c| chapters.iter().any(|(ch, depth)| &ch.id == c && *depth > 0))));

    // The matrix: 3 stances × 2 means, one cell empty, one with two items;
    // 2-1-1 and 2-1-2 take their stance from the node above them.
    let model = PlanModel::new(doc);
    let tables = classify::matrices(&model);
    assert_eq!(tables.len(), 1);
    let cells: Vec<Vec<Vec<&str>>> = tables[0]
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| cell.iter().map(|&i| model.items[i].id.as_str()).collect())
                .collect()
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            vec![vec!["1-1-1"], vec!["1-1-2", "1-2-1"]],
            vec![vec!["1-2-2"], vec![]],
            vec![vec!["2-1-1"], vec!["2-1-2"]],
        ]
    );
}

// ---------------------------------------------------------- the bad cases

/// What the JSON Schemas say of a fault.
///
/// A schema judges one file at a time, each value against fixed rules: it
/// can require, forbid and pattern-match fields ("exactly one of node and
/// chapter", "an id of letters, digits, - and _"). It cannot look a value
/// up anywhere else — a node's axis value or numbering key among those
/// plan.yaml declares, the kind of the axis a matrix names (another part of
/// the same file: standard JSON Schema has no way to compare one value with
/// another) — nor follow what an item inherits from the nodes above it.
/// Those rules belong to `gyokaku check` alone, and the schema script must
/// accept such a folder.
#[derive(Debug)]
enum SchemaVerdict {
    /// Rejected by the schema too, at this JSON path.
    Rejects(&'static str),
    /// Beyond JSON Schema; accepted.
    Accepts,
}

struct BadCase {
    /// The folder under tests/plans/bad/.
    case: &'static str,
    file: &'static str,
    /// The field as `check` names it, in brackets after the file.
    path: &'static str,
    ja: &'static str,
    en: &'static str,
    schema: SchemaVerdict,
}

const BAD_CASES: [BadCase; 10] = [
    // Axis values are declared in plan.yaml; nodes.schema.json cannot see them.
    BadCase {
        case: "matrix-unknown-value",
        file: "nodes.yaml",
        path: "[id=1-2-2].axes.stance[0]",
        ja: "「壊す」は「改革の姿勢」の分類にありません",
        en: "'壊す' is not a value of '改革の姿勢'",
        schema: SchemaVerdict::Accepts,
    },
    // Whether an axis is single is said in plan.yaml; in nodes.yaml every
    // axis mark is a list of codes.
    BadCase {
        case: "two-single-values",
        file: "nodes.yaml",
        path: "[id=1-1-1].axes.means",
        ja: "「手段」はコードを一つだけ書きます",
        en: "'手段' takes exactly one code",
        schema: SchemaVerdict::Accepts,
    },
    // Which axes form a matrix, which level holds the items and what an
    // item inherits from above are not in nodes.yaml.
    BadCase {
        case: "matrix-missing-cell",
        file: "nodes.yaml",
        path: "[id=1-2-2].axes.means",
        ja: "この取組にはマトリクスの軸「手段」の値がありません",
        en: "this item has no value on the matrix axis '手段'",
        schema: SchemaVerdict::Accepts,
    },
    // A value on a group and another on its item: one file, but the rule
    // follows the tree and which level holds the items.
    BadCase {
        case: "inherited-two-values",
        file: "nodes.yaml",
        path: "[id=2-1-2].axes.stance",
        ja: "「改革の姿勢」は一つの値だけの分類ですが、この取組は上位の項目から受け継いだ値と合わせて 2 個の値を持ちます",
        en: "'改革の姿勢' takes one value, but this item has 2 with those inherited",
        schema: SchemaVerdict::Accepts,
    },
    // One object's own fields: oneOf [required node, required chapter].
    BadCase {
        case: "mark-node-and-chapter",
        file: "glossary.yaml",
        path: "[0].marks[0]",
        ja: "node（項目 id）か chapter（章 id）のどちらか一方を書きます",
        en: "give either node (a node id) or chapter (a chapter id), not both or neither",
        schema: SchemaVerdict::Rejects("$[0].marks[0]"),
    },
    // Numbering keys are declared in plan.yaml.
    BadCase {
        case: "unknown-numbering",
        file: "nodes.yaml",
        path: "[id=1-1-1].numbers.kanri",
        ja: "番号の付け方「kanri」は plan.yaml の numberings にありません",
        en: "numbering 'kanri' is not in plan.yaml numberings",
        schema: SchemaVerdict::Accepts,
    },
    // One value against a pattern.
    BadCase {
        case: "chapter-bad-id",
        file: "plan.yaml",
        path: "chapters[id=ch 2].id",
        ja: "章 id「ch 2」は英数字・ハイフン・下線で書いてください",
        en: "chapter id 'ch 2' must use letters, digits, '-' and '_'",
        schema: SchemaVerdict::Rejects("$.chapters[1].id"),
    },
    // The same file, but the rule ties matrices[0].columns to the kind of
    // the axis with that key: a comparison of two values.
    BadCase {
        case: "matrix-multi-axis",
        file: "plan.yaml",
        path: "matrices[0].columns",
        ja: "マトリクスの軸「テーマ」は kind: single（一つの値）である必要があります",
        en: "matrix axis 'テーマ' must be of kind single",
        schema: SchemaVerdict::Accepts,
    },
    // A merger names a node elsewhere in the tree.
    BadCase {
        case: "retired-into-unknown",
        file: "nodes.yaml",
        path: "[id=1-1-2].retired.into",
        ja: "統合先の項目「9-9」は nodes.yaml にありません",
        en: "node '9-9' (merged into) is not in nodes.yaml",
        schema: SchemaVerdict::Accepts,
    },
    // Whether a node sits under a retired one follows the tree.
    BadCase {
        case: "retired-parent-live-child",
        file: "nodes.yaml",
        path: "[id=1-2-1]",
        ja: "項目「1-2-1」は廃止・統合された「1-2」の下にあります",
        en: "node '1-2-1' sits under retired node '1-2'",
        schema: SchemaVerdict::Accepts,
    },
];

#[test]
fn every_bad_folder_has_a_case() {
    let mut folders: Vec<String> = std::fs::read_dir(plan("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut cases: Vec<String> = BAD_CASES.iter().map(|c| c.case.to_string()).collect();
    cases.sort();
    assert_eq!(folders, cases, "tests/plans/bad/ and BAD_CASES differ");
}

#[test]
fn check_names_the_file_the_field_and_the_fault() {
    for c in &BAD_CASES {
        let out = check(&plan(&format!("bad/{}", c.case)));
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{}: check accepted it", c.case);
        assert!(
            err.contains("1 件のエラー / 1 error(s)"),
            "{}: not exactly one fault:\n{err}",
            c.case
        );
        // `  …/bad/CASE/FILE [PATH]: 日本語 / English`
        let at = format!("bad/{}/{} [{}]: ", c.case, c.file, c.path);
        let line = err
            .lines()
            .find(|l| l.contains(&at))
            .unwrap_or_else(|| panic!("{}: no error at {at:?} in:\n{err}", c.case));
        for part in [c.ja, c.en] {
            assert!(
                line.contains(part),
                "{}: {part:?} missing in:\n{line}",
                c.case
            );
        }
    }
}

#[test]
fn the_schemas_reject_what_json_schema_can_express() {
    for c in &BAD_CASES {
        let Some(out) = schemas(&plan(&format!("bad/{}", c.case))) else {
            return;
        };
        let said = text(&out.stdout);
        match c.schema {
            SchemaVerdict::Rejects(json_path) => {
                assert!(!out.status.success(), "{}: accepted:\n{said}", c.case);
                let errors: Vec<&str> = said.lines().filter(|l| l.starts_with("error:")).collect();
                let at = format!("bad/{}/{}: {json_path}: ", c.case, c.file);
                assert!(
                    errors.len() == 1 && errors[0].contains(&at),
                    "{}: expected one error at {at:?}, got:\n{said}",
                    c.case
                );
            }
            SchemaVerdict::Accepts => assert!(
                out.status.success(),
                "{}: the schema was not expected to see this fault; it said:\n{said}{}",
                c.case,
                text(&out.stderr)
            ),
        }
    }
}

// ------------------------------------------------------------- round trip

/// Imports tests/plans/matrix into `db` and exports it: the same files,
/// byte for byte, and no others.
fn import_then_export_gives_the_same_bytes(db: &str, out: &Path) {
    let fixture = plan("matrix");
    let done = gyokaku(db, &["import", fixture.to_str().unwrap()]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let done = gyokaku(
        db,
        &[
            "export",
            "--city",
            "990019",
            "--plan",
            "taiko-2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(done.status.success(), "{}", text(&done.stderr));
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(out), names(&fixture));
    for name in names(&fixture) {
        let a = std::fs::read(fixture.join(&name)).unwrap();
        let b = std::fs::read(out.join(&name)).unwrap();
        assert!(a == b, "matrix/{name} differs after import and export");
    }
}

#[test]
fn the_matrix_plan_round_trips_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    import_then_export_gives_the_same_bytes(&sqlite_url(tmp.path()), &tmp.path().join("out"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_plan_round_trips_on_postgres() {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("GYOKAKU_TEST_POSTGRES_URL") else {
        if std::env::var("GYOKAKU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("GYOKAKU_REQUIRE_POSTGRES=1 but GYOKAKU_TEST_POSTGRES_URL is not set");
        }
        eprintln!("SKIPPED on PostgreSQL: set GYOKAKU_TEST_POSTGRES_URL (scripts/test does)");
        return;
    };
    let name = format!("gyokaku_plan_format_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    let tmp = tempfile::tempdir().unwrap();
    import_then_export_gives_the_same_bytes(&format!("{base}/{name}"), &tmp.path().join("out"));
}

/// A faulty folder is refused by `import` as by `check`, with the same
/// located error, and nothing of it is stored.
#[test]
fn a_bad_folder_is_not_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_url(tmp.path());
    let dir = plan("bad/matrix-missing-cell");
    let out = gyokaku(&db, &["import", dir.to_str().unwrap()]);
    assert!(!out.status.success(), "the import was refused");
    let err = text(&out.stderr);
    assert!(
        err.contains("nodes.yaml") && err.contains("マトリクス") && err.contains("matrix axis"),
        "{err}"
    );
    let listed = gyokaku(&db, &["plans"]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    assert_eq!(text(&listed.stdout).trim(), "", "nothing was stored");
}
