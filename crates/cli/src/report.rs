//! Printing the status report as a table, JSON or CSV.

use gyokaku_domain::StatusSummary;
use gyokaku_store::StatusReport;

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

fn percent(s: &StatusSummary) -> String {
    s.achieved_percent()
        .map_or("—".to_string(), |p| format!("{p}%"))
}

pub fn table(r: &StatusReport) -> String {
    let mut out = format!(
        "{} {} {} 実施状況 / status summary\n\n",
        r.city, r.plan_title, r.fy_label
    );
    let mut cols: Vec<(String, &StatusSummary)> = vec![("全体 / all".to_string(), &r.whole)];
    // Side by side while they fit a terminal; otherwise one line each below.
    let side_by_side = r.groups.len() <= 6;
    if side_by_side {
        for g in &r.groups {
            cols.push((g.label.chars().take(10).collect(), &g.summary));
        }
    }
    let first = r
        .whole
        .rows
        .iter()
        .map(|row| width(&row.label))
        .chain([20])
        .max()
        .unwrap_or(20)
        + 2;
    let colw = cols.iter().map(|(l, _)| width(l)).max().unwrap_or(8).max(8) + 2;
    out.push_str(&pad("実施状況", first));
    for (l, _) in &cols {
        out.push_str(&pad(l, colw));
    }
    out.push('\n');
    for (i, row) in r.whole.rows.iter().enumerate() {
        let mark = if row.achieved { "*" } else { " " };
        out.push_str(&pad(&format!("{mark}{}", row.label), first));
        for (_, s) in &cols {
            out.push_str(&pad(&s.rows[i].count.to_string(), colw));
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
    out.push_str(&line(" 合計 / total", &|s| s.total.to_string()));
    out.push_str(&line(" 達成 / achieved (*)", &|s| {
        format!("{} ({})", s.achieved, percent(s))
    }));
    out.push_str(&line(" 未報告 / unreported", &|s| {
        s.unreported.to_string()
    }));
    if !side_by_side {
        out.push('\n');
        for g in &r.groups {
            let s = &g.summary;
            out.push_str(&format!(
                "{}: 合計 {} / 達成 {} ({}) / 未報告 {}\n",
                g.label,
                s.total,
                s.achieved,
                percent(s),
                s.unreported
            ));
        }
    }
    if r.includes_demo {
        out.push_str("\n※ デモ用の架空データを含みます / includes fictional demo data\n");
    }
    out
}

pub fn json(r: &StatusReport) -> String {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    let add = |s: &mut serde_json::Value, summary: &StatusSummary| {
        if let Some(o) = s.as_object_mut() {
            o.insert(
                "achieved_percent".into(),
                serde_json::json!(summary.achieved_percent()),
            );
        }
    };
    add(&mut v["whole"], &r.whole);
    for (i, g) in r.groups.iter().enumerate() {
        add(&mut v["groups"][i]["summary"], &g.summary);
    }
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

pub fn csv(r: &StatusReport) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec!["fy".to_string(), "scope".into(), "label".into()];
    header.extend(r.whole.rows.iter().map(|row| row.label.clone()));
    header.extend(
        [
            "total",
            "achieved",
            "achieved_percent",
            "unreported",
            "demo",
        ]
        .map(String::from),
    );
    let _ = w.write_record(&header);
    let mut emit = |scope: &str, label: &str, s: &StatusSummary| {
        let mut rec = vec![r.fy.to_string(), scope.to_string(), label.to_string()];
        rec.extend(s.rows.iter().map(|row| row.count.to_string()));
        rec.push(s.total.to_string());
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
    emit("plan", &r.plan_title, &r.whole);
    for g in &r.groups {
        emit(&g.key, &g.label, &g.summary);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
