//! How every output writes the plan's figures: amounts, years, dates,
//! instants, thresholds, baselines and targets, achievements, statuses and
//! shares, in Japanese or English.
//!
//! The web app, the published site, the PDF report and the CLI all call
//! these functions, so that a figure reads the same wherever a citizen or an
//! official meets it (a range is written with ～ everywhere, 1.52億円 is
//! 1.52億円 on the site and in the PDF). Pure: no I/O, no locale files;
//! labels that belong to one output stay in that output's locale file.

use crate::achievement::{Assessment, Evaluation, Sign, Trajectory};
use crate::fiscal::FiscalRatio;
use crate::fiscal_health::{FiscalFlag, Threshold};
use crate::indicator::{IndicatorKind, TargetKind};
use crate::numbers::{group, Yen};
use crate::plan::{Indicator, Period};
use crate::progress::Direction;
use crate::status::StatusRow;
use crate::wareki::{FiscalYear, PlanDate};

/// The two languages every output is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The BCP 47 code (`ja`, `en`), as HTML's `lang` and URLs use it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// The Japanese or English of a pair the plan provides. Plans give
    /// Japanese always and English sometimes; an empty English text counts
    /// as missing, so a page never shows a blank where the plan has words.
    pub fn pick<'a>(self, ja: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => ja,
        }
    }
}

/// A term the domain names in both languages: an achievement class, a
/// fiscal ratio, a fiscal flag, a direction of an item, an indicator kind.
pub trait Term: Copy {
    fn ja(self) -> &'static str;
    fn en(self) -> &'static str;
}

/// A [`Term`] in the page's language: 達成 / achieved, 実質赤字比率 /
/// real deficit ratio.
pub fn term<T: Term>(lang: Lang, t: T) -> &'static str {
    match lang {
        Lang::Ja => t.ja(),
        Lang::En => t.en(),
    }
}

macro_rules! terms {
    ($($t:ty),*) => {$(
        impl Term for $t {
            fn ja(self) -> &'static str {
                <$t>::ja(self)
            }
            fn en(self) -> &'static str {
                <$t>::en(self)
            }
        }
    )*};
}

terms!(Trajectory, FiscalRatio, FiscalFlag, Direction);

impl Term for IndicatorKind {
    fn ja(self) -> &'static str {
        IndicatorKind::ja(self)
    }
    /// The key (policy, outcome, reference): the English the pages have
    /// always shown, and the value of the registry's filter.
    fn en(self) -> &'static str {
        self.key()
    }
}

/// What a cell shows where there is nothing to show (no share, no
/// threshold, no baseline). Never 0, which would read as a value.
pub const NONE: &str = "—";

const YEN_PER_MAN: u64 = 10_000;
const YEN_PER_OKU: u64 = 100_000_000;

/// Rounded half up to a multiple of `step`.
fn round_to(v: u64, step: u64) -> u64 {
    // `v` is the magnitude of an i64, so adding half a step cannot overflow.
    (v + step / 2) / step * step
}

/// An amount as reports print it: 300万円, 1,234.5万円, 1.52億円, 5,000円,
/// ▲ for a negative amount; in English the same rounded amount in full
/// (¥3,000,000, -¥152,000,000).
///
/// Amounts of 1万円 and more are rounded to what the unit shows: 万円 with
/// one decimal (to 1,000 yen), 億円 with two (to 1,000,000 yen). This is for
/// reading; a form echoes what was typed with [`Yen::japanese`], which is
/// exact and parses back.
pub fn amount(lang: Lang, y: Yen) -> String {
    let v = y.0.unsigned_abs();
    // An amount that rounds up to 1億 is written in 億 (1億円, not 10,000万円).
    let in_oku = v >= YEN_PER_OKU || round_to(v, 1_000) >= YEN_PER_OKU;
    let rounded = if in_oku {
        round_to(v, 1_000_000)
    } else if v >= YEN_PER_MAN {
        round_to(v, 1_000)
    } else {
        v
    };
    let negative = y.0 < 0;
    if lang.is_en() {
        let sign = if negative { "-" } else { "" };
        return format!("{sign}¥{}", group(rounded));
    }
    let sign = if negative { "▲" } else { "" };
    // Whole units and the decimals the unit keeps, trailing zeros dropped.
    let (whole, decimals, unit) = if in_oku {
        let hundredths = rounded / 1_000_000;
        (hundredths / 100, format!("{:02}", hundredths % 100), "億円")
    } else if rounded >= YEN_PER_MAN {
        let tenths = rounded / 1_000;
        (tenths / 10, (tenths % 10).to_string(), "万円")
    } else {
        (rounded, String::new(), "円")
    };
    match decimals.trim_end_matches('0') {
        "" => format!("{sign}{}{unit}", group(whole)),
        d => format!("{sign}{}.{d}{unit}", group(whole)),
    }
}

/// A fiscal year: 令和7(2025)年度, FY2025 (R7).
pub fn fiscal_year(lang: Lang, fy: FiscalYear) -> String {
    match lang {
        Lang::Ja => fy.wareki_with_western(),
        Lang::En => format!("FY{} ({})", fy.year(), fy.short()),
    }
}

/// A plan's period as plans print it: 令和7年度～令和11年度, FY2025–FY2029
/// (R7–R11).
pub fn period(lang: Lang, p: Period) -> String {
    match lang {
        Lang::Ja => format!("{}～{}", p.from.wareki(), p.to.wareki()),
        Lang::En => format!(
            "FY{}–FY{} ({}–{})",
            p.from.year(),
            p.to.year(),
            p.from.short(),
            p.to.short()
        ),
    }
}

/// Text with the language it is in: an English page shows the Japanese
/// text where the plan gives no English one, and marks it `lang="ja"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub text: String,
    pub lang: Lang,
}

impl Label {
    pub fn new(text: impl Into<String>, lang: Lang) -> Label {
        Label {
            text: text.into(),
            lang,
        }
    }
}

/// The text in `lang` where there is one, else the Japanese, as a
/// [`Label`].
pub fn label(lang: Lang, ja: &str, en: Option<&str>) -> Label {
    match (lang, en) {
        (Lang::En, Some(en)) if !en.is_empty() => Label::new(en, Lang::En),
        _ => Label::new(ja, Lang::Ja),
    }
}

/// A level's name, or where the plan leaves the level unnamed a neutral
/// description of its place (第2階層, Level 2) — never a name the plan does
/// not print.
pub fn level_name(lang: Lang, level: &crate::plan::Level, index: usize) -> String {
    match (&level.name, lang) {
        (Some(n), _) => lang.pick(n, level.name_en.as_deref()).to_string(),
        (None, Lang::Ja) => format!("第{}階層", index + 1),
        (None, Lang::En) => format!("Level {}", index + 1),
    }
}

/// A period open at one end as plans print it: 平成29年度～, ～令和3年度
/// (FY2017 (H29)–, –FY2021 (R3)); both ends as [`period`]; nothing for
/// neither.
pub fn span(lang: Lang, s: crate::plan::Span) -> String {
    let year = |fy: crate::wareki::FiscalYear| match lang {
        Lang::Ja => fy.wareki(),
        Lang::En => format!("FY{} ({})", fy.year(), fy.short()),
    };
    match (s.from, s.to) {
        (Some(from), Some(to)) => period(lang, Period { from, to }),
        (Some(from), None) => match lang {
            Lang::Ja => format!("{}～", year(from)),
            Lang::En => format!("{}–", year(from)),
        },
        (None, Some(to)) => match lang {
            Lang::Ja => format!("～{}", year(to)),
            Lang::En => format!("–{}", year(to)),
        },
        (None, None) => String::new(),
    }
}

/// A plan's period; without one, 期間未定 for a draft (not fixed yet) and
/// 期間の定めなし for an adopted plan (a standing plan).
pub fn period_or_standing(lang: Lang, p: Option<Period>, draft: bool) -> String {
    match (p, draft, lang) {
        (Some(p), _, _) => period(lang, p),
        (None, true, Lang::Ja) => "期間未定".into(),
        (None, true, Lang::En) => "Not fixed yet".into(),
        (None, false, Lang::Ja) => "期間の定めなし".into(),
        (None, false, Lang::En) => "No fixed period".into(),
    }
}

/// A flag an item carries (重点, チャレンジ), as its value: 該当, Marked.
pub fn flag_mark(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "該当",
        Lang::En => "Marked",
    }
}

/// The 17 Sustainable Development Goals' short names, as the 外務省's
/// Japanese list and the UN's English list give them.
const SDGS: [(&str, &str); 17] = [
    ("貧困をなくそう", "No poverty"),
    ("飢餓をゼロに", "Zero hunger"),
    ("すべての人に健康と福祉を", "Good health and well-being"),
    ("質の高い教育をみんなに", "Quality education"),
    ("ジェンダー平等を実現しよう", "Gender equality"),
    ("安全な水とトイレを世界中に", "Clean water and sanitation"),
    (
        "エネルギーをみんなに そしてクリーンに",
        "Affordable and clean energy",
    ),
    ("働きがいも経済成長も", "Decent work and economic growth"),
    (
        "産業と技術革新の基盤をつくろう",
        "Industry, innovation and infrastructure",
    ),
    ("人や国の不平等をなくそう", "Reduced inequalities"),
    (
        "住み続けられるまちづくりを",
        "Sustainable cities and communities",
    ),
    (
        "つくる責任 つかう責任",
        "Responsible consumption and production",
    ),
    ("気候変動に具体的な対策を", "Climate action"),
    ("海の豊かさを守ろう", "Life below water"),
    ("陸の豊かさも守ろう", "Life on land"),
    (
        "平和と公正をすべての人に",
        "Peace, justice and strong institutions",
    ),
    (
        "パートナーシップで目標を達成しよう",
        "Partnerships for the goals",
    ),
];

/// An SDG as text beside (or instead of) its icon: 目標3 すべての人に健康と
/// 福祉を, Goal 3: Good health and well-being.
pub fn sdg(lang: Lang, goal: u8) -> String {
    let name = SDGS
        .get(usize::from(goal).wrapping_sub(1))
        .map(|(ja, en)| lang.pick(ja, Some(en)))
        .unwrap_or("");
    match lang {
        Lang::Ja => format!("目標{goal} {name}").trim_end().to_string(),
        Lang::En => format!("Goal {goal}: {name}")
            .trim_end_matches([' ', ':'])
            .to_string(),
    }
}

/// The mark a draft plan carries after its title, nothing for an adopted
/// one: （案）, (draft).
pub fn draft_mark(lang: Lang, draft: bool) -> &'static str {
    match (draft, lang) {
        (false, _) => "",
        (true, Lang::Ja) => "（案）",
        (true, Lang::En) => " (draft)",
    }
}

/// A date: 令和7年4月1日 (or 令和元年12月) in Japanese, 2025-04-01 (or
/// 2019-12) in English.
pub fn date(lang: Lang, d: PlanDate) -> String {
    match lang {
        Lang::Ja => d.wareki(),
        // ISO order: unambiguous for readers on either side of the Atlantic.
        Lang::En => d.to_string(),
    }
}

/// A date or a span of dates (a meeting held over two days).
pub fn dates(lang: Lang, from: PlanDate, to: Option<PlanDate>) -> String {
    match (to, lang) {
        (None, _) => date(lang, from),
        (Some(to), Lang::Ja) => format!("{}～{}", date(lang, from), date(lang, to)),
        (Some(to), Lang::En) => format!("{} – {}", date(lang, from), date(lang, to)),
    }
}

/// An instant as stored (RFC 3339 in UTC, `2025-03-31T15:30:00Z`) shown in
/// Japan time, to the minute: 2025-04-01 00:30. Officials read times in
/// JST whatever the page's language; the text is the same in both.
/// Anything unreadable is shown as stored rather than hidden.
pub fn jst(iso: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let shown = || -> Option<String> {
        let at = time::OffsetDateTime::parse(iso.trim(), &Rfc3339).ok()?;
        let t = at.to_offset(time::UtcOffset::from_hms(9, 0, 0).ok()?);
        Some(format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ))
    };
    shown().unwrap_or_else(|| iso.to_string())
}

/// The date in Japan of an instant as stored (`2025-03-31T15:30:00Z` is
/// 2025-04-01 there): what "today" means for a publication date or the
/// current fiscal year, whatever the server's clock zone.
pub fn jst_date(iso: &str) -> Option<time::Date> {
    use time::format_description::well_known::Rfc3339;
    let at = time::OffsetDateTime::parse(iso.trim(), &Rfc3339).ok()?;
    Some(
        at.to_offset(time::UtcOffset::from_hms(9, 0, 0).ok()?)
            .date(),
    )
}

/// A calendar date written `YYYY-MM-DD` (a publication date), checked
/// against the calendar: 2025-02-29 and 2025-02-31 are refused.
pub fn iso_date(s: &str) -> Option<time::Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..].parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// A date as `YYYY-MM-DD`.
pub fn iso_text(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A fiscal-health threshold in the ratio's unit: 25.0%, 11.25%～15%
/// (set by the city's standard fiscal scale), or — where the law sets none.
pub fn threshold(lang: Lang, t: Threshold, unit: &str) -> String {
    match t {
        Threshold::Plan { value } | Threshold::Statutory { value } => format!("{value}{unit}"),
        Threshold::DependsOnScale { lowest, highest } => match lang {
            Lang::Ja => format!("{lowest}{unit}～{highest}{unit}"),
            Lang::En => format!("{lowest}{unit}–{highest}{unit}"),
        },
        Threshold::None => NONE.into(),
    }
}

/// Where a chart draws a threshold's reference line: at its value, or for
/// a range set by the fiscal scale at the upper end (the most lenient
/// reading, so a line crossed is crossed for every city of the range).
pub fn threshold_line(t: Threshold) -> Option<f64> {
    match t {
        Threshold::Plan { value } | Threshold::Statutory { value } => Some(value.to_f64()),
        Threshold::DependsOnScale { highest, .. } => Some(highest.to_f64()),
        Threshold::None => None,
    }
}

/// Where a threshold comes from, or `None` where there is none.
pub fn threshold_source(lang: Lang, t: Threshold) -> Option<&'static str> {
    let (ja, en) = match t {
        Threshold::Plan { .. } => ("計画に記載", "stated in the plan"),
        Threshold::Statutory { .. } => ("法定", "statutory"),
        Threshold::DependsOnScale { .. } => (
            "標準財政規模により異なる",
            "depends on the standard fiscal scale",
        ),
        Threshold::None => return None,
    };
    Some(if lang.is_en() { en } else { ja })
}

/// A threshold with where it comes from: 25.0%（法定）, 25.0% (statutory).
pub fn threshold_with_source(lang: Lang, t: Threshold, unit: &str) -> String {
    let value = threshold(lang, t, unit);
    match (threshold_source(lang, t), lang) {
        (None, _) => value,
        (Some(s), Lang::Ja) => format!("{value}（{s}）"),
        (Some(s), Lang::En) => format!("{value} ({s})"),
    }
}

/// A value as the plan writes it, with its year: 20（R2）.
fn with_year(v: String, fy: Option<FiscalYear>) -> String {
    match fy {
        Some(y) => format!("{v}（{}）", y.short()),
        None => v,
    }
}

/// An indicator's baseline as the plan writes it (in the indicator's unit,
/// shown beside it), with its year: -5.76（R2）, ●●%（R3）; — where the
/// plan gives none. Japanese whatever the page's language: it is the
/// plan's own wording.
pub fn baseline(i: &Indicator) -> String {
    let Some(b) = &i.baseline else {
        return NONE.into();
    };
    let v = b
        .value
        .map(|v| v.to_string())
        .or_else(|| b.pending.clone())
        .unwrap_or_else(|| NONE.into());
    with_year(v, b.fy)
}

/// An indicator's target as the plan wrote it (12.59%以下), else from its
/// kind and value (12.59以下, 基準値より増, 維持), with its year; — where the
/// plan gives none. Japanese, as [`baseline`].
pub fn target(i: &Indicator) -> String {
    let Some(t) = &i.target else {
        return NONE.into();
    };
    let v = t.text.clone().unwrap_or_else(|| match (t.kind, t.value) {
        (TargetKind::Value, Some(v)) => v.to_string(),
        (TargetKind::AtMost, Some(v)) => format!("{v}以下"),
        (TargetKind::AtLeast, Some(v)) => format!("{v}以上"),
        (TargetKind::Increase, _) => "基準値より増".into(),
        (TargetKind::Decrease, _) => "基準値より減".into(),
        (TargetKind::Keep, _) => "維持".into(),
        _ => "未確定".into(),
    });
    with_year(v, t.fy)
}

/// The actual a judgement rests on, with its year: 42（R6）, or for a
/// cumulative (累計) indicator the running total: 累計 120（R6）; — where
/// there is none.
pub fn latest(lang: Lang, a: &Assessment) -> String {
    let Some(l) = a.latest else {
        return NONE.into();
    };
    match (lang, a.cumulative) {
        (Lang::Ja, false) => format!("{}（{}）", l.value, l.fy.short()),
        (Lang::Ja, true) => format!("累計 {}（{}）", l.value, l.fy.short()),
        (Lang::En, false) => format!("{} ({})", l.value, l.fy.short()),
        (Lang::En, true) => format!("{} cumulative ({})", l.value, l.fy.short()),
    }
}

/// An indicator's achievement as one short text: 60.0%, 達成（余裕 1.2）,
/// 増加 3, 維持, 未確定, 実績なし, or why it cannot be judged. Where a
/// baseline or target is not fixed yet, what the plan wrote is
/// [`pending_note`].
pub fn achievement(lang: Lang, a: &Assessment) -> String {
    let pick = |ja: &'static str, en: &'static str| if lang.is_en() { en } else { ja };
    match &a.evaluation {
        Evaluation::Progress { progress, .. } => format!("{}%", progress.percent(1)),
        Evaluation::Bound { met, margin, .. } => {
            let m = if *met {
                pick("達成", "met")
            } else {
                pick("未達", "not met")
            };
            match lang {
                Lang::Ja => format!("{m}（余裕 {margin}）"),
                Lang::En => format!("{m} (margin {margin})"),
            }
        }
        Evaluation::Direction { sign, change, .. } => {
            let s = match sign {
                Sign::Positive => pick("増加", "up"),
                Sign::Zero => pick("横ばい", "flat"),
                Sign::Negative => pick("減少", "down"),
            };
            format!("{s} {change}")
        }
        Evaluation::Keep { held, .. } => if *held {
            pick("維持", "held")
        } else {
            pick("未維持", "not held")
        }
        .to_string(),
        Evaluation::Pending { .. } => pick("未確定", "not fixed yet").to_string(),
        Evaluation::NoData { .. } => pick("実績なし", "no actual yet").to_string(),
        Evaluation::NotAssessable { reason } => pick(reason.ja(), reason.en()).to_string(),
    }
}

/// What the plan wrote where a baseline or target is not fixed yet (●●%,
/// R3 調査実施予定), in Japanese whatever the page's language; empty
/// otherwise.
pub fn pending_note(a: &Assessment) -> String {
    match &a.evaluation {
        Evaluation::Pending { baseline, target } => [baseline.as_deref(), target.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / "),
        _ => String::new(),
    }
}

/// [`achievement`] followed by the plan's note, for a cell that has no room
/// for the note on its own: 未確定: ●●% (R3 調査実施予定).
pub fn achievement_with_note(lang: Lang, a: &Assessment) -> String {
    let text = achievement(lang, a);
    match pending_note(a) {
        note if note.is_empty() => text,
        note => format!("{text}: {note}"),
    }
}

/// A status as lists show it: its label, prefixed by its code unless the
/// label already starts with it (A 計画どおり; 安中's 年度目標達成 is its own
/// code). The English label where the plan gives one.
pub fn status(lang: Lang, code: &str, label: &str, label_en: Option<&str>) -> String {
    let label = lang.pick(label, label_en);
    if label.starts_with(code) {
        label.to_string()
    } else {
        format!("{code} {label}")
    }
}

/// A status code the plan's scale does not have (a data error, shown on a
/// row of its own rather than dropped): Z（区分外）, Z (not on the scale).
pub fn off_scale(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Ja => format!("{code}（区分外）"),
        Lang::En => format!("{code} (not on the scale)"),
    }
}

/// A summary row's heading: [`status`] for a step of the scale,
/// [`off_scale`] for a code not on it.
pub fn status_row(lang: Lang, r: &StatusRow) -> String {
    if r.on_scale {
        status(lang, &r.code, &r.label, r.label_en.as_deref())
    } else {
        off_scale(lang, &r.code)
    }
}

/// An achieved share in whole percent (67%), or — where there is no share
/// (no scale, nothing rated): never 0% for "nothing to count".
pub fn percent(p: Option<u32>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| NONE.into())
}

#[cfg(test)]
mod tests {

    #[test]
    fn today_is_the_date_in_japan_and_dates_follow_the_calendar() {
        let d = jst_date("2025-03-31T15:30:00Z").unwrap();
        assert_eq!(iso_text(d), "2025-04-01");
        assert_eq!(
            iso_text(jst_date("2025-03-31T14:59:00Z").unwrap()),
            "2025-03-31"
        );
        assert!(iso_date("2024-02-29").is_some());
        for bad in [
            "2025-02-29",
            "2025-02-31",
            "2025-13-01",
            "30/06/2026",
            "2025-6-30",
        ] {
            assert!(iso_date(bad).is_none(), "{bad}");
        }
    }
    use super::*;
    use crate::achievement::{Actual, BoundKind, Ratio, Unassessable};
    use crate::indicator::{Baseline, Target};
    use crate::numbers::Decimal;

    #[test]
    fn sdgs_periods_and_labels_read_as_printed() {
        assert_eq!(sdg(Lang::Ja, 3), "目標3 すべての人に健康と福祉を");
        assert_eq!(sdg(Lang::En, 17), "Goal 17: Partnerships for the goals");
        // Out of range never panics (the plan check refuses such goals).
        assert_eq!(sdg(Lang::Ja, 0), "目標0");
        assert_eq!(sdg(Lang::En, 18), "Goal 18");
        assert_eq!(draft_mark(Lang::Ja, true), "（案）");
        assert_eq!(draft_mark(Lang::Ja, false), "");
        assert_eq!(period_or_standing(Lang::Ja, None, false), "期間の定めなし");
        assert_eq!(period_or_standing(Lang::En, None, true), "Not fixed yet");
        assert_eq!(label(Lang::En, "守る", None).lang, Lang::Ja);
        assert_eq!(label(Lang::En, "守る", Some("Keep")).text, "Keep");
        assert_eq!(label(Lang::Ja, "守る", Some("Keep")).text, "守る");
        let fy = |y| crate::wareki::FiscalYear::new(y).unwrap();
        let open = |from, to| crate::plan::Span { from, to };
        assert_eq!(span(Lang::Ja, open(Some(fy(2017)), None)), "平成29年度～");
        assert_eq!(span(Lang::Ja, open(None, Some(fy(2021)))), "～令和3年度");
        assert_eq!(span(Lang::En, open(None, Some(fy(2021)))), "–FY2021 (R3)");
        assert_eq!(
            span(Lang::Ja, open(Some(fy(2019)), Some(fy(2021)))),
            "令和元年度～令和3年度"
        );
    }

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn date_of(s: &str) -> PlanDate {
        PlanDate::parse(s).unwrap()
    }

    fn indicator(baseline: Option<Baseline>, target: Option<Target>) -> Indicator {
        Indicator {
            retired: None,
            id: "o2-1".into(),
            node: Some("2".into()),
            kind: IndicatorKind::Outcome,
            name: "実質赤字比率".into(),
            definition: None,
            unit: Some("%".into()),
            source: None,
            cumulative: false,
            challenge: false,
            baseline,
            target,
            note: None,
        }
    }

    fn assessed(evaluation: Evaluation) -> Assessment {
        Assessment {
            indicator: "o2-1".into(),
            as_of: fy(2024),
            cumulative: false,
            evaluation,
            latest: None,
            path: None,
            trajectory: Trajectory::NoData,
            gap_years: Vec::new(),
            demo: false,
        }
    }

    #[test]
    fn languages_by_code_and_the_plans_english_only_where_given() {
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::Ja.other().code(), "en");
        assert_eq!(Lang::En.pick("計画どおり", Some("on plan")), "on plan");
        assert_eq!(Lang::En.pick("計画どおり", Some("")), "計画どおり");
        assert_eq!(Lang::Ja.pick("計画どおり", Some("on plan")), "計画どおり");
    }

    #[test]
    fn effects_as_the_pdf_prints_them_in_man_and_oku() {
        let ja = |v| amount(Lang::Ja, Yen(v));
        assert_eq!(ja(3_000_000), "300万円");
        assert_eq!(ja(12_345_000), "1,234.5万円");
        assert_eq!(ja(12_340_000), "1,234万円");
        assert_eq!(ja(12_349_999), "1,235万円");
        assert_eq!(ja(152_000_000), "1.52億円");
        assert_eq!(ja(200_000_000), "2億円");
        assert_eq!(ja(150_000_000), "1.5億円");
        assert_eq!(ja(123_456_000_000), "1,234.56億円");
        assert_eq!(ja(5_000), "5,000円");
        assert_eq!(ja(0), "0円");
        assert_eq!(ja(-3_000_000), "▲300万円");
    }

    #[test]
    fn an_amount_that_rounds_to_one_oku_is_written_in_oku() {
        assert_eq!(amount(Lang::Ja, Yen(99_999_600)), "1億円");
        assert_eq!(amount(Lang::Ja, Yen(99_999_000)), "9,999.9万円");
        assert_eq!(amount(Lang::Ja, Yen(9_999)), "9,999円");
        // Under 1万円 an amount is exact.
        assert_eq!(amount(Lang::Ja, Yen(-400)), "▲400円");
        assert_eq!(amount(Lang::En, Yen(-400)), "-¥400");
    }

    #[test]
    fn effects_in_english_are_the_same_rounded_yen_in_full() {
        let en = |v| amount(Lang::En, Yen(v));
        assert_eq!(en(3_000_000), "¥3,000,000");
        assert_eq!(en(12_345_678), "¥12,346,000");
        assert_eq!(en(152_340_000), "¥152,000,000");
        assert_eq!(en(5_000), "¥5,000");
        assert_eq!(en(-3_000_000), "-¥3,000,000");
    }

    #[test]
    fn fiscal_years_reiwa_7_and_heisei_31() {
        assert_eq!(fiscal_year(Lang::Ja, fy(2025)), "令和7(2025)年度");
        assert_eq!(fiscal_year(Lang::En, fy(2025)), "FY2025 (R7)");
        // FY2019 is named by the new era for the whole year.
        assert_eq!(fiscal_year(Lang::Ja, fy(2019)), "令和元(2019)年度");
        assert_eq!(fiscal_year(Lang::En, fy(2018)), "FY2018 (H30)");
    }

    #[test]
    fn ishiokas_period_r7_to_r11() {
        let p = Period {
            from: fy(2025),
            to: fy(2029),
        };
        assert_eq!(period(Lang::Ja, p), "令和7年度～令和11年度");
        assert_eq!(period(Lang::En, p), "FY2025–FY2029 (R7–R11)");
    }

    #[test]
    fn publication_and_meeting_dates() {
        assert_eq!(date(Lang::Ja, date_of("2026-06-30")), "令和8年6月30日");
        assert_eq!(date(Lang::En, date_of("2026-06-30")), "2026-06-30");
        assert_eq!(date(Lang::Ja, date_of("令和元年12月")), "令和元年12月");
        assert_eq!(date(Lang::En, date_of("令和元年12月")), "2019-12");
        let (a, b) = (date_of("2025-08-04"), date_of("2025-08-05"));
        assert_eq!(dates(Lang::Ja, a, Some(b)), "令和7年8月4日～令和7年8月5日");
        assert_eq!(dates(Lang::En, a, Some(b)), "2025-08-04 – 2025-08-05");
        assert_eq!(dates(Lang::Ja, a, None), "令和7年8月4日");
    }

    #[test]
    fn stored_instants_in_japan_time_across_day_month_and_year() {
        // The last evening of a fiscal year in UTC is the next year in JST.
        assert_eq!(jst("2025-03-31T15:30:00Z"), "2025-04-01 00:30");
        assert_eq!(jst("2024-12-31T20:00:00Z"), "2025-01-01 05:00");
        assert_eq!(jst("2024-02-28T16:00:00Z"), "2024-02-29 01:00");
        assert_eq!(jst("2023-02-28T16:00:00Z"), "2023-03-01 01:00");
        assert_eq!(jst("2025-06-01T00:00:00Z"), "2025-06-01 09:00");
        assert_eq!(jst("2025-06-01T00:00:00.123Z"), "2025-06-01 09:00");
        assert_eq!(jst("junk"), "junk");
        assert_eq!(jst(""), "");
    }

    #[test]
    fn thresholds_of_the_real_deficit_ratio_use_the_fullwidth_wave_dash() {
        let scale = Threshold::DependsOnScale {
            lowest: d("11.25"),
            highest: d("15"),
        };
        assert_eq!(threshold(Lang::Ja, scale, "%"), "11.25%～15%");
        assert_eq!(threshold(Lang::Ja, scale, ""), "11.25～15");
        assert_eq!(threshold(Lang::En, scale, "%"), "11.25%–15%");
        assert_eq!(
            threshold_with_source(Lang::Ja, scale, ""),
            "11.25～15（標準財政規模により異なる）"
        );
        let debt = Threshold::Statutory { value: d("25.0") };
        assert_eq!(threshold(Lang::Ja, debt, "%"), "25.0%");
        assert_eq!(threshold_with_source(Lang::Ja, debt, ""), "25.0（法定）");
        assert_eq!(
            threshold_with_source(Lang::En, debt, ""),
            "25.0 (statutory)"
        );
        // 石岡's own 連結実質赤字比率 threshold, stated in its plan.
        let stated = Threshold::Plan { value: d("17.59") };
        assert_eq!(
            threshold_with_source(Lang::Ja, stated, "%"),
            "17.59%（計画に記載）"
        );
        assert_eq!(threshold(Lang::En, Threshold::None, "%"), "—");
        assert_eq!(threshold_line(scale), Some(15.0));
        assert_eq!(threshold_line(debt), Some(25.0));
        assert_eq!(threshold_line(Threshold::None), None);
        assert_eq!(threshold_with_source(Lang::Ja, Threshold::None, ""), "—");
    }

    #[test]
    fn ishiokas_real_deficit_ratio_baseline_and_target() {
        let i = indicator(
            Some(Baseline {
                fy: Some(fy(2020)),
                value: Some(d("-5.76")),
                pending: None,
            }),
            Some(Target {
                fy: Some(fy(2031)),
                kind: TargetKind::AtMost,
                value: Some(d("12.59")),
                text: Some("12.59%以下".into()),
            }),
        );
        assert_eq!(baseline(&i), "-5.76（R2）");
        assert_eq!(target(&i), "12.59%以下（R13）");
    }

    #[test]
    fn ishiokas_pending_baseline_and_a_target_from_its_kind() {
        let i = indicator(
            Some(Baseline {
                fy: Some(fy(2021)),
                value: None,
                pending: Some("●●% (R3 調査実施予定)".into()),
            }),
            Some(Target {
                fy: Some(fy(2027)),
                kind: TargetKind::Increase,
                value: None,
                text: None,
            }),
        );
        assert_eq!(baseline(&i), "●●% (R3 調査実施予定)（R3）");
        assert_eq!(target(&i), "基準値より増（R9）");
        let bound = indicator(
            None,
            Some(Target {
                fy: None,
                kind: TargetKind::AtMost,
                value: Some(d("350")),
                text: None,
            }),
        );
        assert_eq!(baseline(&bound), "—");
        assert_eq!(target(&bound), "350以下");
        assert_eq!(target(&indicator(None, None)), "—");
    }

    #[test]
    fn latest_actuals_plain_and_cumulative() {
        let mut a = assessed(Evaluation::NoData {
            awaiting: crate::achievement::EvaluationKind::Progress,
        });
        assert_eq!(latest(Lang::Ja, &a), "—");
        a.latest = Some(Actual {
            fy: fy(2024),
            reported: d("31"),
            value: d("31"),
        });
        assert_eq!(latest(Lang::Ja, &a), "31（R6）");
        assert_eq!(latest(Lang::En, &a), "31 (R6)");
        a.cumulative = true;
        a.latest = Some(Actual {
            fy: fy(2024),
            reported: d("31"),
            value: d("120"),
        });
        assert_eq!(latest(Lang::Ja, &a), "累計 120（R6）");
        assert_eq!(latest(Lang::En, &a), "120 cumulative (R6)");
    }

    #[test]
    fn achievements_of_each_kind_in_both_languages() {
        let progress = assessed(Evaluation::Progress {
            baseline: d("20"),
            target: d("30"),
            heading: crate::achievement::Heading::Rising,
            change: d("6"),
            progress: Ratio::new(6, 10).unwrap(),
        });
        assert_eq!(achievement(Lang::Ja, &progress), "60.0%");
        // 石岡's 実質赤字比率: -5.76 against a bound of 12.59%以下.
        let bound = assessed(Evaluation::Bound {
            bound: BoundKind::AtMost,
            limit: d("12.59"),
            baseline: Some(d("-5.76")),
            met: true,
            margin: d("18.35"),
        });
        assert_eq!(achievement(Lang::Ja, &bound), "達成（余裕 18.35）");
        assert_eq!(achievement(Lang::En, &bound), "met (margin 18.35)");
        let down = assessed(Evaluation::Direction {
            wanted: crate::achievement::Heading::Rising,
            baseline: d("20"),
            change: d("-2"),
            sign: Sign::Negative,
            met: false,
        });
        assert_eq!(achievement(Lang::Ja, &down), "減少 -2");
        assert_eq!(achievement(Lang::En, &down), "down -2");
        let none = assessed(Evaluation::NotAssessable {
            reason: Unassessable::NoTarget,
        });
        assert_eq!(achievement(Lang::Ja, &none), "目標の記載なし");
        assert_eq!(achievement(Lang::En, &none), "the plan states no target");
    }

    #[test]
    fn ishiokas_pending_indicator_keeps_the_plans_words_apart() {
        let a = assessed(Evaluation::Pending {
            baseline: Some("●●% (R3 調査実施予定)".into()),
            target: Some("基準値より増".into()),
        });
        assert_eq!(achievement(Lang::En, &a), "not fixed yet");
        assert_eq!(pending_note(&a), "●●% (R3 調査実施予定) / 基準値より増");
        assert_eq!(
            achievement_with_note(Lang::Ja, &a),
            "未確定: ●●% (R3 調査実施予定) / 基準値より増"
        );
        let held = assessed(Evaluation::Keep {
            rule: crate::achievement::KeepRule::NotBelow,
            reference: d("100"),
            change: d("0"),
            held: true,
        });
        assert_eq!(achievement_with_note(Lang::Ja, &held), "維持");
        assert_eq!(pending_note(&held), "");
    }

    #[test]
    fn statuses_with_their_code_unless_the_label_starts_with_it() {
        assert_eq!(
            status(Lang::Ja, "A", "計画どおり", Some("on plan")),
            "A 計画どおり"
        );
        assert_eq!(
            status(Lang::En, "A", "計画どおり", Some("on plan")),
            "A on plan"
        );
        assert_eq!(status(Lang::Ja, "◎", "◎ 達成", None), "◎ 達成");
        // 安中's scale: the code is the label.
        assert_eq!(
            status(Lang::En, "年度目標達成", "年度目標達成", None),
            "年度目標達成"
        );
        let off = StatusRow {
            code: "Z".into(),
            label: "Z".into(),
            label_en: None,
            achieved: false,
            count: 1,
            on_scale: false,
        };
        assert_eq!(status_row(Lang::Ja, &off), "Z（区分外）");
        assert_eq!(status_row(Lang::En, &off), "Z (not on the scale)");
        let on = StatusRow {
            on_scale: true,
            code: "A".into(),
            label: "計画どおり".into(),
            ..off
        };
        assert_eq!(status_row(Lang::Ja, &on), "A 計画どおり");
    }

    #[test]
    fn terms_in_both_languages() {
        assert_eq!(
            term(Lang::Ja, Trajectory::Achieved),
            Trajectory::Achieved.ja()
        );
        assert_eq!(
            term(Lang::En, Direction::Continue),
            Direction::Continue.en()
        );
        assert_eq!(term(Lang::Ja, IndicatorKind::Outcome), "成果指標");
        assert_eq!(term(Lang::En, IndicatorKind::Outcome), "outcome");
        assert_eq!(
            term(Lang::Ja, FiscalRatio::RealDeficitRatio),
            FiscalRatio::RealDeficitRatio.ja()
        );
    }

    #[test]
    fn annakas_24_of_36_is_67_percent_and_no_share_is_a_dash() {
        assert_eq!(percent(Some(67)), "67%");
        assert_eq!(percent(Some(0)), "0%");
        assert_eq!(percent(None), "—");
    }
}
