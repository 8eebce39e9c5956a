//! The status report of one plan and year (like 安中's 図表-2), printed as
//! a table, JSON or CSV: every figure from the read model.

use serde::Serialize;

use gyokaku_domain::present::{self, Lang};
use gyokaku_domain::{FiscalYear, PlanModel, PlanState, StatusSummary};
use gyokaku_store::{PlanRef, SqlStore};

/// Display width of a string in a terminal: East Asian wide and full-width
/// characters count two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x2460..=0x24FF => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// A summary with its achieved share, as JSON gives it.
#[derive(Debug, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub summary: StatusSummary,
    /// Whole percent; `null` without a scale or without any status.
    pub achieved_percent: Option<u32>,
}

impl Summary {
    fn of(s: &StatusSummary) -> Summary {
        Summary {
            summary: s.clone(),
            achieved_percent: s.achieved_percent(),
        }
    }
}

/// A group's summary: a top-level policy or a department (a 部 with its 課).
#[derive(Debug, Serialize)]
pub struct GroupSummary {
    pub key: String,
    pub label: String,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub city: String,
    pub plan_title: String,
    pub fy: i32,
    pub fy_label: String,
    pub items: usize,
    pub whole: Summary,
    pub policies: Vec<GroupSummary>,
    pub departments: Vec<GroupSummary>,
    /// Stored data that breaks the plan's rules (a status not on the scale).
    pub errors: Vec<String>,
    /// Some counted reports are fictional demo data (デモ用の架空データ).
    pub includes_demo: bool,
}

impl StatusReport {
    /// Reads the plan in one snapshot and builds its state as of `fy`.
    pub async fn load(
        store: &SqlStore,
        plan: &PlanRef,
        fy: FiscalYear,
    ) -> gyokaku_store::Result<StatusReport> {
        let snap = store.snapshot(plan).await?;
        let values = snap.doc.indicator_values.clone();
        let model = PlanModel::new(snap.doc);
        let state = PlanState::build(&model, snap.reports, &values, fy);
        Ok(StatusReport::of(&model, &state))
    }

    pub fn of(model: &PlanModel, state: &PlanState) -> StatusReport {
        let groups = |gs: &[gyokaku_domain::Group], ss: &[StatusSummary]| {
            gs.iter()
                .zip(ss)
                .map(|(g, s)| GroupSummary {
                    key: g.key.clone(),
                    label: g.label.clone(),
                    summary: Summary::of(s),
                })
                .collect()
        };
        let h = &model.doc.header;
        StatusReport {
            city: h.city.name.clone(),
            plan_title: h.plan.title.clone(),
            fy: state.fy.year(),
            fy_label: present::fiscal_year(Lang::Ja, state.fy),
            items: model.items.len(),
            whole: Summary::of(&state.whole),
            policies: groups(&model.policies, &state.policies),
            departments: groups(&model.departments, &state.departments),
            errors: state
                .errors
                .iter()
                .map(|e| e.message().to_string())
                .collect(),
            includes_demo: state.includes_demo,
        }
    }
}

/// A status row's heading: its label, or the code marked as not on the
/// scale in both languages, as the rest of the CLI's output is written
/// (Z（区分外） / Z (not on the scale)).
fn row_label(row: &gyokaku_domain::StatusRow) -> String {
    if row.on_scale {
        row.label.clone()
    } else {
        format!(
            "{} / {}",
            present::off_scale(Lang::Ja, &row.code),
            present::off_scale(Lang::En, &row.code)
        )
    }
}

pub fn table(r: &StatusReport) -> String {
    let mut out = format!(
        "{} {} {} 実施状況 / status summary\n\n",
        r.city, r.plan_title, r.fy_label
    );
    let mut cols: Vec<(String, &StatusSummary)> =
        vec![("全体 / all".to_string(), &r.whole.summary)];
    // Side by side while they fit a terminal; otherwise one line each below.
    let side_by_side = r.policies.len() <= 6;
    if side_by_side {
        for g in &r.policies {
            cols.push((g.label.chars().take(10).collect(), &g.summary.summary));
        }
    }
    let whole = &r.whole.summary;
    let first = whole
        .rows
        .iter()
        .map(|row| width(&row_label(row)))
        .chain([24])
        .max()
        .unwrap_or(24)
        + 2;
    let colw = cols.iter().map(|(l, _)| width(l)).max().unwrap_or(8).max(8) + 2;
    out.push_str(&pad("実施状況", first));
    for (l, _) in &cols {
        out.push_str(&pad(l, colw));
    }
    out.push('\n');
    for row in &whole.rows {
        let mark = if row.achieved { "*" } else { " " };
        out.push_str(&pad(&format!("{mark}{}", row_label(row)), first));
        for (_, s) in &cols {
            out.push_str(&pad(&s.count_of(&row.code).to_string(), colw));
        }
        out.push('\n');
    }
    let line = |label: &str, f: &dyn Fn(&StatusSummary) -> String| {
        let mut l = pad(label, first);
        for (_, s) in &cols {
            l.push_str(&pad(&f(s), colw));
        }
        l.push('\n');
        l
    };
    out.push_str(&line(" 報告あり / reported", &|s| {
        s.reported.to_string()
    }));
    out.push_str(&line(" 達成 / achieved (*)", &|s| {
        format!(
            "{} ({})",
            s.achieved,
            present::percent(s.achieved_percent())
        )
    }));
    out.push_str(&line(" 未報告 / unreported", &|s| {
        s.unreported.to_string()
    }));
    let rest: Vec<&GroupSummary> = if side_by_side {
        r.departments.iter().collect()
    } else {
        r.policies.iter().chain(&r.departments).collect()
    };
    if !rest.is_empty() {
        out.push('\n');
    }
    for g in rest {
        let s = &g.summary.summary;
        out.push_str(&format!(
            "{}: 報告あり {} / 達成 {} ({}) / 未報告 {}\n",
            g.label,
            s.reported,
            s.achieved,
            present::percent(s.achieved_percent()),
            s.unreported
        ));
    }
    for e in &r.errors {
        out.push_str(&format!("\n！ {e}"));
    }
    if !r.errors.is_empty() {
        out.push('\n');
    }
    if r.includes_demo {
        out.push_str("\n※ デモ用の架空データを含みます / includes fictional demo data\n");
    }
    out
}

pub fn json(r: &StatusReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}

pub fn csv(r: &StatusReport) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let whole = &r.whole.summary;
    let mut header = vec![
        "fy".to_string(),
        "scope".into(),
        "key".into(),
        "label".into(),
    ];
    header.extend(whole.rows.iter().map(row_label));
    header.extend(
        [
            "reported",
            "achieved",
            "achieved_percent",
            "unreported",
            "demo",
        ]
        .map(String::from),
    );
    let _ = w.write_record(&header);
    let mut emit = |scope: &str, key: &str, label: &str, s: &StatusSummary| {
        let mut rec = vec![
            r.fy.to_string(),
            scope.to_string(),
            key.to_string(),
            label.to_string(),
        ];
        rec.extend(
            whole
                .rows
                .iter()
                .map(|row| s.count_of(&row.code).to_string()),
        );
        rec.push(s.reported.to_string());
        rec.push(s.achieved.to_string());
        rec.push(
            s.achieved_percent()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
        rec.push(s.unreported.to_string());
        rec.push(r.includes_demo.to_string());
        let _ = w.write_record(&rec);
    };
    emit("plan", "", &r.plan_title, whole);
    for g in &r.policies {
        emit("policy", &g.key, &g.label, &g.summary.summary);
    }
    for g in &r.departments {
        emit("department", &g.key, &g.label, &g.summary.summary);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
