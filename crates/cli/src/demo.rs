//! Demo data: the example plans with fictional yearly progress and
//! indicator actuals, generated deterministically and marked as demo data
//! (デモ用の架空データ) wherever it is stored or shown.

use std::path::Path;

use gyokaku_store::{ItemEdit, PlanRef, Role, SqlStore, StoreError};

use gyokaku_domain::{
    Decimal, Direction, FiscalYear, IndicatorValue, PlanDocument, Progress, StatusLevel,
    TargetKind, Yen,
};

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The label every generated text carries.
pub const DEMO_LABEL: &str = "デモ用の架空データ";

/// The last fiscal year the demo fills (the last closed year).
pub const LAST_DEMO_FY: i32 = 2025;

/// Writes the embedded example plans into `dir`, one folder each.
pub fn write_examples(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for (plan, file, text) in EXAMPLES {
        let d = dir.join(plan);
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join(file), text)?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// FNV-1a: a small, stable hash, so the same plan always gets the same demo.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A status scale for plans that define none (the draft plans): plainly
/// labelled as demo.
fn demo_scale() -> Vec<StatusLevel> {
    [
        (
            "A",
            "A 計画どおり進捗（デモ用の評価区分）",
            "A On track (demo scale)",
            true,
        ),
        (
            "B",
            "B 一部達成（デモ用の評価区分）",
            "B Partly achieved (demo scale)",
            true,
        ),
        (
            "C",
            "C 遅れ（デモ用の評価区分）",
            "C Behind (demo scale)",
            false,
        ),
        (
            "D",
            "D 未着手（デモ用の評価区分）",
            "D Not started (demo scale)",
            false,
        ),
    ]
    .into_iter()
    .map(|(code, label, en, achieved)| StatusLevel {
        code: code.into(),
        label: label.into(),
        label_en: Some(en.into()),
        achieved,
    })
    .collect()
}

/// The fiscal years the demo fills for a plan.
pub fn demo_years(doc: &PlanDocument) -> Vec<FiscalYear> {
    let (from, to) = match doc.header.plan.period {
        Some(p) => (p.from.year(), p.to.year().min(LAST_DEMO_FY)),
        None => (2022, LAST_DEMO_FY),
    };
    (from..=to)
        .filter_map(|y| FiscalYear::new(y).ok())
        .collect()
}

/// Adds fictional progress for every item (leaf) and year, and fictional
/// actuals for every indicator with a numeric baseline.
pub fn add_demo_progress(doc: &mut PlanDocument) {
    if doc.header.status_scale.is_empty() {
        doc.header.status_scale = demo_scale();
    }
    let scale_len = doc.header.status_scale.len();
    let years = demo_years(doc);
    let city = doc.header.city.code.to_string();
    let mut progress = Vec::new();
    // Reports are made on the plan's items (its item level), as the
    // read model counts them.
    let model = gyokaku_domain::PlanModel::new(doc.clone());
    for node in &model.items {
        for (i, fy) in years.iter().enumerate() {
            let h = hash(&[&city, &doc.header.plan.id, &node.id, &fy.year().to_string()]);
            // Later years drift towards the better statuses (lower index).
            let drift = (i * 30 / years.len().max(1)) as u64;
            let roll = (h % 100 + drift).min(99);
            let index = ((99 - roll) as usize * scale_len / 100).min(scale_len - 1);
            let status = doc.header.status_scale[index].code.clone();
            let direction = match h % 13 {
                0 => Direction::Expand,
                1 => Direction::Improve,
                2 if i + 1 == years.len() => Direction::Complete,
                _ => Direction::Continue,
            };
            let cut = h
                .is_multiple_of(5)
                .then(|| Yen(((h >> 8) % 50 + 1) as i64 * 100_000));
            let revenue = h
                .is_multiple_of(7)
                .then(|| Yen(((h >> 16) % 30 + 1) as i64 * 100_000));
            progress.push(Progress {
                node: node.id.clone(),
                fy: *fy,
                status: Some(status),
                result: Some(format!(
                    "（{DEMO_LABEL}）{}の「{}」の取組を実施しました。",
                    fy.wareki(),
                    model.item_entry(node).title
                )),
                self_evaluation: Some(format!("（{DEMO_LABEL}）自己評価の例文です。")),
                direction: Some(direction),
                spending_cut: cut,
                revenue,
                demo: true,
            });
        }
    }
    let mut values = Vec::new();
    for ind in &doc.indicators {
        let Some(base) = ind.baseline.as_ref().and_then(|b| b.value) else {
            continue;
        };
        let start = ind
            .baseline
            .as_ref()
            .and_then(|b| b.fy)
            .map_or(years.first().map_or(2022, |y| y.year()), |f| f.year() + 1);
        let target = ind
            .target
            .as_ref()
            .filter(|t| t.kind == TargetKind::Value)
            .and_then(|t| t.value);
        for fy in years.iter().filter(|y| y.year() >= start) {
            let h = hash(&[&city, &ind.id, &fy.year().to_string()]);
            let t = (fy.year() - start + 1) as f64;
            let b = base.to_f64();
            let goal = target.map(|v| v.to_f64()).unwrap_or(b * 1.1);
            let noise = ((h % 21) as f64 - 10.0) / 100.0;
            let v = b + (goal - b) * (t / 5.0 + noise).clamp(0.0, 1.2);
            let Ok(value) = Decimal::parse(&format!("{v:.1}")) else {
                continue;
            };
            values.push(IndicatorValue {
                indicator: ind.id.clone(),
                fy: *fy,
                value,
                note: Some(DEMO_LABEL.to_string()),
                demo: true,
            });
        }
    }
    doc.progress = progress;
    doc.indicator_values = values;
}

/// The password of every demo account (the demo database is throwaway).
pub const DEMO_PASSWORD: &str = "gyokaku-demo";

/// The demo's accounts: one per role. The department editor works for
/// 石岡市's 総務課, whose items come first in that plan.
/// (login, display name, role, departments as (city code, department id)).
pub type DemoUser = (
    &'static str,
    &'static str,
    Role,
    &'static [(&'static str, &'static str)],
);

pub const DEMO_USERS: [DemoUser; 4] = [
    ("office", "行革 太郎（デモ）", Role::Office, &[]),
    (
        "editor",
        "総務 花子（デモ）",
        Role::Editor,
        &[("082058", "総務課")],
    ),
    ("council", "委員 次郎（デモ）", Role::Council, &[]),
    ("viewer", "閲覧 三郎（デモ）", Role::Viewer, &[]),
];

/// Splits off the reports of the plan's last demo year: they are not
/// imported but played through the cycle by `stage_cycle`.
pub fn split_last_year(doc: &mut PlanDocument) -> Vec<Progress> {
    let Some(last) = doc.progress.iter().map(|p| p.fy).max() else {
        return Vec::new();
    };
    let (staged, kept): (Vec<_>, Vec<_>) = doc.progress.drain(..).partition(|p| p.fy == last);
    doc.progress = kept;
    staged
}

/// Plays the last demo year through the cycle: earlier years closed, the
/// last one open with a deadline a month ahead, and its items spread over
/// not started, draft, submitted, returned and accepted.
pub async fn stage_cycle(
    store: &SqlStore,
    plan: &PlanRef,
    earlier: &[FiscalYear],
    staged: &[Progress],
) -> Result<(), StoreError> {
    for fy in earlier {
        store.open_cycle(plan, *fy, None, "demo").await?;
        store.close_cycle(plan, *fy, "demo").await?;
    }
    let Some(fy) = staged.first().map(|p| p.fy) else {
        return Ok(());
    };
    let deadline = gyokaku_store::iso_in(30 * 86_400)[..10].to_string();
    store.open_cycle(plan, fy, Some(&deadline), "demo").await?;
    // The office plays the demo's cycle (it may save, submit and review
    // every item; the workflow and the store check it as any other actor).
    let demo = gyokaku_domain::Actor::office("demo");
    for p in staged {
        let edit = ItemEdit {
            progress: p.clone(),
            indicator_values: Vec::new(),
        };
        let h = hash(&[&plan.city.to_string(), &plan.plan, &p.node, "stage"]) % 10;
        // 0-1: not started; 2-3: draft; 4: returned; 5-6: submitted; 7-9: accepted.
        if h < 2 {
            continue;
        }
        let submit = h >= 4;
        let v = store.save_item(plan, &edit, None, submit, &demo).await?;
        match h {
            4 => {
                store
                    .review_item(
                        plan,
                        &p.node,
                        fy,
                        false,
                        "（デモ）実績の数値の根拠を追記してください。",
                        v,
                        &demo,
                    )
                    .await?;
            }
            7..=9 => {
                store
                    .review_item(plan, &p.node, fy, true, "", v, &demo)
                    .await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A fictional revision (見直し) of a plan from its open year `fy`, so that
/// the demo shows a revision history: the yearly plan of its first item
/// gains a line for `fy`. Marked as demo data in its kind and reason.
pub async fn demo_revision(
    store: &SqlStore,
    plan: &PlanRef,
    fy: FiscalYear,
) -> Result<(), StoreError> {
    let mut doc = store.export_plan(plan).await?;
    let model = gyokaku_domain::PlanModel::new(doc.clone());
    let Some(first) = model.items.first().map(|i| i.id.clone()) else {
        return Ok(());
    };
    if let Some(n) = gyokaku_domain::find_node_mut(&mut doc.nodes, &first) {
        n.schedule.insert(
            fy,
            format!("（{DEMO_LABEL}）見直しにより、取組の進み具合を四半期ごとに公表"),
        );
    }
    let options = gyokaku_domain::revision::RevisionOptions {
        kind: Some("見直し".into()),
        first_year: Some(fy),
        reason: Some(format!("（{DEMO_LABEL}）年次の見直し")),
        ..Default::default()
    };
    store.revise_plan(&doc, &options, Some(1), "demo").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<PlanDocument> {
        let dir = tempfile::tempdir().unwrap();
        write_examples(dir.path())
            .unwrap()
            .iter()
            .map(|d| gyokaku_interchange::read_plan_dir(d).unwrap())
            .collect()
    }

    #[test]
    fn demo_is_deterministic_labelled_and_on_the_scale() {
        for doc in examples() {
            let mut a = doc.clone();
            let mut b = doc.clone();
            add_demo_progress(&mut a);
            add_demo_progress(&mut b);
            assert_eq!(a, b, "same plan, same demo");
            for p in &a.progress {
                assert!(p.demo);
                assert!(p.result.as_deref().unwrap().contains(DEMO_LABEL));
                assert!(a.status(p.status.as_deref().unwrap()).is_some());
            }
            assert!(a.indicator_values.iter().all(|v| v.demo));
            // Every plan with items gets reports (安中 第3次 has its
            // 推進項目 as nodes but no items below them).
            if !gyokaku_domain::PlanModel::new(a.clone()).items.is_empty() {
                assert!(
                    !a.progress.is_empty(),
                    "{} got no demo progress",
                    a.header.plan.title
                );
            }
        }
    }
}
