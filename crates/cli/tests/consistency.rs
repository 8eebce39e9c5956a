//! One state, every output: the same plan and year, set up through the
//! store's real use cases, must give the same counts in the dashboard's
//! HTML, `gyokaku report status --format json`, the published site,
//! `status_summary.csv`, `tables.xlsx` and the PDF's text. The expected
//! counts are written here by hand, from the plans and the reports this
//! test makes, not computed by the code under test.
//!
//! Runs on a SQLite file and, where GYOKAKU_TEST_POSTGRES_URL is set (as
//! scripts/test sets it), on PostgreSQL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gyokaku_domain::{Actor, DeptRef, FiscalYear, PlanDocument, Progress, Role};
use gyokaku_store::{ItemEdit, NewUser, OnExisting, PlanRef, SqlStore};

/// Reported, unreported and the achieved share as printed ("50%" or "—").
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counts {
    reported: u32,
    unreported: u32,
    achieved: String,
}

fn c(reported: u32, unreported: u32, achieved: &str) -> Counts {
    Counts {
        reported,
        unreported,
        achieved: achieved.to_string(),
    }
}

/// What one output says: the whole plan, and groups by their label.
#[derive(Debug, Default)]
struct Said {
    whole: Option<Counts>,
    policies: BTreeMap<String, Counts>,
    departments: BTreeMap<String, Counts>,
}

/// The answers a case expects, written by hand.
struct Expected {
    whole: Counts,
    /// Policy headings as the plan prints them (a prefix is enough where
    /// a long heading may be wrapped in the PDF).
    policies: Vec<(&'static str, Counts)>,
    departments: Vec<(&'static str, Counts)>,
    /// A status code off the scale and how many items carry it.
    off_scale: Option<(&'static str, u32)>,
    /// Some items' classification as the plan prints it: (item, [(axis,
    /// values joined by 、)]). Every output must also agree with the
    /// others on every item.
    classes: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn read(name: &str) -> PlanDocument {
    gyokaku_interchange::read_plan_dir(&example(name)).unwrap()
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn report(node: &str, year: i32, status: Option<&str>) -> Progress {
    Progress {
        node: node.into(),
        fy: fy(year),
        status: status.map(str::to_string),
        result: Some("実施した".into()),
        self_evaluation: None,
        direction: None,
        spending_cut: None,
        revenue: None,
        demo: false,
    }
}

fn gyokaku(db: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_gyokaku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gyokaku {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

// ------------------------------------------------------------------ cases

/// 苫小牧: no status scale, 21 items, 21 accepted reports without a status.
async fn no_scale(store: &SqlStore) -> (PlanRef, FiscalYear, Expected) {
    let mut doc = read("tomakomai");
    for n in &doc.nodes {
        doc.progress.push(report(&n.id, 2020, None));
    }
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    let expected = Expected {
        whole: c(21, 0, "—"),
        policies: vec![],
        // A 部 counts the items of its 課 (an item of two 部 in both).
        departments: vec![
            ("総務部", c(10, 0, "—")),
            ("総務部 総務課", c(2, 0, "—")),
            ("消防本部 総務課", c(1, 0, "—")),
            ("市民生活部", c(9, 0, "—")),
            ("市民生活部 窓口サービス課", c(6, 0, "—")),
            ("財政部", c(5, 0, "—")),
        ],
        off_scale: None,
        classes: vec![],
    };
    (plan, fy(2020), expected)
}

/// 安中 第4次 in FY2025 played through the cycle: accepted, draft,
/// submitted and returned reports, a 部's editor, and one accepted status
/// changed behind the program's back to a code not on the scale.
async fn mixed_year(store: &SqlStore, db: &str) -> (PlanRef, FiscalYear, Expected) {
    let mut doc = read("annaka");
    // 安中 names no departments on items: give some to a 課 of a 部.
    doc.nodes[0].children[0].departments = vec!["企画政策部/政策・デジタル推進課".into()];
    doc.nodes[0].children[1].departments = vec!["企画政策部/政策・デジタル推進課".into()];
    doc.nodes[1].children[0].departments = vec!["財政課".into()];
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    let year = fy(2025);
    store.open_cycle(&plan, year, None, "office").await.unwrap();
    let bu = Actor {
        login: "bu".into(),
        role: Role::Editor,
        departments: vec![DeptRef {
            city: plan.city,
            dept: "企画政策部".into(),
        }],
    };
    let office = &Actor::office("office");
    let plan_ref = &plan;
    let edit = |node: &str, status: &str| ItemEdit {
        progress: report(node, 2025, Some(status)),
        indicator_values: vec![],
    };
    let submit = |actor: &Actor, node: &str, status: &str| {
        let (actor, e) = (actor.clone(), edit(node, status));
        async move {
            store
                .save_item(plan_ref, &e, None, true, &actor)
                .await
                .unwrap()
        }
    };
    let review = |node: &'static str, v: i64, accept: bool| async move {
        let comment = if accept {
            ""
        } else {
            "根拠を追記してください"
        };
        store
            .review_item(plan_ref, node, year, accept, comment, v, office)
            .await
            .unwrap()
    };
    // 1-1: the 部's editor submits its 課's item; the office accepts.
    let v = submit(&bu, "1-1", "年度目標達成").await;
    review("1-1", v, true).await;
    // 1-2: a draft of the 部's editor; 1-3: submitted, not reviewed.
    store
        .save_item(&plan, &edit("1-2", "年度目標一部達成"), None, false, &bu)
        .await
        .unwrap();
    submit(office, "1-3", "目標に向け実施中").await;
    // 2-1: returned; 2-2, 3-1 and 4-1 accepted.
    let v = submit(office, "2-1", "年度目標達成").await;
    review("2-1", v, false).await;
    let v = submit(office, "2-2", "目標に向け実施中").await;
    review("2-2", v, true).await;
    let v = submit(office, "3-1", "年度目標達成").await;
    review("3-1", v, true).await;
    let v = submit(office, "4-1", "全体の目標達成").await;
    review("4-1", v, true).await;
    store.close_cycle(&plan, year, "office").await.unwrap();
    // Written behind the program's back: 3-1's accepted status is now "Z".
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(db_url_for_sqlx(db).as_str())
        .await
        .unwrap();
    let changed = sqlx::query(
        "UPDATE progress SET status_code = 'Z' WHERE fy = 2025 AND node_id = \
         (SELECT n.id FROM nodes n JOIN plans p ON p.id = n.plan_id \
          WHERE p.plan_key = 'taiko-4' AND n.node_key = '3-1')",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    pool.close().await;
    // Accepted: 1-1 (achieved), 2-2, 3-1 (Z: never achieved), 4-1
    // (achieved): 2 of 4 with a status. The draft, the submitted and the
    // returned report count as unreported.
    let expected = Expected {
        whole: c(4, 20, "50%"),
        policies: vec![
            ("方針1", c(1, 2, "100%")),
            ("方針2", c(1, 5, "0%")),
            ("方針3", c(1, 5, "0%")),
            ("方針4", c(1, 2, "100%")),
            ("方針5", c(0, 6, "—")),
        ],
        departments: vec![
            ("企画政策部", c(1, 1, "100%")),
            ("企画政策部 政策・デジタル推進課", c(1, 1, "100%")),
            ("財政課", c(0, 1, "—")),
        ],
        off_scale: Some(("Z", 1)),
        classes: vec![],
    };
    (plan, year, expected)
}

/// 安中 第3次: known only by its summaries; no items at all.
async fn no_items(store: &SqlStore) -> (PlanRef, FiscalYear, Expected) {
    let plan = store
        .import_plan(&read("annaka-3"), OnExisting::Refuse, "test")
        .await
        .unwrap();
    let expected = Expected {
        whole: c(0, 0, "—"),
        policies: vec![],
        departments: vec![],
        off_scale: None,
        classes: vec![],
    };
    (plan, fy(2024), expected)
}

/// The synthetic plan of tests/plans/matrix: items on a matrix of two
/// axes, a ○ table, a flag on a group inherited by its items, SDGs and a
/// second numbering; reports of FY2025 imported as records (accepted).
async fn classified(store: &SqlStore) -> (PlanRef, FiscalYear, Expected) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/plans/matrix");
    let mut doc = gyokaku_interchange::read_plan_dir(&dir).unwrap();
    for (node, status) in [
        ("1-1-1", "A"),
        ("1-1-2", "B"),
        ("1-2-1", "C"),
        ("2-1-1", "A"),
    ] {
        doc.progress.push(report(node, 2025, Some(status)));
    }
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    // A and B count as achieved: 1-1-1, 1-1-2 and 2-1-1 of the 4 rated.
    let expected = Expected {
        whole: c(4, 2, "75%"),
        policies: vec![
            ("基本方針1", c(3, 1, "67%")),
            ("基本方針2", c(1, 1, "100%")),
        ],
        departments: vec![
            ("総務部", c(2, 1, "50%")),
            ("総務部 行革推進課", c(2, 0, "50%")),
            ("総務部 人事課", c(0, 1, "—")),
            ("企画部", c(2, 1, "100%")),
            ("企画部 デジタル推進課", c(2, 1, "100%")),
            ("全庁", c(1, 0, "100%")),
        ],
        off_scale: None,
        classes: vec![
            (
                "1-1-1",
                vec![
                    ("改革の姿勢", "(1) 守る改革"),
                    ("手段", "A デジタルの活用"),
                    ("テーマ", "健全な財政"),
                    ("重点取組", "該当"),
                    ("SDGs", "目標16 平和と公正をすべての人に"),
                    ("実施番号", "1-①"),
                ],
            ),
            // The stance and the priority flag come from its group (2-1).
            (
                "2-1-1",
                vec![
                    ("改革の姿勢", "(3) 創る改革"),
                    ("手段", "A デジタルの活用"),
                    ("テーマ", "人材の育成、サービスの向上"),
                    ("重点取組", "該当"),
                    ("SDGs", "目標9 産業と技術革新の基盤をつくろう"),
                    ("実施番号", "3-①"),
                ],
            ),
        ],
    };
    (plan, fy(2025), expected)
}

/// sqlx's Any driver reads `sqlite://PATH` as it is.
fn db_url_for_sqlx(db: &str) -> String {
    db.to_string()
}

// ---------------------------------------------------------------- readers

/// The dashboard's summary tables, by their captions.
const POLICY_TABLE: &str = "全体と基本方針ごとの評価区分別件数";
const DEPT_TABLE: &str = "担当課ごとの評価区分別件数";

/// Every `<table>` of a page whose text contains `marker` (a caption or an
/// id), as rows of (header cell text, data cells).
fn html_rows(html: &str, marker: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for table in html.split("<table").skip(1) {
        let table = table.split("</table>").next().unwrap_or("");
        if !table.contains(marker) {
            continue;
        }
        for tr in table.split("<tr").skip(1) {
            let tr = tr.split("</tr>").next().unwrap_or("");
            let Some(th) = tr.split("<th scope=\"row\"").nth(1) else {
                continue;
            };
            let label = strip_tags(th.split("</th>").next().unwrap_or(""));
            let cells = tr
                .split("<td")
                .skip(1)
                .map(|td| strip_tags(td.split("</td>").next().unwrap_or("")))
                .collect();
            out.push((label, cells));
        }
    }
    out
}

/// The column headings of the first table containing `marker`.
fn html_header(html: &str, marker: &str) -> Vec<String> {
    let table = html
        .split("<table")
        .skip(1)
        .map(|t| t.split("</table>").next().unwrap_or(""))
        .find(|t| t.contains(marker))
        .unwrap_or("");
    let head = table.split("<thead>").nth(1).unwrap_or("");
    let head = head.split("</thead>").next().unwrap_or("");
    head.split("<th")
        .skip(1)
        .map(|th| strip_tags(th.split("</th>").next().unwrap_or("")))
        .collect()
}

fn strip_tags(s: &str) -> String {
    // `s` starts inside the opening tag: drop up to its end.
    let s = s.split_once('>').map_or(s, |(_, rest)| rest);
    let mut out = String::new();
    let mut inside = false;
    for ch in s.chars() {
        match ch {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The last three cells of a summary row: reported, unreported, share.
fn tail3(cells: &[String]) -> Counts {
    let n = cells.len();
    assert!(n >= 3, "{cells:?}");
    Counts {
        reported: cells[n - 3].parse().unwrap(),
        unreported: cells[n - 2].parse().unwrap(),
        achieved: cells[n - 1].clone(),
    }
}

fn from_html_tables(
    policies: &[(String, Vec<String>)],
    departments: &[(String, Vec<String>)],
    whole_label: &str,
) -> Said {
    let mut said = Said::default();
    for (label, cells) in policies {
        if label == whole_label {
            said.whole = Some(tail3(cells));
        } else {
            said.policies.insert(label.clone(), tail3(cells));
        }
    }
    for (label, cells) in departments {
        said.departments.insert(label.clone(), tail3(cells));
    }
    said
}

fn from_json(v: &serde_json::Value) -> Said {
    let counts = |s: &serde_json::Value| Counts {
        reported: s["reported"].as_u64().unwrap() as u32,
        unreported: s["unreported"].as_u64().unwrap() as u32,
        achieved: s["achieved_percent"]
            .as_u64()
            .map_or("—".into(), |p| format!("{p}%")),
    };
    let mut said = Said {
        whole: Some(counts(&v["whole"])),
        ..Said::default()
    };
    for g in v["policies"].as_array().unwrap() {
        said.policies
            .insert(g["label"].as_str().unwrap().into(), counts(&g["summary"]));
    }
    for g in v["departments"].as_array().unwrap() {
        said.departments
            .insert(g["label"].as_str().unwrap().into(), counts(&g["summary"]));
    }
    said
}

/// `status_summary` rows (from the CSV or the workbook's sheet), by
/// header name, for one year.
fn from_summary_rows(rows: &[BTreeMap<String, String>], year: i32) -> Said {
    // (kind, label) → (reported, unreported, achieved, rated)
    let mut groups: BTreeMap<(String, String), (u32, u32, u32, u32)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r["fy"] == year.to_string()) {
        let g = groups
            .entry((r["group_kind"].clone(), r["group_label"].clone()))
            .or_default();
        let n: u32 = r["count"].parse().unwrap();
        match r["status_code"].as_str() {
            "_unreported" => g.1 += n,
            "_no_status" => g.0 += n,
            _ => {
                g.0 += n;
                g.3 += n;
                if r["achieved"] == "true" {
                    g.2 += n;
                }
            }
        }
    }
    let mut said = Said::default();
    for ((kind, label), (reported, unreported, achieved, rated)) in groups {
        let share = if rated == 0 {
            "—".to_string()
        } else {
            format!("{}%", (achieved * 200 + rated) / (rated * 2))
        };
        let counts = c(reported, unreported, &share);
        match kind.as_str() {
            "all" => said.whole = Some(counts),
            "policy" => {
                said.policies.insert(label, counts);
            }
            _ => {
                said.departments.insert(label, counts);
            }
        }
    }
    said
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
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

fn xlsx_rows(path: &Path, sheet: &str) -> Vec<BTreeMap<String, String>> {
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let text = |d: &Data| match d {
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Empty => String::new(),
        // Booleans are written for people: はい / いいえ.
        Data::String(s) if s == "はい" => "true".into(),
        Data::String(s) if s == "いいえ" => "false".into(),
        other => other.to_string(),
    };
    // Japanese headings first, the CSV column names beneath them.
    let mut rows = range.rows().skip(1);
    let header: Vec<String> = rows.next().unwrap().iter().map(text).collect();
    rows.map(|r| header.iter().cloned().zip(r.iter().map(text)).collect())
        .collect()
}

/// The PDF's summary rows: a line that starts with a label and goes on
/// with numbers only. With `wrapped`, the label is a prefix of a heading
/// that may run on (and wrap: then the numbers are on the next line). With
/// a scale the last three numbers are reported, unreported and the share;
/// without one, reported and unreported.
fn pdf_counts(text: &str, label: &str, scaled: bool, wrapped: bool) -> Option<Counts> {
    let numeric = |t: &&str| t.parse::<u32>().is_ok() || *t == "—" || t.ends_with('%');
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let all: Vec<&str> = line.split_whitespace().collect();
        let first_number = all.iter().position(numeric).unwrap_or(all.len());
        let words = all[..first_number].join(" ");
        if words.is_empty() {
            continue;
        }
        // The label on this line: whole, or its first part with the rest
        // wrapped below the numbers (a long name in a narrow column).
        let rest_of_label = if words == label || (wrapped && words.starts_with(label)) {
            ""
        } else if let Some(rest) = label.strip_prefix(words.as_str()) {
            rest.trim()
        } else {
            continue;
        };
        let mut tokens: Vec<&str> = all[first_number..].to_vec();
        let mut after = i + 1;
        if tokens.is_empty() {
            tokens = lines
                .get(i + 1)
                .map(|l| l.split_whitespace().collect())
                .unwrap_or_default();
            after = i + 2;
        }
        if !rest_of_label.is_empty()
            && !lines.get(after).is_some_and(|l| {
                l.trim_start()
                    .replace(' ', "")
                    .starts_with(&rest_of_label.replace(' ', ""))
            })
        {
            continue;
        }
        if tokens.len() < 2 || !tokens.iter().all(numeric) {
            continue;
        }
        let n = tokens.len();
        return Some(if scaled {
            c(
                tokens[n - 3].parse().ok()?,
                tokens[n - 2].parse().ok()?,
                tokens[n - 1],
            )
        } else {
            c(
                tokens[n - 2].parse().ok()?,
                tokens[n - 1].parse().ok()?,
                "—",
            )
        });
    }
    None
}

// ------------------------------------------------------------- the story

fn check(output: &str, said: &Said, exp: &Expected, share: bool) {
    let same = |a: &Counts, e: &Counts| {
        a.reported == e.reported
            && a.unreported == e.unreported
            && (!share || a.achieved == e.achieved)
    };
    let whole = said
        .whole
        .as_ref()
        .unwrap_or_else(|| panic!("{output}: no whole-plan row"));
    assert!(
        same(whole, &exp.whole),
        "{output}: whole plan {whole:?}, expected {:?}",
        exp.whole
    );
    for (prefix, e) in &exp.policies {
        let found: Vec<_> = said
            .policies
            .iter()
            .filter(|(l, _)| l.starts_with(prefix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{output}: policy {prefix} in {:?}",
            said.policies
        );
        assert!(
            same(found[0].1, e),
            "{output}: policy {prefix} {:?}, expected {e:?}",
            found[0].1
        );
    }
    assert_eq!(
        said.policies.len(),
        exp.policies.len(),
        "{output}: policies {:?}",
        said.policies
    );
    for (label, e) in &exp.departments {
        let got = said.departments.get(*label).unwrap_or_else(|| {
            panic!(
                "{output}: no row for {label} in {:?}",
                said.departments.keys()
            )
        });
        assert!(
            same(got, e),
            "{output}: department {label} {got:?}, expected {e:?}"
        );
    }
}

/// An item's classification: axis (or SDGs, or a numbering's name) to its
/// values joined by 、, in the plan's order.
type Classes = Vec<(String, String)>;

/// The text of an HTML fragment that starts outside any tag.
fn text_of(fragment: &str) -> String {
    strip_tags(&format!(">{fragment}"))
}

/// From an item page: the classification block and the other numbers.
fn site_classes(html: &str) -> Classes {
    let mut out = Classes::new();
    if let Some(start) = html.find("id=\"classification\"") {
        let block = &html[start..];
        let block = &block[..block.find("</dl>").unwrap()];
        // `<dt lang="..">axis</dt><dd>values</dd>`
        for part in block.split("<dt").skip(1) {
            let (dt, dd) = part.split_once("</dt>").unwrap();
            out.push((strip_tags(dt), text_of(dd)));
        }
    }
    for part in html.split("<p class=\"other-number\">").skip(1) {
        let p = text_of(&part[..part.find("</p>").unwrap()]);
        let (k, v) = p.split_once(": ").unwrap();
        out.push((k.trim().to_string(), v.trim().to_string()));
    }
    out
}

/// From the open-data rows (CSV or workbook sheet) of one item.
fn table_classes(
    node: &str,
    classes: &[BTreeMap<String, String>],
    sdgs: &[BTreeMap<String, String>],
    numbers: &[BTreeMap<String, String>],
) -> Classes {
    let mut out: Classes = Vec::new();
    for r in classes.iter().filter(|r| r["node_id"] == node) {
        // A flag's value is printed 該当 in every output.
        let value = if r["value_number"].is_empty() {
            r["value_label"].clone()
        } else {
            format!("{} {}", r["value_number"], r["value_label"])
        };
        match out.last_mut() {
            Some((axis, values)) if *axis == r["axis_name"] => {
                values.push('、');
                values.push_str(&value);
            }
            _ => out.push((r["axis_name"].clone(), value)),
        }
    }
    let goals: Vec<&str> = sdgs
        .iter()
        .filter(|r| r["node_id"] == node)
        .map(|r| r["goal_name"].as_str())
        .collect();
    if !goals.is_empty() {
        out.push(("SDGs".into(), goals.join("、")));
    }
    for r in numbers.iter().filter(|r| r["node_id"] == node) {
        out.push((r["numbering_name"].clone(), r["number"].clone()));
    }
    out
}

fn classes_agree(name: &str, out_dir: &Path, pdf_text: &str, exp: &Expected) {
    let data = out_dir.join("data");
    let csv = (
        csv_rows(&data.join("item_classifications.csv")),
        csv_rows(&data.join("item_sdgs.csv")),
        csv_rows(&data.join("item_numbers.csv")),
    );
    let book = data.join("tables.xlsx");
    let xlsx = (
        xlsx_rows(&book, "取組の分類"),
        xlsx_rows(&book, "取組とSDGs"),
        xlsx_rows(&book, "項目の別番号"),
    );
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let pdf = squash(pdf_text);
    let items: Vec<String> = csv_rows(&data.join("items.csv"))
        .into_iter()
        .filter(|r| r["is_item"] == "true")
        .map(|r| r["node_id"].clone())
        .collect();
    let mut classified = 0;
    for id in &items {
        assert!(
            id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "{name}: item id {id} is its page's file name"
        );
        let page = std::fs::read_to_string(out_dir.join(format!("ja/items/{id}.html"))).unwrap();
        let site = site_classes(&page);
        let from_csv = table_classes(id, &csv.0, &csv.1, &csv.2);
        let from_xlsx = table_classes(id, &xlsx.0, &xlsx.1, &xlsx.2);
        assert_eq!(site, from_csv, "{name}: item {id}: site and CSV");
        assert_eq!(from_xlsx, from_csv, "{name}: item {id}: workbook and CSV");
        for (axis, values) in &site {
            assert!(
                pdf.contains(&squash(&format!("{axis}{values}"))),
                "{name}: item {id}: the PDF lacks {axis} {values}"
            );
        }
        classified += usize::from(!site.is_empty());
    }
    for (id, want) in &exp.classes {
        let page = std::fs::read_to_string(out_dir.join(format!("ja/items/{id}.html"))).unwrap();
        let want: Classes = want
            .iter()
            .map(|(a, v)| (a.to_string(), v.to_string()))
            .collect();
        assert_eq!(site_classes(&page), want, "{name}: item {id} as printed");
    }
    if !exp.classes.is_empty() {
        assert_eq!(classified, items.len(), "{name}: every item is classified");
    }
}

async fn dashboard(store: &SqlStore, plan: &PlanRef, year: FiscalYear) -> String {
    // An office session made the way the login makes one.
    let user = match store.credentials("office").await.unwrap() {
        Some((u, _)) => u,
        None => store
            .create_user(
                &NewUser {
                    login: "office".into(),
                    display_name: "行革 太郎".into(),
                    password_hash: "unused".into(),
                    role: Role::Office,
                    departments: vec![],
                },
                "test",
            )
            .await
            .unwrap(),
    };
    let token = gyokaku_web::auth::random_token();
    store
        .create_session(
            &gyokaku_web::auth::token_hash(&token),
            user.id,
            "csrf",
            "2999-01-01T00:00:00Z",
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(gyokaku_web::serve_until_dropped(
        gyokaku_web::state(store.clone(), false),
        listener,
    ));
    let res = reqwest::Client::new()
        .get(format!(
            "http://{addr}/p/{}/{}?fy={}",
            plan.city,
            plan.plan,
            year.year()
        ))
        .header("cookie", format!("gyokaku_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    server.abort();
    body
}

async fn every_output_agrees(store: SqlStore, db: String) {
    let cases = vec![
        ("no scale", no_scale(&store).await),
        ("mixed year", mixed_year(&store, &db).await),
        ("no items", no_items(&store).await),
        ("classified", classified(&store).await),
    ];
    let work = tempfile::tempdir().unwrap();
    for (name, (plan, year, exp)) in cases {
        let scaled = exp.off_scale.is_some() || name == "mixed year" || name == "classified";
        let city = plan.city.to_string();
        let fy_text = year.year().to_string();

        // 1. The dashboard (the office's view), both summary tables.
        let html = dashboard(&store, &plan, year).await;
        let said = from_html_tables(
            &html_rows(&html, POLICY_TABLE),
            &html_rows(&html, DEPT_TABLE),
            "全体",
        );
        check(&format!("{name}: dashboard"), &said, &exp, true);
        if let Some((code, n)) = exp.off_scale {
            assert!(
                html.contains("id=\"data-errors\""),
                "{name}: dashboard names the data error"
            );
            let whole = html_rows(&html, POLICY_TABLE);
            let col = html_header(&html, POLICY_TABLE)
                .iter()
                .skip(1)
                .position(|h| h.contains(code))
                .unwrap_or_else(|| panic!("{name}: no column for {code}"));
            assert_eq!(whole[0].1[col], n.to_string(), "{name}: {code} column");
        }

        // 2. The CLI's report as JSON.
        let out = gyokaku(
            &db,
            &[
                "report", "status", "--city", &city, "--plan", &plan.plan, "--fy", &fy_text,
                "--format", "json",
            ],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        check(
            &format!("{name}: report status"),
            &from_json(&json),
            &exp,
            true,
        );
        if let Some((code, n)) = exp.off_scale {
            let row = json["whole"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == code)
                .unwrap_or_else(|| panic!("{name}: no row for {code}"));
            assert_eq!(
                (
                    row["count"].as_u64(),
                    row["on_scale"].as_bool(),
                    row["achieved"].as_bool()
                ),
                (Some(n as u64), Some(false), Some(false))
            );
            assert!(
                !json["errors"].as_array().unwrap().is_empty(),
                "{name}: the data error is reported"
            );
        }

        // 3–6. One publication: the site, the CSV, the workbook, the PDF.
        let out_dir = work.path().join(format!("{}-{}", plan.plan, year.year()));
        gyokaku(
            &db,
            &[
                "publish",
                "--city",
                &city,
                "--plan",
                &plan.plan,
                "--fy",
                &fy_text,
                "--date",
                "2026-06-30",
                "--out",
                out_dir.to_str().unwrap(),
            ],
        );
        let top = std::fs::read_to_string(out_dir.join("ja/index.html")).unwrap();
        if exp.whole.reported + exp.whole.unreported == 0 {
            assert!(
                top.contains("id=\"no-items\""),
                "{name}: the site says there are no items"
            );
        } else {
            let said = from_html_tables(
                &html_rows(&top, "id=\"summary\""),
                &html_rows(&top, "id=\"departments\""),
                "全体",
            );
            check(&format!("{name}: site"), &said, &exp, true);
        }
        let csv = csv_rows(&out_dir.join("data/status_summary.csv"));
        check(
            &format!("{name}: status_summary.csv"),
            &from_summary_rows(&csv, year.year()),
            &exp,
            true,
        );
        let sheet = xlsx_rows(&out_dir.join("data/tables.xlsx"), "実施状況の集計");
        check(
            &format!("{name}: tables.xlsx"),
            &from_summary_rows(&sheet, year.year()),
            &exp,
            true,
        );
        if let Some((code, n)) = exp.off_scale {
            let row = csv
                .iter()
                .find(|r| {
                    r["group_kind"] == "all" && r["fy"] == fy_text && r["status_code"] == code
                })
                .unwrap_or_else(|| panic!("{name}: no CSV row for {code}"));
            assert_eq!(
                (
                    row["count"].as_str(),
                    row["on_scale"].as_str(),
                    row["achieved"].as_str()
                ),
                (n.to_string().as_str(), "false", "false")
            );
        }

        let pdf = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(out_dir.join("report.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils; scripts/test installs it)");
        let text = String::from_utf8(pdf.stdout).unwrap();
        let mut said = Said {
            whole: pdf_counts(&text, "計画全体", scaled, false),
            ..Said::default()
        };
        for (prefix, _) in &exp.policies {
            if let Some(got) = pdf_counts(&text, prefix, scaled, true) {
                said.policies.insert(prefix.to_string(), got);
            }
        }
        let by_dept = text
            .rsplit_once("部署別の件数")
            .map_or("", |(_, rest)| rest);
        for (label, _) in &exp.departments {
            if let Some(got) = pdf_counts(by_dept, label, scaled, false) {
                said.departments.insert(label.to_string(), got);
            }
        }
        if exp.whole.reported + exp.whole.unreported == 0 {
            assert!(
                text.contains("取組が登録されていない") && said.whole.is_none(),
                "{name}: the PDF says there are no items and shows no empty summary"
            );
        } else {
            check(&format!("{name}: PDF"), &said, &exp, scaled);
        }

        // 7. Every item's classification, the same in the site, the CSV,
        // the workbook and the PDF; and as the plan prints it.
        classes_agree(name, &out_dir, &text, &exp);

        // `plans` counts items, not nodes.
        let listed = String::from_utf8(gyokaku(&db, &["plans"]).stdout).unwrap();
        let line = listed
            .lines()
            .find(|l| l.starts_with(&city) && l.contains(&format!("\t{}\t", plan.plan)))
            .unwrap_or_else(|| panic!("{name}: {listed}"));
        let items = exp.whole.reported + exp.whole.unreported;
        assert!(
            line.ends_with(&format!("\t{items} items")),
            "{name}: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_output_agrees_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("one-state.sqlite").display());
    let store = SqlStore::connect(&db).await.unwrap();
    every_output_agrees(store, db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_output_agrees_on_postgres() {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("GYOKAKU_TEST_POSTGRES_URL") else {
        if std::env::var("GYOKAKU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("GYOKAKU_REQUIRE_POSTGRES=1 but GYOKAKU_TEST_POSTGRES_URL is not set");
        }
        eprintln!("SKIPPED on PostgreSQL: set GYOKAKU_TEST_POSTGRES_URL (scripts/test does)");
        return;
    };
    let name = format!("gyokaku_one_state_{}", std::process::id());
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
    let db = format!("{base}/{name}");
    let store = SqlStore::connect(&db).await.unwrap();
    every_output_agrees(store, db).await;
}

/// Every example plan, imported and published as it is: each item's axis
/// values, flags, SDGs and other numbers are the same on its page, in
/// `item_classifications.csv`, in `tables.xlsx` and in the PDF; 苫小牧's
/// 7 themes are a ○ table (items × themes) on the classification page.
#[test]
fn every_example_shows_where_its_items_sit() {
    let work = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", work.path().join("examples.sqlite").display());
    let no_expectations = Expected {
        whole: c(0, 0, "—"),
        policies: vec![],
        departments: vec![],
        off_scale: None,
        classes: vec![],
    };
    for (name, city, plan, fy) in [
        ("annaka", "102113", "taiko-4", "2025"),
        ("annaka-3", "102113", "taiko-3", "2024"),
        ("ishioka", "082058", "challenge", "2024"),
        ("tomakomai", "012131", "", "2020"),
    ] {
        gyokaku(&db, &["import", example(name).to_str().unwrap()]);
        let plan = if plan.is_empty() {
            read(name).header.plan.id
        } else {
            plan.to_string()
        };
        let out = work.path().join(name);
        gyokaku(
            &db,
            &[
                "publish",
                "--city",
                city,
                "--plan",
                &plan,
                "--fy",
                fy,
                "--date",
                "2026-06-30",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let pdf = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(out.join("report.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils; scripts/test installs it)");
        classes_agree(
            name,
            &out,
            &String::from_utf8(pdf.stdout).unwrap(),
            &no_expectations,
        );
        if name == "tomakomai" {
            let cls = std::fs::read_to_string(out.join("ja/classifications.html")).unwrap();
            let table = &cls[cls.find("class=\"marks-table\"").expect("a ○ table")..];
            let head = &table[..table.find("</thead>").unwrap()];
            assert_eq!(
                head.matches("<th scope=\"col\"").count(),
                1 + 7,
                "items × 7 themes"
            );
            assert!(
                head.contains("1. 健全な財政運営"),
                "themes with their printed numbers"
            );
        }
    }
}
