//! Publishing: the same data gives the same bytes (only the declared date
//! varies), every link of the site resolves to a file of the site, no page
//! loads anything from elsewhere, and an open year is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gyokaku_domain::{Direction, FiscalYear, PlanDocument, Progress, StatusLevel, Yen};
use gyokaku_publish::{write_all, Publication};
use gyokaku_store::{CycleState, OnExisting, SqlStore};

fn example(name: &str) -> PlanDocument {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    gyokaku_interchange::read_plan_dir(&dir).unwrap()
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

/// 石岡市 with a scale and a report for every item in R5 and R6.
fn ishioka() -> PlanDocument {
    let mut doc = example("ishioka");
    doc.header.status_scale = [("A", "順調", true), ("B", "遅れ", false)]
        .into_iter()
        .map(|(c, l, a)| StatusLevel {
            code: c.into(),
            label: l.into(),
            label_en: None,
            achieved: a,
        })
        .collect();
    let leaves: Vec<String> = gyokaku_domain::walk_nodes(&doc.nodes)
        .into_iter()
        .filter(|(n, _, _)| n.children.is_empty())
        .map(|(n, _, _)| n.id.clone())
        .collect();
    for (i, id) in leaves.iter().enumerate() {
        for y in [2023, 2024] {
            doc.progress.push(Progress {
                node: id.clone(),
                fy: fy(y),
                status: Some(
                    if (i + y as usize).is_multiple_of(3) {
                        "B"
                    } else {
                        "A"
                    }
                    .into(),
                ),
                result: Some(format!("{y}年度の実績 <script>alert(1)</script>")),
                self_evaluation: None,
                direction: Some(Direction::Continue),
                spending_cut: (i % 4 == 0).then_some(Yen(3_000_000)),
                revenue: None,
                demo: false,
            });
        }
    }
    doc
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn publish(
    doc: &PlanDocument,
    year: i32,
    date: &str,
) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let p = Publication::new(doc.clone(), fy(year), date, vec![]);
    // The PDF report has its own tests (tests/pdf.rs), which need fonts.
    write_all(&p, dir.path(), None).unwrap();
    let f = files(dir.path());
    (dir, f)
}

#[test]
fn the_same_data_gives_the_same_bytes_and_only_the_date_varies() {
    for (doc, year) in [
        (ishioka(), 2024),
        (example("annaka"), 2025),
        (example("tomakomai"), 2023),
    ] {
        let (_a, first) = publish(&doc, year, "2026-06-30");
        let (_b, again) = publish(&doc, year, "2026-06-30");
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            again.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &first {
            assert!(again[name] == *bytes, "{name} differs between two runs");
        }
        let (_c, other) = publish(&doc, year, "2027-01-15");
        let neutral = |b: &[u8], iso: &str, wareki: &str| {
            String::from_utf8_lossy(b)
                .replace(iso, "DATE")
                .replace(wareki, "DATE")
        };
        let mut changed = 0;
        for (name, bytes) in &first {
            if other[name] != *bytes {
                changed += 1;
            }
            // Compressed files (workbook, PDF) carry the date inside: they
            // are checked byte for byte with the same date above.
            if name.ends_with(".xlsx") || name.ends_with(".pdf") {
                continue;
            }
            assert_eq!(
                neutral(bytes, "2026-06-30", "令和8年6月30日"),
                neutral(&other[name], "2027-01-15", "令和9年1月15日"),
                "{name}: only the publication date may differ"
            );
        }
        assert!(changed > 0, "the date is in the output");
    }
}

/// Relative `href` and `src` values of an HTML page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn every_link_resolves_and_nothing_is_loaded_from_elsewhere() {
    for (doc, year) in [(ishioka(), 2024), (example("annaka"), 2025)] {
        let (dir, all) = publish(&doc, year, "2026-06-30");
        let mut pages = 0;
        for (name, bytes) in &all {
            if !name.ends_with(".html") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8(bytes.clone()).unwrap();
            assert!(!html.contains("<script>alert"), "{name}: text is escaped");
            for l in links(&html) {
                if l.starts_with('#') {
                    continue;
                }
                assert!(
                    !l.contains("://") && !l.starts_with("//"),
                    "{name} loads or links outside the site: {l}"
                );
                let target: PathBuf = dir
                    .path()
                    .join(Path::new(name).parent().unwrap())
                    .join(l.split('#').next().unwrap());
                assert!(target.exists(), "{name}: broken link {l}");
            }
        }
        assert!(pages > 10, "{pages} pages");
    }
}

#[test]
fn the_site_shows_the_plan_in_both_languages() {
    let (_dir, all) = publish(&example("annaka"), 2025, "2026-06-30");
    let page = |n: &str| String::from_utf8(all[n].clone()).unwrap();
    let ja = page("ja/index.html");
    assert!(ja.contains("<html lang=\"ja\">"));
    assert!(ja.contains("安中市行政改革大綱"));
    let en = page("en/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Status summary"));
    assert!(
        en.contains("<span lang=\"ja\">第4次 安中市行政改革大綱</span>"),
        "content keeps its language, and the title reads as the cover prints it"
    );
    let item = page("ja/items/1-1.html");
    assert!(item.contains("市民ニーズに応じたわかりやすい情報の発信"));
    let fiscal = page("ja/fiscal.html");
    assert!(fiscal.contains("類似団体との比較") && fiscal.contains("role=\"img\""));
    // 安中's glossary terms are linked where they appear in the text.
    let linked = all
        .iter()
        .filter(|(n, _)| n.starts_with("ja/") && n.ends_with(".html"))
        .any(|(_, b)| String::from_utf8_lossy(b).contains("class=\"term\" href=\""));
    assert!(linked, "glossary terms are marked in the text");
    assert!(all.contains_key("data/datapackage.json"));
    assert!(all.contains_key("assets/search-ja.js"));
}

/// 安中's 第3次 plan printed its yearly status counts (図表-2): the site
/// and the open data carry them as printed, apart from computed summaries.
#[test]
fn summaries_printed_in_the_plan_are_published_as_printed() {
    let (_dir, all) = publish(&example("annaka-3"), 2020, "2026-06-30");
    let top = String::from_utf8(all["ja/index.html"].clone()).unwrap();
    let at = top
        .find("計画書に記載された集計")
        .expect("a section of its own");
    let table = &top[at..top[at..].find("</table>").unwrap() + at];
    assert!(table.contains("図表-2") && table.contains("年度目標一部達成"));
    // R2 as printed: 0, 9, 15, 7, 4, 0 of 35.
    let r2 = &table[table.find("令和2(2020)年度").expect("R2 row")..];
    let r2 = &r2[..r2.find("</tr>").unwrap()];
    let cells: Vec<&str> = r2
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| &c[..c.find("</td>").unwrap()])
        .collect();
    assert_eq!(cells, ["0", "9", "15", "7", "4", "0", "35"]);
    assert!(
        top.contains("id=\"no-items\"") && !top.contains("id=\"summary\""),
        "a plan without items shows no computed summary"
    );
    let en = String::from_utf8(all["en/index.html"].clone()).unwrap();
    assert!(en.contains("Summary printed in the plan"));
    let csv = String::from_utf8(all["data/recorded_summaries.csv"].clone()).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("lgcode,plan_id,summary_no,title,source,fy,"));
    assert!(
        csv.lines()
            .any(|l| l.contains(",図表-2,2020,3,年度目標一部達成,15,35,")),
        "{csv}"
    );
    let pkg = String::from_utf8(all["data/datapackage.json"].clone()).unwrap();
    assert!(pkg.contains("\"recorded_summaries\""));
}

#[tokio::test]
async fn an_open_year_is_refused_and_a_closed_one_published() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::connect(&format!(
        "sqlite://{}",
        dir.path().join("p.sqlite").display()
    ))
    .await
    .unwrap();
    let plan = store
        .import_plan(&example("annaka"), OnExisting::Refuse, "test")
        .await
        .unwrap();
    store
        .open_cycle(&plan, fy(2025), None, "test")
        .await
        .unwrap();
    let refused = Publication::load(&store, &plan, fy(2025), "2026-06-30").await;
    assert!(
        matches!(refused, Err(gyokaku_publish::PublishError::Open(y)) if y == fy(2025)),
        "{refused:?}"
    );
    let closed = store.close_cycle(&plan, fy(2025), "test").await.unwrap();
    assert_eq!(closed.state, CycleState::Closed);
    let p = Publication::load(&store, &plan, fy(2025), "2026-06-30")
        .await
        .unwrap();
    assert_eq!(p.fy, fy(2025));
    for bad in ["30/06/2026", "2026-02-30"] {
        let bad_date = Publication::load(&store, &plan, fy(2025), bad).await;
        assert!(
            matches!(bad_date, Err(gyokaku_publish::PublishError::Date(_))),
            "{bad}"
        );
    }
}

#[test]
fn the_workbook_holds_the_tables_for_people() {
    use calamine::{Data, Reader, Xlsx};
    let (dir, _) = publish(&ishioka(), 2024, "2026-06-30");
    let mut wb: Xlsx<_> = calamine::open_workbook(dir.path().join("data/tables.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "説明");
    assert!(names.iter().any(|n| n == "実施状況"), "{names:?}");
    let range = wb.worksheet_range("実施状況").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let year = header
        .iter()
        .position(|h| h == "年度（西暦）")
        .expect("a western year column");
    assert_eq!(header[year + 1], "年度（和暦）", "{header:?}");
    let first = range.rows().nth(2).unwrap();
    assert_eq!(first[year], Data::Float(2023.0), "years are numbers");
    assert_eq!(first[year + 1].to_string(), "令和5年度");
    assert_eq!(
        range.rows().nth(1).unwrap()[0].to_string(),
        "lgcode",
        "CSV column names beneath"
    );
}
