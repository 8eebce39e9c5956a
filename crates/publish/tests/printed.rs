//! What the plan printed, in every output: the synthetic plan under
//! tests/plans/matrix (items on a matrix of two axes and a ○ table, parts,
//! chapters, history, related plans, other numbers, marked terms, no fixed
//! period) published to the site, the open data and the PDF; and the draft
//! mark, present for a draft plan and absent for an adopted one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use gyokaku_domain::{FiscalYear, PlanDocument};
use gyokaku_publish::pdf::FontSet;
use gyokaku_publish::{write_all, Publication};

fn plan(rel: &str) -> PlanDocument {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    gyokaku_interchange::read_plan_dir(&dir).unwrap()
}

fn fonts() -> Option<FontSet> {
    match FontSet::discover() {
        Ok(f) => Some(f),
        Err(e) if std::env::var("GYOKAKU_REQUIRE_FONTS").as_deref() != Ok("1") => {
            eprintln!("SKIPPED the PDF part: no fonts ({e})");
            None
        }
        Err(e) => panic!("GYOKAKU_REQUIRE_FONTS=1 but: {e}"),
    }
}

struct Out {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    pdf: Option<String>,
}

impl Out {
    fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn csv(&self, table: &str) -> Vec<BTreeMap<String, String>> {
        let mut rdr =
            csv::Reader::from_path(self.root.join("data").join(format!("{table}.csv"))).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        rdr.records()
            .map(|r| {
                header
                    .iter()
                    .cloned()
                    .zip(r.unwrap().iter().map(String::from))
                    .collect()
            })
            .collect()
    }
}

fn publish(doc: PlanDocument, year: i32) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let fonts = fonts();
    let p = Publication::new(doc, FiscalYear::new(year).unwrap(), "2026-06-30", vec![]);
    write_all(&p, &root, fonts.as_ref()).unwrap();
    let pdf = fonts.map(|_| {
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(root.join("report.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        String::from_utf8(out.stdout).unwrap()
    });
    Out {
        _dir: dir,
        root,
        pdf,
    }
}

/// Text without any whitespace (the PDF wraps and spaces as it likes).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_matrix_plan_shows_its_structure_everywhere() {
    let out = publish(plan("tests/plans/matrix"), 2025);

    // The plan page: parts, standing period, chapters, history.
    let ja = out.page("ja/plan.html");
    for needle in [
        "第2次浜風市行財政改革実施計画",
        "期間の定めなし",
        "<span lang=\"ja\">第1章</span> <span lang=\"ja\">大綱の趣旨</span>",
        "id=\"ch-ch1-1\"",
        "第1次改訂",
        "令和7年3月24日",
        "第3次浜風市総合計画",
        "浜風市行財政改革推進本部",
        // 第3章 prints the outline: it points to the policies and items.
        "class=\"outline-link\"",
        "策定日: 令和4年3月",
        "延長後の期間は延長の決定文書による。",
        // A related plan that states only its first year.
        "期間: 令和5年度～",
        // An untitled section after the chapter's numbered one.
        "各取組の担当課は、毎年度の実績を行革推進課へ報告します。",
    ] {
        assert!(ja.contains(needle), "ja/plan.html lacks {needle}");
    }
    let en = out.page("en/plan.html");
    assert!(en.contains("No fixed period") && en.contains("History of the plan"));
    // A chapter's English title where the plan gives one, its printed
    // number kept in Japanese.
    assert!(en.contains(
        "<span lang=\"ja\">第1章</span> <span lang=\"en\">Purpose of the outline</span>"
    ));

    // Adopted: no draft mark anywhere.
    for rel in [
        "ja/index.html",
        "ja/plan.html",
        "ja/items.html",
        "en/index.html",
    ] {
        let html = out.page(rel);
        assert!(
            !html.contains("（案）") && !html.contains("(draft)"),
            "{rel} marks a draft"
        );
    }
    assert_eq!(out.csv("plan")[0]["draft"], "false");
    assert_eq!(out.csv("plan")[0]["period_from"], "");

    // The matrix: 1-1-1 in the cell (1) 守る改革 × A デジタルの活用; an
    // empty cell says so.
    let cls = out.page("ja/classifications.html");
    let matrix = &cls[cls.find("class=\"matrix\"").expect("a matrix table")..];
    let matrix = &matrix[..matrix.find("</table>").unwrap()];
    let row = matrix
        .split("<tr>")
        .find(|r| r.contains("(1) 守る改革"))
        .expect("row (1)");
    let cells: Vec<&str> = row.split("<td>").skip(1).collect();
    assert!(cells[0].contains("items/1-1-1.html"), "{row}");
    assert!(!cells[1].contains("items/1-1-1.html"), "{row}");
    assert!(matrix.contains("該当なし"), "an empty cell is marked");
    assert!(cls.contains("class=\"marks-table\"") && cls.contains("○"));
    assert!(cls.contains("今ある市民サービスの水準を、限られた財源で守る取組。"));

    // An item page: each axis with its printed values, SDGs, its other
    // number, and the term its text marks.
    let item = out.page("ja/items/1-1-1.html");
    let block = &item[item
        .find("id=\"classification\"")
        .expect("classification block")..];
    for needle in [
        "改革の姿勢",
        "(1) 守る改革",
        "A デジタルの活用",
        "健全な財政",
        "重点取組",
        "目標16 平和と公正をすべての人に",
    ] {
        assert!(block.contains(needle), "item 1-1-1 lacks {needle}");
    }
    assert!(item.contains("<span lang=\"ja\">実施番号</span>: <span lang=\"ja\">1-①</span>"));
    // The English page prints the English names, marked as English, and
    // Japanese where the plan gives no English.
    let en_item = out.page("en/items/1-1-1.html");
    assert!(en_item.contains("<dt lang=\"en\">Stance</dt>"), "{en_item}");
    assert!(en_item.contains("lang=\"en\">(1) Keep</a>"));
    assert!(en_item.contains("<span lang=\"en\">Implementation number</span>"));

    // Filters without JavaScript: one list per value, linked from the
    // item list and the item page.
    let list = out.page("ja/lists/stance/~E5~AE~88~E3~82~8B.html");
    assert!(list.contains("items/1-1-1.html") && list.contains("aria-current=\"page\""));
    assert!(!list.contains("items/3-1-1.html") || list.contains("守る"));
    assert!(out.page("ja/items.html").contains("lists/stance/"));

    // Open data: the same placements.
    let rows: Vec<_> = out
        .csv("item_classifications")
        .into_iter()
        .filter(|r| r["node_id"] == "1-1-1")
        .map(|r| {
            format!(
                "{}={}{}",
                r["axis_key"],
                if r["value_number"].is_empty() {
                    String::new()
                } else {
                    format!("{} ", r["value_number"])
                },
                r["value_label"]
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "stance=(1) 守る改革",
            "means=A デジタルの活用",
            "theme=健全な財政",
            "priority=該当"
        ]
    );
    assert!(out
        .csv("item_numbers")
        .iter()
        .any(|r| r["node_id"] == "1-1-1" && r["number"] == "1-①"));
    assert!(out
        .csv("revisions")
        .iter()
        .any(|r| r["title"] == "第1次改訂" && r["applies_from"] == "2025"));
    assert!(out
        .csv("glossary_marks")
        .iter()
        .any(|r| r["node_id"] == "1-1-1"));
    assert!(out
        .csv("chapters")
        .iter()
        .any(|r| r["chapter_id"] == "ch1-1" && r["parent_id"] == "ch1"));

    // The PDF: the matrix, the item's classification, the appendix.
    if let Some(pdf) = &out.pdf {
        let text = squash(pdf);
        for needle in [
            "取組の分類",
            "改革の姿勢と手段",
            "改革の姿勢(1)守る改革",
            "目標16平和と公正をすべての人に",
            "実施番号1-①",
            "用語※1RPA",
            "資料:計画の概要",
            "第1章大綱の趣旨",
            "第1次改訂",
            "期間の定めなし",
        ] {
            assert!(text.contains(needle), "the PDF lacks {needle}");
        }
        assert!(!text.contains("（案）"), "an adopted plan is no draft");
    }
}

#[test]
fn a_draft_plan_is_marked_as_one() {
    // 石岡's plan is a draft (案) without a period.
    let doc = plan("examples/ishioka");
    assert!(doc.header.plan.draft);
    let out = publish(doc, 2024);
    for rel in ["ja/index.html", "ja/plan.html", "ja/items.html"] {
        assert!(out.page(rel).contains("（案）"), "{rel} marks the draft");
    }
    assert!(out.page("en/plan.html").contains("(draft)"));
    // A draft without a period has not fixed it yet (not a standing plan).
    assert!(out.page("ja/plan.html").contains("期間未定"));
    assert!(!out.page("ja/plan.html").contains("期間の定めなし"));
    // Its only axes are flags: the classification page lists their items.
    let cls = out.page("ja/classifications.html");
    let flag = &cls[cls.find(">重点</h2>").expect("the 重点 flag's list")..];
    assert!(flag[..flag.find("</ul>").unwrap()].contains("items/"));
    assert_eq!(out.csv("plan")[0]["draft"], "true");
    if let Some(pdf) = &out.pdf {
        assert!(squash(pdf).contains("（案）"));
    }
}
