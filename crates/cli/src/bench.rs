//! `gyokaku bench import`: imports a synthetic plan into each store and
//! reports rows per second, beside a reference run of the same number of
//! plain single-row INSERTs through the same driver, in the same process.

use std::collections::BTreeMap;
use std::time::Instant;

use gyokaku_domain::*;
use gyokaku_store::{OnExisting, SqlStore};
use sqlx::any::AnyPoolOptions;

/// A plan of `items` items under 20 policies, 30 departments, `years`
/// years of progress and `indicators` indicators per item with values.
pub fn synthetic_plan(items: usize, years: usize, indicators: usize) -> PlanDocument {
    let code = LocalGovCode::from_five("99999").expect("valid five digits");
    let fy = |y: usize| FiscalYear::new(2025 + y as i32).expect("in range");
    let depts: Vec<Department> = (0..30)
        .map(|i| Department {
            id: format!("d{i:02}"),
            name: format!("第{i}課"),
            abbreviation: None,
            kind: DepartmentKind::Division,
            valid_from: None,
            valid_to: None,
            successor: None,
            note: None,
            children: Vec::new(),
        })
        .collect();
    let policies = 20;
    let mut nodes: Vec<Node> = (0..policies)
        .map(|p| Node {
            retired: None,
            id: format!("{}", p + 1),
            level: "policy".into(),
            number: Some(p as u32 + 1),
            numbers: BTreeMap::new(),
            title: format!("基本方針{}", p + 1),
            title_en: None,
            body: None,
            sections: BTreeMap::new(),
            departments: Vec::new(),
            axes: BTreeMap::new(),
            sdgs: Vec::new(),
            period: None,
            schedule: BTreeMap::new(),
            note: None,
            children: Vec::new(),
        })
        .collect();
    let mut progress = Vec::new();
    let mut inds = Vec::new();
    let mut values = Vec::new();
    for i in 0..items {
        let p = i % policies;
        let id = format!("{}-{}", p + 1, i / policies + 1);
        nodes[p].children.push(Node {
            retired: None,
            id: id.clone(),
            level: "item".into(),
            number: Some((i / policies) as u32 + 1),
            numbers: BTreeMap::new(),
            title: format!("取組{i}：業務の見直しと効率化"),
            title_en: None,
            body: Some("事務の効率化に向け、定型的業務の見直しを進める。".repeat(3)),
            sections: BTreeMap::new(),
            departments: vec![format!("d{:02}", i % 30)],
            axes: BTreeMap::new(),
            sdgs: vec![(i % 17) as u8 + 1],
            period: None,
            schedule: (0..years).map(|y| (fy(y), "実施".to_string())).collect(),
            note: None,
            children: Vec::new(),
        });
        for y in 0..years {
            progress.push(Progress {
                node: id.clone(),
                fy: fy(y),
                status: Some(["A", "B", "C", "D"][(i + y) % 4].into()),
                result: Some("計画どおり実施した。".into()),
                self_evaluation: None,
                direction: Some(Direction::Continue),
                spending_cut: Some(Yen(1_000_000)),
                revenue: None,
                demo: true,
            });
        }
        for k in 0..indicators {
            let ind = format!("{id}-i{k}");
            inds.push(Indicator {
                retired: None,
                id: ind.clone(),
                node: Some(id.clone()),
                kind: IndicatorKind::Reference,
                name: format!("指標{k}"),
                definition: None,
                unit: Some("件".into()),
                source: None,
                cumulative: false,
                challenge: false,
                baseline: Some(Baseline {
                    fy: Some(fy(0)),
                    value: Some(Decimal::from_int(10)),
                    pending: None,
                }),
                target: Some(Target {
                    fy: Some(fy(years.saturating_sub(1))),
                    kind: TargetKind::Value,
                    value: Some(Decimal::from_int(20)),
                    text: None,
                }),
                note: None,
            });
            for y in 0..years {
                values.push(IndicatorValue {
                    indicator: ind.clone(),
                    fy: fy(y),
                    value: Decimal::from_int(10 + y as i64),
                    note: None,
                    demo: true,
                });
            }
        }
    }
    let status_scale = ["A", "B", "C", "D"]
        .iter()
        .enumerate()
        .map(|(i, c)| StatusLevel {
            code: c.to_string(),
            label: c.to_string(),
            label_en: None,
            achieved: i < 2,
        })
        .collect();
    PlanDocument {
        header: PlanHeader {
            format: FORMAT.into(),
            city: City {
                code,
                name: "ベンチ市".into(),
                prefecture: "架空県".into(),
            },
            plan: PlanInfo {
                id: "bench".into(),
                title: "ベンチマーク用の架空計画".into(),
                subtitle: None,
                generation: None,
                draft: false,
                period: Some(Period {
                    from: fy(0),
                    to: fy(years.saturating_sub(1)),
                }),
                published: None,
                mid_term_review_fy: None,
                managing_office: None,
                philosophy: None,
                parts: Vec::new(),
                note: None,
            },
            chapters: Vec::new(),
            sections: Vec::new(),
            numberings: Vec::new(),
            levels: vec![
                Level {
                    key: "policy".into(),
                    name: Some("基本方針".into()),
                    name_en: None,
                    numbering: Numbering::Arabic,
                    prefix: None,
                    items: false,
                },
                Level {
                    key: "item".into(),
                    name: Some("取組".into()),
                    name_en: None,
                    numbering: Numbering::Paren,
                    prefix: None,
                    items: false,
                },
            ],
            status_scale,
            axes: Vec::new(),
            matrices: Vec::new(),
            bodies: Vec::new(),
            revisions: Vec::new(),
            meetings: Vec::new(),
            predecessors: Vec::new(),
            related_plans: Vec::new(),
            recorded_summaries: Vec::new(),
            fiscal_thresholds: Vec::new(),
        },
        organisation: Organisation {
            as_of: None,
            note: None,
            departments: depts,
        },
        nodes,
        indicators: inds,
        glossary: Vec::new(),
        fiscal: Vec::new(),
        progress,
        indicator_values: values,
    }
}

/// Plain single-row INSERTs of `rows` rows in one transaction: what the
/// driver and database cost before any of gyokaku's work.
async fn reference_inserts(url: &str, rows: usize) -> anyhow::Result<f64> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    sqlx::query("DROP TABLE IF EXISTS bench_reference")
        .execute(&pool)
        .await?;
    sqlx::query("CREATE TABLE bench_reference (id BIGINT PRIMARY KEY, a TEXT NOT NULL, b BIGINT)")
        .execute(&pool)
        .await?;
    let start = Instant::now();
    let mut tx = pool.begin().await?;
    for i in 0..rows {
        sqlx::query("INSERT INTO bench_reference (id, a, b) VALUES ($1, $2, $3)")
            .bind(i as i64)
            .bind("計画どおり実施した。")
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let secs = start.elapsed().as_secs_f64();
    sqlx::query("DROP TABLE bench_reference")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(secs)
}

pub async fn run(
    items: usize,
    years: usize,
    indicators: usize,
    postgres: Option<String>,
) -> anyhow::Result<()> {
    let doc = synthetic_plan(items, years, indicators);
    let rows = doc.count_rows();
    println!(
        "synthetic plan: {items} items × {years} years × {indicators} indicators = {rows} rows"
    );
    let dir = tempfile::tempdir()?;
    let mut targets = vec![(
        "sqlite",
        format!("sqlite://{}", dir.path().join("bench.sqlite").display()),
    )];
    if let Some(pg) = postgres {
        targets.push(("postgres", pg));
    }
    println!(
        "{:<10} {:>10} {:>12} {:>14} {:>8}",
        "store", "import s", "rows/s", "reference r/s", "ratio"
    );
    for (name, url) in targets {
        let store = SqlStore::connect(&url).await?;
        let start = Instant::now();
        store
            .import_plan(&doc, OnExisting::DiscardHistory, "bench")
            .await?;
        let secs = start.elapsed().as_secs_f64();
        store.close().await;
        let reference = reference_inserts(&url, rows).await?;
        let ours = rows as f64 / secs;
        let theirs = rows as f64 / reference;
        println!(
            "{name:<10} {secs:>10.3} {ours:>12.0} {theirs:>14.0} {:>8.2}",
            ours / theirs
        );
    }
    Ok(())
}
