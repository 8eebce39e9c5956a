//! Charts as inline SVG: no script, no external request. Each chart has a
//! title and a description for assistive technology, and every page that
//! shows one also shows its data as a table.

use std::fmt::Write;

/// Escapes text for SVG (XML) content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal reference line: a baseline, a target, a threshold.
pub struct RefLine {
    pub label: String,
    pub value: f64,
    /// `base` (grey, dashed), `target` (green), `warn` (orange), `bad` (red).
    pub kind: &'static str,
}

/// A number for an axis label: at most two decimals, no trailing zeros.
fn num(v: f64) -> String {
    // Rounded, then printed shortest: fast (no exact-precision formatting)
    // and without trailing zeros.
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// A coordinate rounded to a tenth of a unit; printed with `{}` it is short.
fn r1(v: f64) -> f64 {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The width of a label in the charts' 11px font (user units), a little
/// generous: an ASCII character is about 0.55 em, a CJK one 1 em.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 6.5 } else { 11.5 })
        .sum()
}

/// A label cut to `max` wide with "…", never cut off at the chart's edge;
/// the whole label is in the chart's table (and the bar's tooltip).
fn elide(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = text_width("…");
    for c in s.chars() {
        w += text_width(c.encode_utf8(&mut [0; 4]));
        if w > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Baselines (y) for labels wanted at `ys`, moved apart so that no two are
/// closer than `gap`, in the order of `ys`; the topmost keeps its place
/// and the others move down.
fn spread(ys: &[f64], gap: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ys.len()).collect();
    order.sort_by(|a, b| ys[*a].total_cmp(&ys[*b]));
    let mut out = ys.to_vec();
    for k in 1..order.len() {
        let (prev, cur) = (order[k - 1], order[k]);
        if out[cur] - out[prev] < gap {
            out[cur] = out[prev] + gap;
        }
    }
    out
}

/// Rounds the range out to "nice" ticks.
fn scale(min: f64, max: f64) -> (f64, f64, f64) {
    let (min, max) = if (max - min).abs() < f64::EPSILON {
        (min - 1.0, max + 1.0)
    } else {
        (min, max)
    };
    let raw = (max - min) / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    (
        (min / step).floor() * step,
        (max / step).ceil() * step,
        step,
    )
}

fn header(id: &str, title: &str, desc: &str, w: u32, h: u32) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"100%\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// A line chart of one series over the years, with reference lines.
/// Missing years are gaps in the line, never zeros.
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(String, Option<f64>)],
    refs: &[RefLine],
) -> String {
    let (w, h) = (560u32, 240u32);
    // The reference lines' labels stand right of the plot: the margin fits
    // the longest, so that none is cut off at the edge.
    let right = refs
        .iter()
        .map(|r| text_width(&format!("{} {}", r.label, num(r.value))) + 12.0)
        .fold(40.0f64, f64::max)
        .min(240.0);
    let (left, top, bottom) = (56.0, 16.0, 36.0);
    let values: Vec<f64> = points
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(refs.iter().map(|r| r.value))
        .filter(|v| v.is_finite())
        .collect();
    let mut svg = header(id, title, desc, w, h);
    if values.is_empty() || points.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let lo = values
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi, step) = scale(lo, hi);
    let pw = w as f64 - left - right;
    let ph = h as f64 - top - bottom;
    let y = |v: f64| r1(top + ph - (v - lo) / (hi - lo) * ph);
    let n = points.len();
    let x = |i: usize| {
        r1(if n == 1 {
            left + pw / 2.0
        } else {
            left + pw * i as f64 / (n - 1) as f64
        })
    };
    let mut t = lo;
    while t <= hi + step / 2.0 {
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left + pw,
            y(t),
            y(t),
            left - 6.0,
            y(t) + 4.0,
            num(t)
        );
        t += step;
    }
    for (i, (label, _)) in points.iter().enumerate() {
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(i),
            h as f64 - bottom + 18.0,
            esc(label)
        );
    }
    // Labels of lines close together are moved apart so as not to overlap.
    let label_y = spread(
        &refs.iter().map(|r| y(r.value) + 4.0).collect::<Vec<_>>(),
        13.0,
    );
    for (r, ly) in refs.iter().zip(label_y) {
        let _ = write!(
            svg,
            "<line class=\"ref ref-{}\" x1=\"{left}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text class=\"ref-label ref-{}\" x=\"{}\" y=\"{}\">{} {}</text>",
            r.kind,
            left + pw,
            y(r.value),
            y(r.value),
            r.kind,
            left + pw + 6.0,
            ly,
            esc(&r.label),
            num(r.value)
        );
    }
    // The series, broken at every gap.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, svg: &mut String| {
        if run.len() > 1 {
            let pts: Vec<String> = run.iter().map(|(a, b)| format!("{a},{b}")).collect();
            let _ = write!(
                svg,
                "<polyline class=\"series\" points=\"{}\"/>",
                pts.join(" ")
            );
        }
        run.clear();
    };
    for (i, (_, v)) in points.iter().enumerate() {
        match v {
            Some(v) if v.is_finite() => run.push((x(i), y(*v))),
            _ => flush(&mut run, &mut svg),
        }
    }
    flush(&mut run, &mut svg);
    for (i, (label, v)) in points.iter().enumerate() {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            let _ = write!(
                svg,
                "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"4\"><title>{}: {}</title></circle>",
                x(i),
                y(v),
                esc(label),
                num(v)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// An indicator's actuals over the years (from the baseline year, or the
/// first actual, to the later of the target year and `as_of`) against its
/// baseline and target lines. Missing years are gaps.
#[allow(clippy::too_many_arguments)]
pub fn indicator_chart(
    id: &str,
    title: &str,
    desc: &str,
    i: &gyokaku_domain::Indicator,
    values: &[&gyokaku_domain::IndicatorValue],
    as_of: gyokaku_domain::FiscalYear,
    baseline_label: &str,
    target_label: &str,
) -> String {
    use gyokaku_domain::FiscalYear;
    let mut years: Vec<FiscalYear> = values.iter().map(|v| v.fy).collect();
    years.extend(i.baseline.as_ref().and_then(|b| b.fy));
    years.extend(i.target.as_ref().and_then(|t| t.fy));
    years.push(as_of);
    let first = years.iter().min().copied().unwrap_or(as_of);
    let last = years.iter().max().copied().unwrap_or(as_of);
    let points: Vec<(String, Option<f64>)> = (first.year()..=last.year())
        .filter_map(|y| FiscalYear::new(y).ok())
        .map(|y| {
            (
                y.short(),
                values.iter().find(|v| v.fy == y).map(|v| v.value.to_f64()),
            )
        })
        .collect();
    let mut refs = Vec::new();
    if let Some(v) = i.baseline.as_ref().and_then(|b| b.value) {
        refs.push(RefLine {
            label: baseline_label.to_string(),
            value: v.to_f64(),
            kind: "base",
        });
    }
    if let Some(v) = i.target.as_ref().and_then(|t| t.value) {
        refs.push(RefLine {
            label: target_label.to_string(),
            value: v.to_f64(),
            kind: "target",
        });
    }
    line_chart(id, title, desc, &points, &refs)
}

/// One bar of a bar chart.
pub struct Bar {
    pub label: String,
    /// `None`: shown as text (e.g. "—", no deficit), no bar.
    pub value: Option<f64>,
    pub text: String,
    pub highlight: bool,
}

/// Horizontal bars (one per city), with reference lines (thresholds).
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[Bar], refs: &[RefLine]) -> String {
    let row = 24.0;
    // Each reference line gets its own label row above the bars; the left
    // margin fits the longest label (a CJK character is about one em).
    let widest = bars
        .iter()
        .map(|b| text_width(&b.label))
        .fold(0.0f64, f64::max);
    let (left, right) = ((widest + 12.0).clamp(60.0, 240.0), 70.0);
    let label_room = left - 12.0;
    let top = 16.0 + 14.0 * refs.len().max(1) as f64;
    let w = 560u32;
    let h = (top + row * bars.len() as f64 + 28.0) as u32;
    let mut svg = header(id, title, desc, w, h);
    let values: Vec<f64> = bars
        .iter()
        .filter_map(|b| b.value)
        .chain(refs.iter().map(|r| r.value))
        .filter(|v| v.is_finite())
        .collect();
    let hi = values.iter().cloned().fold(0.0f64, f64::max);
    let lo = values.iter().cloned().fold(0.0f64, f64::min);
    let (lo, hi, _) = scale(lo, if hi <= lo { lo + 1.0 } else { hi });
    let pw = w as f64 - left - right;
    let x = |v: f64| r1(left + (v - lo) / (hi - lo) * pw);
    for (i, b) in bars.iter().enumerate() {
        let yy = top + row * i as f64;
        let class = if b.highlight { "bar own" } else { "bar" };
        let _ = write!(
            svg,
            "<text class=\"tick{}\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            if b.highlight { " own-label" } else { "" },
            left - 6.0,
            yy + 16.0,
            esc(&elide(&b.label, label_room))
        );
        let end = match b.value.filter(|v| v.is_finite()) {
            Some(v) => {
                let (a, z) = if v >= 0.0 {
                    (x(0.0), x(v))
                } else {
                    (x(v), x(0.0))
                };
                let _ = write!(
                    svg,
                    "<rect class=\"{class}\" x=\"{a}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title></rect>",
                    yy + 4.0,
                    r1((z - a).max(1.0)),
                    row - 8.0,
                    esc(&b.label),
                    esc(&b.text)
                );
                x(v.max(0.0))
            }
            None => x(0.0),
        };
        let _ = write!(
            svg,
            "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
            end + 4.0,
            yy + 16.0,
            esc(&b.text)
        );
    }
    let bottom = top + row * bars.len() as f64;
    for (i, r) in refs.iter().enumerate() {
        let label = format!("{} {}", r.label, num(r.value));
        // Left of its line, or right of it where there is no room on the left.
        let (lx, anchor) = if x(r.value) - 3.0 >= text_width(&label) {
            (r1(x(r.value) - 3.0), "end")
        } else {
            (r1(x(r.value) + 3.0), "start")
        };
        let _ = write!(
            svg,
            "<line class=\"ref ref-{}\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text class=\"ref-label ref-{}\" x=\"{lx}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            r.kind,
            x(r.value),
            x(r.value),
            top - 4.0 - 14.0 * (refs.len() - 1 - i) as f64,
            bottom,
            r.kind,
            top - 6.0 - 14.0 * (refs.len() - 1 - i) as f64,
            esc(&label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let svg = line_chart(
            "c",
            "<script>",
            "a & b",
            &[("R6".into(), Some(1.0)), ("R7".into(), Some(2.0))],
            &[],
        );
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a &amp; b"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("role=\"img\""));
    }

    #[test]
    fn gaps_break_the_line() {
        let pts = vec![
            ("R3".to_string(), Some(1.0)),
            ("R4".to_string(), Some(2.0)),
            ("R5".to_string(), None),
            ("R6".to_string(), Some(3.0)),
            ("R7".to_string(), Some(4.0)),
        ];
        let svg = line_chart("c", "t", "d", &pts, &[]);
        assert_eq!(
            svg.matches("<polyline").count(),
            2,
            "two runs around the gap"
        );
        assert_eq!(svg.matches("<circle").count(), 4, "no point for the gap");
    }

    #[test]
    fn bars_and_thresholds() {
        let bars = vec![
            Bar {
                label: "安中市".into(),
                value: Some(8.2),
                text: "8.2%".into(),
                highlight: true,
            },
            Bar {
                label: "前橋市".into(),
                value: None,
                text: "—".into(),
                highlight: false,
            },
        ];
        let refs = [RefLine {
            label: "早期健全化基準".into(),
            value: 25.0,
            kind: "warn",
        }];
        let svg = bar_chart("b", "実質公債費比率", "d", &bars, &refs);
        assert_eq!(svg.matches("<rect").count(), 1, "— gets no bar");
        assert!(svg.contains("bar own"));
        assert!(svg.contains("早期健全化基準 25"));
    }

    #[test]
    fn reference_labels_fit_and_do_not_overlap() {
        let refs = [
            RefLine {
                label: "Early-warning threshold".into(),
                value: 12.59,
                kind: "warn",
            },
            RefLine {
                label: "Reconstruction threshold".into(),
                value: 13.0,
                kind: "bad",
            },
        ];
        let svg = line_chart("c", "t", "d", &[("R5".into(), Some(1.0))], &refs);
        // The labels start right of the plot and fit in the 560 wide box.
        let xs: Vec<f64> = svg
            .match_indices("class=\"ref-label")
            .map(|(i, _)| {
                let rest = &svg[i..];
                let x = &rest[rest.find(" x=\"").unwrap() + 4..];
                x[..x.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(xs.len(), 2);
        for x in xs {
            assert!(
                x + text_width("Reconstruction threshold 13") <= 560.0,
                "{x}"
            );
        }
        assert_eq!(
            spread(&[100.0, 95.0, 200.0], 13.0),
            vec![108.0, 95.0, 200.0]
        );
    }

    #[test]
    fn long_bar_labels_are_elided() {
        let long = "A 計画どおり進捗（デモ用の評価区分）という長い名前の区分";
        let svg = bar_chart(
            "b",
            "t",
            "d",
            &[Bar {
                label: long.into(),
                value: Some(3.0),
                text: "3".into(),
                highlight: false,
            }],
            &[],
        );
        // Cut in the visible label, whole in the bar's tooltip.
        assert!(!svg.contains(&format!(">{long}</text>")));
        assert!(svg.contains("…</text>"));
        assert!(svg.contains(&format!("<title>{long}: 3</title>")));
        assert_eq!(elide("短い", 100.0), "短い");
        assert!(text_width(&elide(long, 228.0)) <= 228.0);
    }

    #[test]
    fn nice_scales() {
        assert_eq!(scale(0.0, 9.0), (0.0, 10.0, 2.5));
        assert_eq!(scale(0.0, 100.0), (0.0, 100.0, 25.0));
        let (lo, hi, _) = scale(5.0, 5.0);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(3.0), "3");
    }
}
