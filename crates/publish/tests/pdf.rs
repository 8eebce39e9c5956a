//! The PDF report read back as a person's PDF reader would: the example
//! plans with a few accepted reports, rendered, turned to text by
//! `pdftotext`, and searched for the cover and the items' Japanese titles.
//!
//! Needs Debian's `fonts-noto-cjk` and `poppler-utils`. Without them the
//! tests say so and pass, unless GYOKAKU_REQUIRE_FONTS=1 (scripts/test
//! sets it, after installing both). GYOKAKU_KEEP_PDF=<dir> keeps the
//! rendered reports there for a look (`pdftoppm -png -r 60`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use gyokaku_domain::{
    Baseline, Decimal, Direction, FiscalYear, Indicator, IndicatorKind, IndicatorValue, Node,
    Period, PlanDocument, Progress, Target, TargetKind, Yen,
};
use gyokaku_publish::pdf::{render_report, FontSet};
use gyokaku_publish::{render_pdf, write_all, Publication};

fn required() -> bool {
    std::env::var("GYOKAKU_REQUIRE_FONTS").as_deref() == Ok("1")
}

/// The fonts, or `None` (after saying why) when they are missing and not
/// required.
fn fonts() -> Option<FontSet> {
    match FontSet::discover() {
        Ok(f) => Some(f),
        Err(e) if !required() => {
            eprintln!("SKIPPED: no fonts for the PDF report ({e}); set GYOKAKU_REQUIRE_FONTS=1 to fail instead");
            None
        }
        Err(e) => panic!("GYOKAKU_REQUIRE_FONTS=1 but: {e}"),
    }
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn example(name: &str) -> PlanDocument {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    gyokaku_interchange::read_plan_dir(&dir).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[allow(clippy::too_many_arguments)]
fn report(
    node: &str,
    year: i32,
    status: &str,
    result: &str,
    direction: Option<Direction>,
    spending_cut: Option<i64>,
    revenue: Option<i64>,
    demo: bool,
) -> Progress {
    Progress {
        node: node.into(),
        fy: fy(year),
        status: Some(status.into()),
        result: Some(result.into()),
        self_evaluation: Some(format!("{node}の自己評価です。")),
        direction,
        spending_cut: spending_cut.map(Yen),
        revenue: revenue.map(Yen),
        demo,
    }
}

/// 安中市 (R7) with three accepted reports, one of them demo data, and a
/// result full of characters that mean something in typst markup.
fn annaka(published_on: &str) -> Publication {
    let mut doc = example("annaka");
    doc.progress = vec![
        report(
            "1-1",
            2025,
            "年度目標達成",
            "広報紙とSNSで月2回発信した。 #set text(red) *太字* $x^2$ [リンク](a) \\ // コメント <ラベル> @参照",
            Some(Direction::Expand),
            Some(3_000_000),
            Some(152_000_000),
            false,
        ),
        report(
            "1-2",
            2025,
            "目標に向け実施中",
            "パブリックコメントを随時募集する仕組みを検討した。",
            Some(Direction::Continue),
            None,
            None,
            true,
        ),
        report(
            "2-1",
            2024,
            "年度目標一部達成",
            "前年度の研修。",
            None,
            None,
            None,
            false,
        ),
    ];
    let opinion = |id: i64, node: Option<&str>, body: &str| gyokaku_store::ReviewEntry {
        id,
        node: node.map(str::to_string),
        fy: fy(2025),
        kind: gyokaku_store::ReviewKind::Opinion,
        author: "council".into(),
        author_role: "council".into(),
        body: body.into(),
        created_at: "2026-05-20T10:00:00Z".into(),
    };
    Publication::new(
        doc,
        fy(2025),
        published_on,
        vec![
            opinion(1, None, "全体として着実に進んでいる。"),
            opinion(2, Some("1-1"), "発信の効果を測る指標を設けられたい。"),
        ],
    )
}

/// 石岡市 (R5) with reports and the actuals of two indicators.
fn ishioka() -> Publication {
    let mut doc = example("ishioka");
    doc.progress = vec![
        report(
            "1-1",
            2023,
            "A",
            "任期付職員を2名採用した。",
            Some(Direction::Continue),
            None,
            None,
            false,
        ),
        report(
            "1-2",
            2023,
            "B",
            "研修を12回実施した。",
            None,
            Some(1_234_000),
            None,
            false,
        ),
    ];
    let scale = &doc.header.status_scale;
    for g in &mut doc.progress {
        // Whatever the example's scale calls its first two steps.
        let i = if g.node == "1-1" { 0 } else { 1 };
        g.status = scale.get(i).map(|s| s.code.clone());
    }
    doc.indicator_values = vec![IndicatorValue {
        indicator: "o2-1".into(),
        fy: fy(2022),
        value: Decimal::parse("-4.5").unwrap(),
        note: None,
        demo: false,
    }];
    Publication::new(doc, fy(2023), "2024-07-01", vec![])
}

/// Keeps a rendered report in $GYOKAKU_KEEP_PDF, if set.
fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("GYOKAKU_KEEP_PDF") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
}

/// The text of a PDF, as `pdftotext -layout` gives it.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(
            !required(),
            "GYOKAKU_REQUIRE_FONTS=1 but pdftotext is missing (apt-get install poppler-utils)"
        );
        eprintln!("SKIPPED: pdftotext is missing (apt-get install poppler-utils)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            text.contains(n),
            "the PDF text lacks 「{n}」:\n{}",
            &text[..text.len().min(6000)]
        );
    }
}

#[test]
fn annaka_report_shows_cover_contents_summary_and_every_item() {
    let Some(fonts) = fonts() else { return };
    let p = annaka("2026-06-30");
    let r = render_report(&p, &fonts).unwrap();
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert!(r.warnings.is_empty(), "typst warnings: {:?}", r.warnings);
    assert!(r.pages >= 8, "{} pages", r.pages);
    keep("annaka.pdf", &r.bytes);
    let Some(text) = pdf_text(&r.bytes) else {
        return;
    };
    assert_has(
        &text,
        &[
            // cover
            "群馬県 安中市",
            "第4次安中市行政改革大綱",
            "令和7(2025)年度 実施状況",
            "令和8年6月30日 公表",
            "※ デモ用の架空データを含みます",
            // contents, summary, chart
            "目次",
            "実施状況の概要",
            "評価区分別の件数",
            "年度別の推移",
            "方針1 市民ニーズの把握と協働",
            // items: label and title, status, direction, amounts
            "(1) 市民ニーズに応じたわかりやすい情報の発信",
            "市民ニーズを間断なく把握",
            "人事評価制度への取組の促進",
            "年度目標達成",
            "拡充",
            "300万円",
            "1.52億円",
            // markup characters arrive as text
            "#set text(red) *太字* $x^2$ [リンク](a)",
            "<ラベル> @参照",
            // fiscal peers (図表-5), meetings, glossary
            "財政健全化指標",
            "前橋市",
            "会議の経過",
            "第39回安中市行政改革審議会",
            "用語解説",
            "中間支援組織",
            // council opinions, on the plan and on an item
            "審議会等の意見",
            "全体として着実に進んでいる。",
            "発信の効果を測る指標を設けられたい。",
        ],
    );
    // Every item's title is in the report.
    for e in p.outline().iter().filter(|e| e.is_item) {
        assert!(text.contains(&e.title), "missing item 「{}」", e.title);
    }
    // The R6 report is not the published year's: 2-1 is unreported in R7.
    assert!(!text.contains("前年度の研修。"));
}

#[test]
fn ishioka_report_shows_indicators_and_fiscal_ratios() {
    let Some(fonts) = fonts() else { return };
    let p = ishioka();
    let r = render_report(&p, &fonts).unwrap();
    assert!(r.warnings.is_empty(), "typst warnings: {:?}", r.warnings);
    keep("ishioka.pdf", &r.bytes);
    let Some(text) = pdf_text(&r.bytes) else {
        return;
    };
    assert_has(
        &text,
        &[
            "石岡市",
            "チャレンジする市役所",
            "令和5(2023)年度 実施状況",
            "令和6年7月1日 公表",
            "多様な人材の確保",
            "研修制度の充実",
            "任期付職員を2名採用した。",
            "123.4万円",
            "指標の達成状況",
            "実質赤字比率",
            "12.59%以下",
            "基準値・目標値未確定",
            "石岡市の推移",
        ],
    );
    assert!(!text.contains("デモ用の架空データ"), "no demo data here");
    for e in p.outline().iter().filter(|e| e.is_item) {
        assert!(text.contains(&e.title), "missing item 「{}」", e.title);
    }
}

#[test]
fn the_same_publication_gives_the_same_bytes_and_only_the_date_changes_them() {
    let Some(fonts) = fonts() else { return };
    let first = render_pdf(&annaka("2026-06-30"), &fonts).unwrap();
    // Fresh caches, fresh hash maps: nothing but the data may matter.
    typst::comemo::evict(0);
    let again = render_pdf(&annaka("2026-06-30"), &fonts).unwrap();
    assert!(first == again, "two renders of the same publication differ");
    let later = render_pdf(&annaka("2026-07-01"), &fonts).unwrap();
    assert!(first != later, "the publication date is in the PDF");
    let text = pdf_text(&later).unwrap_or_default();
    assert!(text.is_empty() || text.contains("令和8年7月1日 公表"));
}

#[test]
fn write_all_writes_the_report_beside_the_open_data() {
    let Some(fonts) = fonts() else { return };
    let out = tempfile::tempdir().unwrap();
    let files = write_all(&annaka("2026-06-30"), out.path(), Some(&fonts)).unwrap();
    assert!(files.contains(&"report.pdf".to_string()), "{files:?}");
    assert!(files.contains(&"data/datapackage.json".to_string()));
    let bytes = std::fs::read(out.path().join("report.pdf")).unwrap();
    assert_eq!(bytes, render_pdf(&annaka("2026-06-30"), &fonts).unwrap());

    let bare = tempfile::tempdir().unwrap();
    let files = write_all(&annaka("2026-06-30"), bare.path(), None).unwrap();
    assert!(!files.iter().any(|f| f.ends_with(".pdf")));
    assert!(!bare.path().join("report.pdf").exists());
}

#[test]
fn every_example_renders_without_warnings() {
    let Some(fonts) = fonts() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("plan.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let doc = example(&name);
        let year = doc.header.plan.period.map_or(2024, |p| p.from.year());
        let p = Publication::new(doc, fy(year), "2026-06-30", vec![]);
        let r = render_report(&p, &fonts).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(r.warnings.is_empty(), "{name}: {:?}", r.warnings);
        keep(&format!("example-{name}.pdf"), &r.bytes);
        // 安中's 第3次 plan printed its status counts (図表-2): the report
        // carries them as printed.
        if name == "annaka-3" {
            if let Some(text) = pdf_text(&r.bytes) {
                assert_has(
                    &text,
                    &["計画書に記載された集計", "図表-2", "年度目標一部達成"],
                );
            }
        }
    }
}

/// A plan of `items` items under 20 policies, reported for 5 years, with
/// 3 indicators per item and their actuals.
fn synthetic(items: usize) -> Publication {
    let mut doc = example("annaka");
    let years: Vec<i32> = (2021..=2025).collect();
    doc.header.plan.period = Some(Period {
        from: fy(2021),
        to: fy(2025),
    });
    doc.header.meetings.clear();
    doc.fiscal.clear();
    let policies = 20;
    let per = items / policies;
    let scale: Vec<String> = doc
        .header
        .status_scale
        .iter()
        .map(|s| s.code.clone())
        .collect();
    let dept = doc.organisation.flatten()[0].0.id.clone();
    doc.nodes = (1..=policies)
        .map(|p| Node {
            retired: None,
            id: format!("p{p}"),
            level: "policy".into(),
            number: Some(p as u32),
            numbers: Default::default(),
            title: format!("方針{p}の題名 行財政運営の効率化と市民サービスの向上"),
            title_en: None,
            body: Some("方針の説明文です。".repeat(4)),
            sections: Default::default(),
            departments: vec![],
            axes: Default::default(),
            sdgs: vec![],
            period: None,
            schedule: Default::default(),
            note: None,
            children: (1..=per)
                .map(|i| Node {
                    retired: None,
                    id: format!("p{p}-{i}"),
                    level: "item".into(),
                    number: Some(i as u32),
                    numbers: Default::default(),
                    title: format!("取組{p}-{i} 窓口業務のデジタル化による手続の簡素化"),
                    title_en: None,
                    body: Some("取組の内容を説明する文章です。".repeat(3)),
                    sections: Default::default(),
                    departments: vec![dept.clone()],
                    axes: Default::default(),
                    sdgs: vec![],
                    period: None,
                    schedule: Default::default(),
                    note: None,
                    children: vec![],
                })
                .collect(),
        })
        .collect();
    doc.progress.clear();
    doc.indicators.clear();
    doc.indicator_values.clear();
    for p in 1..=policies {
        for i in 1..=per {
            let id = format!("p{p}-{i}");
            for (k, y) in years.iter().enumerate() {
                doc.progress.push(Progress {
                    node: id.clone(),
                    fy: fy(*y),
                    status: Some(scale[(p + i + k) % scale.len()].clone()),
                    result: Some(
                        "今年度は計画どおり実施し、利用者アンケートで満足度が向上した。".repeat(2),
                    ),
                    self_evaluation: Some(
                        "おおむね順調に進んでいる。次年度は対象を広げる。".into(),
                    ),
                    direction: Some(Direction::Continue),
                    spending_cut: Some(Yen(((p * 7 + i) % 50) as i64 * 100_000)),
                    revenue: None,
                    demo: true,
                });
            }
            for j in 1..=3 {
                let ind = format!("{id}-i{j}");
                doc.indicators.push(Indicator {
                    retired: None,
                    id: ind.clone(),
                    node: Some(id.clone()),
                    kind: IndicatorKind::Outcome,
                    name: format!("指標{j}: オンライン申請の利用件数"),
                    definition: None,
                    unit: Some("件".into()),
                    source: None,
                    cumulative: false,
                    challenge: false,
                    baseline: Some(Baseline {
                        fy: Some(fy(2020)),
                        value: Some(Decimal::from_int(100)),
                        pending: None,
                    }),
                    target: Some(Target {
                        fy: Some(fy(2025)),
                        kind: TargetKind::Value,
                        value: Some(Decimal::from_int(200)),
                        text: None,
                    }),
                    note: None,
                });
                for y in &years {
                    doc.indicator_values.push(IndicatorValue {
                        indicator: ind.clone(),
                        fy: fy(*y),
                        value: Decimal::from_int(100 + ((y - 2020) as i64) * (15 + j)),
                        note: None,
                        demo: true,
                    });
                }
            }
        }
    }
    Publication::new(doc, fy(2025), "2026-06-30", vec![])
}

#[test]
fn a_small_synthetic_plan_renders() {
    let Some(fonts) = fonts() else { return };
    let r = render_report(&synthetic(40), &fonts).unwrap();
    assert!(r.warnings.is_empty(), "typst warnings: {:?}", r.warnings);
    keep("synthetic-40.pdf", &r.bytes);
    let Some(text) = pdf_text(&r.bytes) else {
        return;
    };
    assert_has(
        &text,
        &[
            "取組20-2 窓口業務のデジタル化",
            "指標3: オンライン申請の利用件数",
        ],
    );
}

/// The benchmark aim: 2,000 items × 5 years × 3 indicators in under 10 s.
/// Prints the time; run with
/// `cargo test --release -p gyokaku-publish --test pdf -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_of_a_2000_item_plan() {
    let start = Instant::now();
    let Some(fonts) = fonts() else { return };
    println!(
        "fonts: {} files loaded in {:.2} s",
        fonts.files().len(),
        start.elapsed().as_secs_f64()
    );
    let p = synthetic(2000);
    let start = Instant::now();
    let r = render_report(&p, &fonts).unwrap();
    let elapsed = start.elapsed();
    println!(
        "2,000 items × 5 FYs × 3 indicators: {} pages, {} KiB, rendered in {:.2} s",
        r.pages,
        r.bytes.len() / 1024,
        elapsed.as_secs_f64()
    );
    assert!(r.warnings.is_empty(), "typst warnings: {:?}", r.warnings);
}
