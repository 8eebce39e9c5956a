//! 達成度 — how far an indicator has come towards its target, as of a fiscal
//! year, computed so that a statistician can sign it off: exact arithmetic,
//! pending figures never read as zero, missing years reported as gaps and
//! never filled in. The method, with worked examples, is in
//! `docs/achievement.md`; every number there is checked by a test below.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::indicator::TargetKind;
use crate::numbers::Decimal;
use crate::plan::Indicator;
use crate::progress::IndicatorValue;
use crate::wareki::FiscalYear;

/// An exact fraction, kept reduced with a positive denominator. Progress and
/// expected progress are ratios of exact decimals and of year counts, so
/// they are held exactly; `to_f64` exists for display only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den`; `None` when `den` is zero (or the sign cannot be
    /// normalised, for `i128::MIN`).
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let (num, den) = if den < 0 {
            (num.checked_neg()?, den.checked_neg()?)
        } else {
            (num, den)
        };
        let g = gcd(num.unsigned_abs(), den.unsigned_abs());
        // g divides den, which is positive and at most i128::MAX.
        let g = g as i128;
        Some(Ratio {
            num: num / g,
            den: den / g,
        })
    }

    /// `n / d` for two exact decimals.
    pub fn of_decimals(n: Decimal, d: Decimal) -> Option<Ratio> {
        let (a, b, _) = n.aligned(d);
        Ratio::new(a, b)
    }

    pub fn numerator(self) -> i128 {
        self.num
    }

    pub fn denominator(self) -> i128 {
        self.den
    }

    /// For display only: every decision in this module is taken on the
    /// exact fraction.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    pub fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        // Cross-reduce first so that products stay small.
        let g1 = gcd(self.num.unsigned_abs(), other.den.unsigned_abs()).max(1) as i128;
        let g2 = gcd(other.num.unsigned_abs(), self.den.unsigned_abs()).max(1) as i128;
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Ratio::new(num, den)
    }

    /// `None` when `other` is zero or on overflow.
    pub fn checked_div(self, other: Ratio) -> Option<Ratio> {
        self.checked_mul(Ratio::new(other.den, other.num)?)
    }

    /// In percent, rounded half away from zero to `decimals` places (at
    /// most 6): 3/5 → 60.0 with one decimal. Exact where the integers allow;
    /// beyond ±10^30 % it rounds through f64.
    pub fn percent(self, decimals: u8) -> Decimal {
        let decimals = decimals.min(6);
        let scale = 10i128.pow(decimals as u32 + 2);
        let exact = self.num.unsigned_abs().checked_mul(scale as u128).map(|n| {
            let den = self.den as u128;
            let (q, r) = (n / den, n % den);
            // Half away from zero: round up when 2r ≥ den.
            q + u128::from(r >= den - r)
        });
        let magnitude = match exact.and_then(|m| i128::try_from(m).ok()) {
            Some(m) => m,
            None => (self.to_f64().abs() * scale as f64).round() as i128,
        };
        let signed = if self.num < 0 { -magnitude } else { magnitude };
        Decimal::from_parts(signed, decimals).unwrap_or(Decimal::from_int(0))
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Compares a/b with c/d (b, d > 0) exactly and without overflow, by
/// comparing integer parts and then the inverted remainders (the steps of
/// Euclid's algorithm).
fn cmp_fractions(a: i128, b: i128, c: i128, d: i128) -> Ordering {
    let (q1, r1) = (a.div_euclid(b), a.rem_euclid(b));
    let (q2, r2) = (c.div_euclid(d), c.rem_euclid(d));
    match q1.cmp(&q2) {
        Ordering::Equal => match (r1 == 0, r2 == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // r1/b vs r2/d, both in (0, 1): the larger has the smaller inverse.
            (false, false) => cmp_fractions(d, r2, b, r1),
        },
        other => other,
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_fractions(self.num, self.den, other.num, other.den)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// `{"numerator": "3", "denominator": "5", "percent": "60.0"}`: the exact
/// fraction as strings (JSON numbers lose digits past 2^53) and the percent
/// rounded to one decimal for display.
impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Ratio", 3)?;
        st.serialize_field("numerator", &self.num.to_string())?;
        st.serialize_field("denominator", &self.den.to_string())?;
        st.serialize_field("percent", &self.percent(1))?;
        st.end()
    }
}

/// At least this share of the expected progress is on track: 95 %.
pub const ON_TRACK_SHARE: Ratio = Ratio { num: 19, den: 20 };
/// At least this share (and less than 95 %) is moderate: 60 %.
pub const MODERATE_SHARE: Ratio = Ratio { num: 3, den: 5 };

/// The trajectory class of an indicator (推移の評価).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trajectory {
    /// The target's condition holds at the latest actual (value reached,
    /// bound met, direction right, level kept).
    Achieved,
    /// At least 95 % of the progress expected by the linear path.
    OnTrack,
    /// 60 % up to 95 % of the expected progress, or, once the target year is
    /// reached, at least 60 % of the way without reaching the target.
    Moderate,
    /// Below 60 % of the expected progress, no movement, or a bound not met.
    OffTrack,
    /// Further from the target than the baseline was.
    Deteriorating,
    /// Baseline or target not fixed yet (●●%, 調査実施予定): counted apart,
    /// never as zero.
    Pending,
    /// Nothing reported after the baseline year up to the as-of year.
    NoData,
    /// The plan does not give what a judgement needs (no target, no
    /// baseline, no target year for a value target).
    NotAssessable,
}

impl Trajectory {
    pub const ALL: [Trajectory; 8] = [
        Trajectory::Achieved,
        Trajectory::OnTrack,
        Trajectory::Moderate,
        Trajectory::OffTrack,
        Trajectory::Deteriorating,
        Trajectory::Pending,
        Trajectory::NoData,
        Trajectory::NotAssessable,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Trajectory::Achieved => "achieved",
            Trajectory::OnTrack => "on_track",
            Trajectory::Moderate => "moderate",
            Trajectory::OffTrack => "off_track",
            Trajectory::Deteriorating => "deteriorating",
            Trajectory::Pending => "pending",
            Trajectory::NoData => "no_data",
            Trajectory::NotAssessable => "not_assessable",
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            Trajectory::Achieved => "達成",
            Trajectory::OnTrack => "順調",
            Trajectory::Moderate => "やや遅れ",
            Trajectory::OffTrack => "遅れ",
            Trajectory::Deteriorating => "悪化",
            Trajectory::Pending => "基準値・目標値未確定",
            Trajectory::NoData => "実績なし",
            Trajectory::NotAssessable => "評価不能",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Trajectory::Achieved => "achieved",
            Trajectory::OnTrack => "on track",
            Trajectory::Moderate => "moderate",
            Trajectory::OffTrack => "off track",
            Trajectory::Deteriorating => "deteriorating",
            Trajectory::Pending => "pending",
            Trajectory::NoData => "no data yet",
            Trajectory::NotAssessable => "not assessable",
        }
    }

    /// One of the five classes that judge an actual against a target
    /// (the denominator of any share a report prints).
    pub fn is_assessed(self) -> bool {
        matches!(
            self,
            Trajectory::Achieved
                | Trajectory::OnTrack
                | Trajectory::Moderate
                | Trajectory::OffTrack
                | Trajectory::Deteriorating
        )
    }
}

/// Which way a value target lies from its baseline, or which way a
/// direction target asks the value to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Heading {
    /// 増 — the target is above the baseline
    Rising,
    /// 減 — the target is below the baseline
    Falling,
}

/// The sign of a change from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    Positive,
    Zero,
    Negative,
}

impl Sign {
    fn of(d: Decimal) -> Sign {
        match d.cmp(&Decimal::from_int(0)) {
            Ordering::Greater => Sign::Positive,
            Ordering::Equal => Sign::Zero,
            Ordering::Less => Sign::Negative,
        }
    }
}

/// 以下 / 以上
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    AtMost,
    AtLeast,
}

/// How a level is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepRule {
    /// 維持 / 継続: held while the value is not below the reference.
    NotBelow,
    /// A value target equal to its baseline (100% → 100%, 0件 → 0件): held
    /// only while the value equals it; any change moves away from it.
    Exactly,
}

/// What kind of judgement a target calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationKind {
    Progress,
    Bound,
    Direction,
    Keep,
}

/// Why an indicator cannot be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unassessable {
    /// The plan states no target.
    NoTarget,
    /// The target is measured from a baseline the plan does not give.
    NoBaseline,
    /// A cumulative (累計) indicator without a baseline year: which years to
    /// add up is unknown.
    NoBaselineYear,
    /// Numbers too large to compute exactly.
    Overflow,
}

impl Unassessable {
    pub fn ja(self) -> &'static str {
        match self {
            Unassessable::NoTarget => "目標の記載なし",
            Unassessable::NoBaseline => "基準値の記載なし",
            Unassessable::NoBaselineYear => "累計の起点となる基準年度の記載なし",
            Unassessable::Overflow => "数値が大きすぎて正確に計算できない",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Unassessable::NoTarget => "the plan states no target",
            Unassessable::NoBaseline => "the plan states no baseline",
            Unassessable::NoBaselineYear => "no baseline year to count a cumulative indicator from",
            Unassessable::Overflow => "numbers too large to compute exactly",
        }
    }
}

/// The judgement of an indicator against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evaluation {
    /// A value target (30件): progress = (actual − baseline) / (target −
    /// baseline), 1 at the target, negative when moving away.
    Progress {
        baseline: Decimal,
        target: Decimal,
        heading: Heading,
        /// actual − baseline
        change: Decimal,
        progress: Ratio,
    },
    /// A bound (12.59%以下, 100%以上): met or not, with the margin —
    /// positive: room to spare, zero: on the bound, negative: past it.
    Bound {
        bound: BoundKind,
        limit: Decimal,
        #[serde(skip_serializing_if = "Option::is_none")]
        baseline: Option<Decimal>,
        met: bool,
        margin: Decimal,
    },
    /// A direction (基準値より増 / 減): the sign of actual − baseline.
    Direction {
        wanted: Heading,
        baseline: Decimal,
        change: Decimal,
        sign: Sign,
        met: bool,
    },
    /// Keep a level (維持 / 継続), or a value target equal to its baseline.
    Keep {
        rule: KeepRule,
        reference: Decimal,
        /// actual − reference
        change: Decimal,
        held: bool,
    },
    /// What the plan wrote in place of a baseline or target not fixed yet.
    /// At least one is present.
    Pending {
        #[serde(skip_serializing_if = "Option::is_none")]
        baseline: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    /// The target can be judged, but no usable actual exists yet.
    NoData {
        awaiting: EvaluationKind,
    },
    NotAssessable {
        reason: Unassessable,
    },
}

/// The actual a judgement rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actual {
    pub fy: FiscalYear,
    /// The value reported for that year.
    pub reported: Decimal,
    /// The value compared with the target: the reported value, or for a
    /// cumulative (累計) indicator the running total — baseline plus every
    /// reported value after the baseline year up to `fy`.
    pub value: Decimal,
}

/// The straight line from (baseline year, 0 %) to (target year, 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExpectedPath {
    pub from: FiscalYear,
    pub to: FiscalYear,
    /// Expected progress in the year of the latest actual; the trajectory
    /// is judged here, so a late report is not mistaken for a shortfall.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_latest: Option<Ratio>,
    /// Expected progress in the as-of year.
    pub at_as_of: Ratio,
    /// progress ÷ expected progress in the year of the latest actual.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_of_expected: Option<Ratio>,
}

/// One indicator's achievement as of a fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub indicator: String,
    pub as_of: FiscalYear,
    pub cumulative: bool,
    pub evaluation: Evaluation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<Actual>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<ExpectedPath>,
    pub trajectory: Trajectory,
    /// Years after the baseline year up to `as_of` with no reported value.
    /// Gaps are never read as zero.
    pub gap_years: Vec<FiscalYear>,
    /// The judgement rests on a value marked as fictional demo data.
    pub demo: bool,
}

impl Assessment {
    /// The progress ratio, for value targets.
    pub fn progress(&self) -> Option<Ratio> {
        match self.evaluation {
            Evaluation::Progress { progress, .. } => Some(progress),
            _ => None,
        }
    }
}

/// Why an indicator has no rule to be judged by.
enum NoRule {
    Pending {
        baseline: Option<String>,
        target: Option<String>,
    },
    NotAssessable(Unassessable),
}

/// How the target of an indicator is judged, once the plan has given all it
/// needs.
enum Rule {
    Progress {
        baseline: Decimal,
        target: Decimal,
        path: Option<(FiscalYear, FiscalYear)>,
    },
    Bound {
        bound: BoundKind,
        limit: Decimal,
        baseline: Option<Decimal>,
    },
    Direction {
        wanted: Heading,
        baseline: Decimal,
    },
    Keep {
        rule: KeepRule,
        reference: Decimal,
        baseline: Option<Decimal>,
    },
}

impl Rule {
    fn kind(&self) -> EvaluationKind {
        match self {
            Rule::Progress { .. } => EvaluationKind::Progress,
            Rule::Bound { .. } => EvaluationKind::Bound,
            Rule::Direction { .. } => EvaluationKind::Direction,
            Rule::Keep { .. } => EvaluationKind::Keep,
        }
    }

    /// The rule, or why there is none.
    fn of(indicator: &Indicator) -> Result<Rule, NoRule> {
        let not_assessable = NoRule::NotAssessable;
        let Some(target) = &indicator.target else {
            return Err(not_assessable(Unassessable::NoTarget));
        };
        let baseline = indicator.baseline.as_ref();
        let baseline_value = baseline.and_then(|b| b.value);
        let baseline_pending = baseline
            .filter(|b| b.value.is_none())
            .and_then(|b| b.pending.clone());
        let target_value = target.value;
        // A target kind that needs a value but has none is not fixed yet.
        let target_pending = (target.kind == TargetKind::Pending
            || (target.kind.needs_value() && target_value.is_none()))
        .then(|| target.text.clone().unwrap_or_default());
        let needs_baseline = indicator.cumulative
            || match target.kind {
                TargetKind::Value | TargetKind::Increase | TargetKind::Decrease => true,
                TargetKind::Keep => target_value.is_none(),
                TargetKind::AtMost | TargetKind::AtLeast | TargetKind::Pending => false,
            };
        if target_pending.is_some() || (needs_baseline && baseline_pending.is_some()) {
            return Err(NoRule::Pending {
                baseline: baseline_pending,
                target: target_pending,
            });
        }
        if needs_baseline && baseline_value.is_none() {
            return Err(not_assessable(Unassessable::NoBaseline));
        }
        if indicator.cumulative && baseline.and_then(|b| b.fy).is_none() {
            return Err(not_assessable(Unassessable::NoBaselineYear));
        }
        let zero = Decimal::from_int(0);
        let base = baseline_value.unwrap_or(zero);
        let limit = target_value.unwrap_or(zero);
        Ok(match target.kind {
            TargetKind::Value if limit == base => Rule::Keep {
                rule: KeepRule::Exactly,
                reference: limit,
                baseline: Some(base),
            },
            TargetKind::Value => Rule::Progress {
                baseline: base,
                target: limit,
                path: baseline.and_then(|b| b.fy).zip(target.fy),
            },
            TargetKind::AtMost => Rule::Bound {
                bound: BoundKind::AtMost,
                limit,
                baseline: baseline_value,
            },
            TargetKind::AtLeast => Rule::Bound {
                bound: BoundKind::AtLeast,
                limit,
                baseline: baseline_value,
            },
            TargetKind::Increase => Rule::Direction {
                wanted: Heading::Rising,
                baseline: base,
            },
            TargetKind::Decrease => Rule::Direction {
                wanted: Heading::Falling,
                baseline: base,
            },
            TargetKind::Keep => Rule::Keep {
                rule: KeepRule::NotBelow,
                reference: target_value.unwrap_or(base),
                baseline: baseline_value,
            },
            // Returned as pending above.
            TargetKind::Pending => return Err(not_assessable(Unassessable::NoTarget)),
        })
    }
}

/// Expected progress in year `y` on the straight line from (`from`, 0) to
/// (`to`, 1): 0 up to the baseline year, 1 from the target year on. A target
/// year not after the baseline year is due at once.
pub fn expected_progress(from: FiscalYear, to: FiscalYear, y: FiscalYear) -> Ratio {
    if y <= from {
        Ratio::ZERO
    } else if y >= to {
        Ratio::ONE
    } else {
        let elapsed = (y.year() - from.year()) as i128;
        let span = (to.year() - from.year()) as i128;
        Ratio::new(elapsed, span).unwrap_or(Ratio::ONE)
    }
}

/// The class of a value target's progress `p`, judged in year `y` against
/// the path `from` → `to`. See docs/achievement.md, rules P1–P5.
pub fn classify_progress(
    p: Ratio,
    path: Option<(FiscalYear, FiscalYear)>,
    y: FiscalYear,
) -> Trajectory {
    if p >= Ratio::ONE {
        return Trajectory::Achieved;
    }
    if p.is_negative() {
        return Trajectory::Deteriorating;
    }
    let Some((from, to)) = path else {
        return Trajectory::NotAssessable;
    };
    if y >= to {
        // The target year has come: short of the target is not on track.
        return if p >= MODERATE_SHARE {
            Trajectory::Moderate
        } else {
            Trajectory::OffTrack
        };
    }
    let expected = expected_progress(from, to, y);
    // p / expected ≥ share ⇔ p ≥ share × expected; the products are of
    // small year counts, so they cannot overflow.
    let at_least = |share: Ratio| {
        share
            .checked_mul(expected)
            .is_some_and(|needed| p >= needed)
    };
    if at_least(ON_TRACK_SHARE) {
        Trajectory::OnTrack
    } else if at_least(MODERATE_SHARE) {
        Trajectory::Moderate
    } else {
        Trajectory::OffTrack
    }
}

/// The actual the judgement rests on, and whether it used demo data.
/// `series` holds this indicator's values after the baseline year up to
/// the as-of year. `Err` on overflow.
fn latest_actual(
    series: &BTreeMap<FiscalYear, &IndicatorValue>,
    cumulative: Option<(FiscalYear, Decimal)>,
    as_of: FiscalYear,
) -> Result<Option<(Actual, bool)>, Unassessable> {
    let Some((from, baseline)) = cumulative else {
        return Ok(series.iter().next_back().map(|(fy, v)| {
            (
                Actual {
                    fy: *fy,
                    reported: v.value,
                    value: v.value,
                },
                v.demo,
            )
        }));
    };
    // A running total over a gap would count the missing year as zero, so
    // the total stops at the first gap.
    let mut total = baseline;
    let mut demo = false;
    let mut latest = None;
    let mut fy = from.next();
    while fy > from && fy <= as_of {
        let Some(v) = series.get(&fy) else { break };
        total = total.checked_add(v.value).ok_or(Unassessable::Overflow)?;
        demo |= v.demo;
        latest = Some(Actual {
            fy,
            reported: v.value,
            value: total,
        });
        if fy.next() == fy {
            break;
        }
        fy = fy.next();
    }
    Ok(latest.map(|a| (a, demo)))
}

/// Years after `from` (or from the first reported year when the baseline
/// year is unknown) up to `as_of` with no reported value.
fn gap_years(
    from: Option<FiscalYear>,
    series: &BTreeMap<FiscalYear, &IndicatorValue>,
    as_of: FiscalYear,
) -> Vec<FiscalYear> {
    let start = match from {
        Some(b) => b.year() + 1,
        None => match series.keys().next() {
            Some(first) => first.year(),
            None => return Vec::new(),
        },
    };
    (start..=as_of.year())
        .filter_map(|y| FiscalYear::new(y).ok())
        .filter(|fy| !series.contains_key(fy))
        .collect()
}

/// 達成度の評価 — judges one indicator as of fiscal year `as_of` (the latest
/// year whose actual should be in).
///
/// `values` may hold values of other indicators; only those of `indicator`
/// are used, and only for years after the baseline year up to `as_of`. One
/// value per year is expected (the importer and the store refuse
/// duplicates); should a year appear twice, the later entry is used.
pub fn assess(indicator: &Indicator, values: &[IndicatorValue], as_of: FiscalYear) -> Assessment {
    let baseline_fy = indicator.baseline.as_ref().and_then(|b| b.fy);
    let series: BTreeMap<FiscalYear, &IndicatorValue> = values
        .iter()
        .filter(|v| v.indicator == indicator.id)
        .filter(|v| v.fy <= as_of && baseline_fy.is_none_or(|b| v.fy > b))
        .map(|v| (v.fy, v))
        .collect();
    let mut out = Assessment {
        indicator: indicator.id.clone(),
        as_of,
        cumulative: indicator.cumulative,
        evaluation: Evaluation::NoData {
            awaiting: EvaluationKind::Progress,
        },
        latest: None,
        path: None,
        trajectory: Trajectory::NoData,
        gap_years: gap_years(baseline_fy, &series, as_of),
        demo: false,
    };
    let rule = match Rule::of(indicator) {
        Ok(rule) => rule,
        Err(NoRule::Pending { baseline, target }) => {
            out.evaluation = Evaluation::Pending { baseline, target };
            out.trajectory = Trajectory::Pending;
            return out;
        }
        Err(NoRule::NotAssessable(reason)) => {
            out.evaluation = Evaluation::NotAssessable { reason };
            out.trajectory = Trajectory::NotAssessable;
            return out;
        }
    };
    if let Rule::Progress {
        path: Some((from, to)),
        ..
    } = rule
    {
        out.path = Some(ExpectedPath {
            from,
            to,
            at_latest: None,
            at_as_of: expected_progress(from, to, as_of),
            share_of_expected: None,
        });
    }
    // Rule::of made sure a cumulative indicator has a baseline value and year.
    let cumulative = match (indicator.cumulative, baseline_fy, rule_baseline(&rule)) {
        (true, Some(fy), Some(value)) => Some((fy, value)),
        _ => None,
    };
    let (actual, demo) = match latest_actual(&series, cumulative, as_of) {
        Ok(Some(found)) => found,
        Ok(None) => {
            out.evaluation = Evaluation::NoData {
                awaiting: rule.kind(),
            };
            return out;
        }
        Err(reason) => {
            out.evaluation = Evaluation::NotAssessable { reason };
            out.trajectory = Trajectory::NotAssessable;
            return out;
        }
    };
    out.latest = Some(actual);
    out.demo = demo;
    match judge(&rule, actual, out.path.as_mut()) {
        Ok((evaluation, trajectory)) => {
            out.evaluation = evaluation;
            out.trajectory = trajectory;
        }
        Err(reason) => {
            out.evaluation = Evaluation::NotAssessable { reason };
            out.trajectory = Trajectory::NotAssessable;
        }
    }
    out
}

fn rule_baseline(rule: &Rule) -> Option<Decimal> {
    match rule {
        Rule::Progress { baseline, .. } | Rule::Direction { baseline, .. } => Some(*baseline),
        Rule::Bound { baseline, .. } | Rule::Keep { baseline, .. } => *baseline,
    }
}

/// Judges one actual by the rule; fills in the path's figures for the
/// actual's year.
fn judge(
    rule: &Rule,
    actual: Actual,
    path: Option<&mut ExpectedPath>,
) -> Result<(Evaluation, Trajectory), Unassessable> {
    let a = actual.value;
    let sub = |x: Decimal, y: Decimal| x.checked_sub(y).ok_or(Unassessable::Overflow);
    Ok(match *rule {
        Rule::Progress {
            baseline,
            target,
            path: line,
        } => {
            let change = sub(a, baseline)?;
            let progress =
                Ratio::of_decimals(change, sub(target, baseline)?).ok_or(Unassessable::Overflow)?;
            if let Some(p) = path {
                let expected = expected_progress(p.from, p.to, actual.fy);
                p.at_latest = Some(expected);
                p.share_of_expected = progress.checked_div(expected);
            }
            let heading = if target > baseline {
                Heading::Rising
            } else {
                Heading::Falling
            };
            (
                Evaluation::Progress {
                    baseline,
                    target,
                    heading,
                    change,
                    progress,
                },
                classify_progress(progress, line, actual.fy),
            )
        }
        Rule::Bound {
            bound,
            limit,
            baseline,
        } => {
            let (margin, worse_than_baseline) = match bound {
                BoundKind::AtMost => (sub(limit, a)?, baseline.is_some_and(|b| a > b)),
                BoundKind::AtLeast => (sub(a, limit)?, baseline.is_some_and(|b| a < b)),
            };
            let met = !margin.is_negative();
            let trajectory = if met {
                Trajectory::Achieved
            } else if worse_than_baseline {
                Trajectory::Deteriorating
            } else {
                Trajectory::OffTrack
            };
            (
                Evaluation::Bound {
                    bound,
                    limit,
                    baseline,
                    met,
                    margin,
                },
                trajectory,
            )
        }
        Rule::Direction { wanted, baseline } => {
            let change = sub(a, baseline)?;
            let sign = Sign::of(change);
            let met = matches!(
                (wanted, sign),
                (Heading::Rising, Sign::Positive) | (Heading::Falling, Sign::Negative)
            );
            let trajectory = match (met, sign) {
                (true, _) => Trajectory::Achieved,
                (false, Sign::Zero) => Trajectory::OffTrack,
                (false, _) => Trajectory::Deteriorating,
            };
            (
                Evaluation::Direction {
                    wanted,
                    baseline,
                    change,
                    sign,
                    met,
                },
                trajectory,
            )
        }
        Rule::Keep {
            rule,
            reference,
            baseline,
        } => {
            let change = sub(a, reference)?;
            let held = match rule {
                KeepRule::NotBelow => a >= reference,
                KeepRule::Exactly => a == reference,
            };
            let trajectory = if held {
                Trajectory::Achieved
            } else if rule == KeepRule::Exactly || baseline.is_some_and(|b| a < b) {
                Trajectory::Deteriorating
            } else {
                Trajectory::OffTrack
            };
            (
                Evaluation::Keep {
                    rule,
                    reference,
                    change,
                    held,
                },
                trajectory,
            )
        }
    })
}

/// Assessments of several indicators, in the order given.
pub fn assess_all(
    indicators: &[Indicator],
    values: &[IndicatorValue],
    as_of: FiscalYear,
) -> Vec<Assessment> {
    indicators
        .iter()
        .map(|i| assess(i, values, as_of))
        .collect()
}

/// 達成度の集計 — how many indicators fall in each class. Pending, no data
/// and not assessable are counted apart from the five judged classes, so a
/// share is never diluted by indicators that could not be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AchievementSummary {
    pub achieved: u32,
    pub on_track: u32,
    pub moderate: u32,
    pub off_track: u32,
    pub deteriorating: u32,
    pub pending: u32,
    pub no_data: u32,
    pub not_assessable: u32,
    /// Every indicator counted.
    pub total: u32,
    /// achieved + on track + moderate + off track + deteriorating
    pub assessed: u32,
}

impl AchievementSummary {
    pub fn count(&self, t: Trajectory) -> u32 {
        match t {
            Trajectory::Achieved => self.achieved,
            Trajectory::OnTrack => self.on_track,
            Trajectory::Moderate => self.moderate,
            Trajectory::OffTrack => self.off_track,
            Trajectory::Deteriorating => self.deteriorating,
            Trajectory::Pending => self.pending,
            Trajectory::NoData => self.no_data,
            Trajectory::NotAssessable => self.not_assessable,
        }
    }

    fn slot(&mut self, t: Trajectory) -> &mut u32 {
        match t {
            Trajectory::Achieved => &mut self.achieved,
            Trajectory::OnTrack => &mut self.on_track,
            Trajectory::Moderate => &mut self.moderate,
            Trajectory::OffTrack => &mut self.off_track,
            Trajectory::Deteriorating => &mut self.deteriorating,
            Trajectory::Pending => &mut self.pending,
            Trajectory::NoData => &mut self.no_data,
            Trajectory::NotAssessable => &mut self.not_assessable,
        }
    }

    /// Share of the judged indicators that are achieved or on track;
    /// `None` when none could be judged.
    pub fn achieved_or_on_track(&self) -> Option<Ratio> {
        Ratio::new(
            (self.achieved + self.on_track) as i128,
            self.assessed as i128,
        )
    }
}

/// Counts assessments per class.
pub fn summarise<'a>(assessments: impl IntoIterator<Item = &'a Assessment>) -> AchievementSummary {
    let mut s = AchievementSummary::default();
    for a in assessments {
        *s.slot(a.trajectory) += 1;
        s.total += 1;
        if a.trajectory.is_assessed() {
            s.assessed += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Baseline, IndicatorKind, Target};
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn r(n: i128, den: i128) -> Ratio {
        Ratio::new(n, den).unwrap()
    }

    fn indicator(
        id: &str,
        baseline: Option<(i32, &str)>,
        target: (Option<i32>, TargetKind, Option<&str>),
    ) -> Indicator {
        Indicator {
            retired: None,
            id: id.into(),
            node: None,
            kind: IndicatorKind::Reference,
            name: id.into(),
            definition: None,
            unit: None,
            source: None,
            cumulative: false,
            challenge: false,
            baseline: baseline.map(|(y, v)| Baseline {
                fy: Some(fy(y)),
                value: Some(d(v)),
                pending: None,
            }),
            target: Some(Target {
                fy: target.0.map(fy),
                kind: target.1,
                value: target.2.map(d),
                text: None,
            }),
            note: None,
        }
    }

    fn values(id: &str, rows: &[(i32, &str)]) -> Vec<IndicatorValue> {
        rows.iter()
            .map(|(y, v)| IndicatorValue {
                indicator: id.into(),
                fy: fy(*y),
                value: d(v),
                note: None,
                demo: false,
            })
            .collect()
    }

    /// 石岡 r1-1 職員提案の提案数: 20件 (FY2020) → 30件 (FY2023).
    fn ishioka_staff_proposals() -> Indicator {
        indicator(
            "r1-1",
            Some((2020, "20")),
            (Some(2023), TargetKind::Value, Some("30")),
        )
    }

    #[test]
    fn ratio_is_exact_and_reduced() {
        assert_eq!(r(6, 10), r(3, 5));
        assert_eq!(r(3, -5), r(-3, 5));
        assert_eq!(r(-3, 5).numerator(), -3);
        assert_eq!(r(-3, 5).denominator(), 5);
        assert!(Ratio::new(1, 0).is_none());
        assert_eq!(r(3, 5).percent(1).to_string(), "60.0");
        assert_eq!(r(2, 3).percent(1).to_string(), "66.7");
        assert_eq!(r(-2, 3).percent(1).to_string(), "-66.7");
        assert_eq!(r(1, 8).percent(0).to_string(), "13");
        assert!(r(1, 3) < r(34, 100));
        assert!(r(-1, 3) > r(-34, 100));
        assert_eq!(r(9, 10), r(3, 5).checked_div(r(2, 3)).unwrap());
        assert_eq!(
            Ratio::of_decimals(d("-5.76"), d("12.59")).unwrap(),
            r(-576, 1259)
        );
        let json = serde_json::to_value(r(3, 5)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"numerator": "3", "denominator": "5", "percent": "60.0"})
        );
    }

    /// docs/achievement.md, example 1: 26 proposals in FY2022 are 60 % of
    /// the way, against 2/3 expected: 90 % of expected, moderate.
    #[test]
    fn ishioka_staff_proposals_moderate_in_fy2022() {
        let i = ishioka_staff_proposals();
        let v = values("r1-1", &[(2021, "23"), (2022, "26")]);
        let a = assess(&i, &v, fy(2022));
        assert_eq!(a.progress(), Some(r(3, 5)));
        let path = a.path.unwrap();
        assert_eq!(path.at_latest, Some(r(2, 3)));
        assert_eq!(path.at_as_of, r(2, 3));
        assert_eq!(path.share_of_expected, Some(r(9, 10)));
        assert_eq!(a.trajectory, Trajectory::Moderate);
        assert_eq!(a.latest.unwrap().fy, fy(2022));
        assert!(a.gap_years.is_empty());
        match a.evaluation {
            Evaluation::Progress {
                heading, change, ..
            } => {
                assert_eq!(heading, Heading::Rising);
                assert_eq!(change, d("6"));
            }
            other => panic!("{other:?}"),
        }
        // 27 in FY2022: 70 % against 66.7 % expected, on track.
        let v = values("r1-1", &[(2022, "27")]);
        let a = assess(&i, &v, fy(2022));
        assert_eq!(a.trajectory, Trajectory::OnTrack);
        assert_eq!(a.gap_years, vec![fy(2021)]);
        // 30 reached in FY2023: achieved.
        let v = values("r1-1", &[(2023, "31")]);
        assert_eq!(assess(&i, &v, fy(2023)).trajectory, Trajectory::Achieved);
        // 18 in FY2021: fewer than the baseline, deteriorating.
        let v = values("r1-1", &[(2021, "18")]);
        let a = assess(&i, &v, fy(2021));
        assert_eq!(a.progress(), Some(r(-1, 5)));
        assert_eq!(a.trajectory, Trajectory::Deteriorating);
    }

    /// docs/achievement.md, example 2: the target year has come and 29 of
    /// 30 is 90 % of the way: moderate, not on track.
    #[test]
    fn short_of_the_target_in_the_target_year_is_not_on_track() {
        let i = ishioka_staff_proposals();
        let v = values("r1-1", &[(2023, "29")]);
        let a = assess(&i, &v, fy(2023));
        assert_eq!(a.progress(), Some(r(9, 10)));
        assert_eq!(a.trajectory, Trajectory::Moderate);
        let v = values("r1-1", &[(2023, "25")]);
        assert_eq!(assess(&i, &v, fy(2023)).trajectory, Trajectory::OffTrack);
    }

    /// docs/achievement.md, example 3: a late report is judged in its own
    /// year; the missing years are gaps.
    #[test]
    fn stale_actual_is_judged_in_its_year_and_missing_years_are_gaps() {
        // 石岡 r4-2 連携協定数: 5件 (FY2020) → 20件 (FY2027).
        let i = indicator(
            "r4-2",
            Some((2020, "5")),
            (Some(2027), TargetKind::Value, Some("20")),
        );
        let v = values("r4-2", &[(2021, "7"), (2023, "11")]);
        let a = assess(&i, &v, fy(2025));
        assert_eq!(a.latest.unwrap().fy, fy(2023));
        assert_eq!(a.progress(), Some(r(2, 5)));
        let path = a.path.unwrap();
        assert_eq!(path.at_latest, Some(r(3, 7)));
        assert_eq!(path.at_as_of, r(5, 7));
        assert_eq!(path.share_of_expected, Some(r(14, 15)));
        assert_eq!(a.trajectory, Trajectory::Moderate);
        assert_eq!(a.gap_years, vec![fy(2022), fy(2024), fy(2025)]);
    }

    /// docs/achievement.md, example 4: a falling target.
    #[test]
    fn falling_target_uses_the_same_formula() {
        let i = indicator(
            "overtime",
            Some((2020, "240")),
            (Some(2025), TargetKind::Value, Some("180")),
        );
        let v = values("overtime", &[(2022, "210")]);
        let a = assess(&i, &v, fy(2022));
        assert_eq!(a.progress(), Some(r(1, 2)));
        assert_eq!(a.path.unwrap().share_of_expected, Some(r(5, 4)));
        assert_eq!(a.trajectory, Trajectory::OnTrack);
        match a.evaluation {
            Evaluation::Progress {
                heading, change, ..
            } => {
                assert_eq!(heading, Heading::Falling);
                assert_eq!(change, d("-30"));
            }
            other => panic!("{other:?}"),
        }
        let v = values("overtime", &[(2022, "250")]);
        assert_eq!(
            assess(&i, &v, fy(2022)).trajectory,
            Trajectory::Deteriorating
        );
    }

    /// docs/achievement.md, example 5: 石岡 r5-1 研修会 (累計) 2回 (FY2020)
    /// → 10回 (FY2025); yearly counts are added to the baseline from FY2021.
    #[test]
    fn cumulative_sums_after_the_baseline_year_and_stops_at_a_gap() {
        let mut i = indicator(
            "r5-1",
            Some((2020, "2")),
            (Some(2025), TargetKind::Value, Some("10")),
        );
        i.cumulative = true;
        // The FY2020 row repeats the baseline and is not added again.
        let v = values(
            "r5-1",
            &[(2020, "2"), (2021, "1"), (2022, "2"), (2023, "2")],
        );
        let a = assess(&i, &v, fy(2023));
        let latest = a.latest.unwrap();
        assert_eq!(latest.fy, fy(2023));
        assert_eq!(latest.reported, d("2"));
        assert_eq!(latest.value, d("7"));
        assert_eq!(a.progress(), Some(r(5, 8)));
        assert_eq!(a.path.unwrap().share_of_expected, Some(r(25, 24)));
        assert_eq!(a.trajectory, Trajectory::OnTrack);
        // FY2022 missing: the total is known only through FY2021.
        let v = values("r5-1", &[(2021, "1"), (2023, "4")]);
        let a = assess(&i, &v, fy(2023));
        let latest = a.latest.unwrap();
        assert_eq!(latest.fy, fy(2021));
        assert_eq!(latest.value, d("3"));
        assert_eq!(a.gap_years, vec![fy(2022)]);
        assert_eq!(a.progress(), Some(r(1, 8)));
        // 1/8 against 1/5 expected in FY2021: 62.5 % of expected.
        assert_eq!(a.path.unwrap().share_of_expected, Some(r(5, 8)));
        assert_eq!(a.trajectory, Trajectory::Moderate);
        // FY2021 missing: no total at all.
        let v = values("r5-1", &[(2022, "3")]);
        let a = assess(&i, &v, fy(2022));
        assert_eq!(a.trajectory, Trajectory::NoData);
        assert_eq!(a.latest, None);
        assert_eq!(a.gap_years, vec![fy(2021)]);
    }

    /// docs/achievement.md, example 6: 石岡 o2-1 実質赤字比率 −5.76 %
    /// (FY2020), 12.59%以下.
    #[test]
    fn bound_met_with_margin_for_a_negative_value() {
        let i = indicator(
            "o2-1",
            Some((2020, "-5.76")),
            (Some(2031), TargetKind::AtMost, Some("12.59")),
        );
        let v = values("o2-1", &[(2021, "-4.10")]);
        let a = assess(&i, &v, fy(2021));
        assert_eq!(
            a.evaluation,
            Evaluation::Bound {
                bound: BoundKind::AtMost,
                limit: d("12.59"),
                baseline: Some(d("-5.76")),
                met: true,
                margin: d("16.69"),
            }
        );
        assert_eq!(a.trajectory, Trajectory::Achieved);
        assert_eq!(a.path, None);
        // Past the bound and worse than the baseline: deteriorating.
        let v = values("o2-1", &[(2021, "13.00")]);
        let a = assess(&i, &v, fy(2021));
        match a.evaluation {
            Evaluation::Bound { met, margin, .. } => {
                assert!(!met);
                assert_eq!(margin, d("-0.41"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.trajectory, Trajectory::Deteriorating);
        // On the bound is within it (以下 includes the bound).
        let v = values("o2-1", &[(2021, "12.59")]);
        assert_eq!(assess(&i, &v, fy(2021)).trajectory, Trajectory::Achieved);
    }

    #[test]
    fn bound_at_least_not_met_but_better_than_baseline_is_off_track() {
        let i = indicator(
            "rate",
            Some((2021, "40.2")),
            (Some(2023), TargetKind::AtLeast, Some("100")),
        );
        let v = values("rate", &[(2022, "71.5")]);
        let a = assess(&i, &v, fy(2022));
        match a.evaluation {
            Evaluation::Bound { met, margin, .. } => {
                assert!(!met);
                assert_eq!(margin, d("-28.5"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.trajectory, Trajectory::OffTrack);
    }

    /// docs/achievement.md, example 7: 石岡 o3 新規事業の立案件数 43件
    /// (FY2021), 基準値より増.
    #[test]
    fn direction_is_the_sign_of_the_change() {
        let i = indicator(
            "o3",
            Some((2021, "43")),
            (Some(2027), TargetKind::Increase, None),
        );
        let cases = [
            ("47", Sign::Positive, true, Trajectory::Achieved),
            ("43", Sign::Zero, false, Trajectory::OffTrack),
            ("40", Sign::Negative, false, Trajectory::Deteriorating),
        ];
        for (value, sign_want, met_want, class) in cases {
            let a = assess(&i, &values("o3", &[(2022, value)]), fy(2022));
            match a.evaluation {
                Evaluation::Direction { sign, met, .. } => {
                    assert_eq!((sign, met), (sign_want, met_want), "{value}");
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(a.trajectory, class, "{value}");
        }
    }

    /// docs/achievement.md, example 8: 石岡 r3-1 全計画における指標設定数
    /// 457 (FY2021), 指標数管理継続.
    #[test]
    fn keep_holds_while_not_below_the_baseline() {
        let i = indicator(
            "r3-1",
            Some((2021, "457")),
            (Some(2023), TargetKind::Keep, None),
        );
        let a = assess(&i, &values("r3-1", &[(2022, "462")]), fy(2022));
        assert_eq!(
            a.evaluation,
            Evaluation::Keep {
                rule: KeepRule::NotBelow,
                reference: d("457"),
                change: d("5"),
                held: true,
            }
        );
        assert_eq!(a.trajectory, Trajectory::Achieved);
        let a = assess(&i, &values("r3-1", &[(2022, "450")]), fy(2022));
        assert_eq!(a.trajectory, Trajectory::Deteriorating);
    }

    /// docs/achievement.md, example 9: target equal to baseline.
    #[test]
    fn target_equal_to_baseline_is_held_exactly() {
        let i = indicator(
            "seismic",
            Some((2020, "100")),
            (Some(2025), TargetKind::Value, Some("100.0")),
        );
        let a = assess(&i, &values("seismic", &[(2021, "100")]), fy(2021));
        assert_eq!(a.trajectory, Trajectory::Achieved);
        assert_eq!(a.path, None);
        assert!(matches!(
            a.evaluation,
            Evaluation::Keep {
                rule: KeepRule::Exactly,
                held: true,
                ..
            }
        ));
        let a = assess(&i, &values("seismic", &[(2021, "98.5")]), fy(2021));
        assert_eq!(a.trajectory, Trajectory::Deteriorating);
    }

    /// docs/achievement.md, example 10: 石岡 o1 (●●% (R3 調査実施予定),
    /// 基準値より増) is pending, never zero; the policy indicator with no
    /// target is not assessable.
    #[test]
    fn pending_and_missing_targets_are_counted_apart() {
        let mut o1 = indicator("o1", None, (Some(2027), TargetKind::Increase, None));
        o1.baseline = Some(Baseline {
            fy: Some(fy(2021)),
            value: None,
            pending: Some("●●% (R3 調査実施予定)".into()),
        });
        let v = values("o1", &[(2022, "55")]);
        let a = assess(&o1, &v, fy(2022));
        assert_eq!(a.trajectory, Trajectory::Pending);
        assert_eq!(
            a.evaluation,
            Evaluation::Pending {
                baseline: Some("●●% (R3 調査実施予定)".into()),
                target: None,
            }
        );
        assert_eq!(a.latest, None);

        let mut policy = o1.clone();
        policy.id = "policy".into();
        policy.target = None;
        let a2 = assess(&policy, &v, fy(2022));
        assert_eq!(a2.trajectory, Trajectory::NotAssessable);

        let mut later = ishioka_staff_proposals();
        later.target = Some(Target {
            fy: Some(fy(2023)),
            kind: TargetKind::Pending,
            value: None,
            text: Some("今後設定".into()),
        });
        let a3 = assess(&later, &[], fy(2022));
        assert_eq!(a3.trajectory, Trajectory::Pending);

        let i = ishioka_staff_proposals();
        let a4 = assess(&i, &values("r1-1", &[(2022, "26")]), fy(2022));
        let a5 = assess(&i, &[], fy(2022));
        assert_eq!(a5.trajectory, Trajectory::NoData);
        assert_eq!(
            a5.evaluation,
            Evaluation::NoData {
                awaiting: EvaluationKind::Progress
            }
        );
        assert_eq!(a5.gap_years, vec![fy(2021), fy(2022)]);

        let s = summarise([&a, &a2, &a3, &a4, &a5]);
        assert_eq!(s.pending, 2);
        assert_eq!(s.not_assessable, 1);
        assert_eq!(s.no_data, 1);
        assert_eq!(s.moderate, 1);
        assert_eq!(s.total, 5);
        assert_eq!(s.assessed, 1);
        assert_eq!(s.achieved_or_on_track(), Some(Ratio::ZERO));
        assert_eq!(
            Trajectory::ALL.iter().map(|t| s.count(*t)).sum::<u32>(),
            s.total
        );
    }

    #[test]
    fn a_bound_needs_no_baseline_unless_cumulative() {
        let mut i = indicator("b", None, (Some(2025), TargetKind::AtMost, Some("25.0")));
        i.baseline = Some(Baseline {
            fy: Some(fy(2020)),
            value: None,
            pending: Some("調査中".into()),
        });
        let a = assess(&i, &values("b", &[(2021, "26")]), fy(2021));
        assert_eq!(a.trajectory, Trajectory::OffTrack);
        i.cumulative = true;
        let a = assess(&i, &values("b", &[(2021, "26")]), fy(2021));
        assert_eq!(a.trajectory, Trajectory::Pending);
    }

    #[test]
    fn value_target_without_target_year_shows_progress_but_no_class() {
        let i = indicator(
            "x",
            Some((2020, "0")),
            (None, TargetKind::Value, Some("17")),
        );
        let a = assess(&i, &values("x", &[(2022, "5")]), fy(2022));
        assert_eq!(a.progress(), Some(r(5, 17)));
        assert_eq!(a.path, None);
        assert_eq!(a.trajectory, Trajectory::NotAssessable);
        // Reached or moving away needs no path.
        let a = assess(&i, &values("x", &[(2022, "17")]), fy(2022));
        assert_eq!(a.trajectory, Trajectory::Achieved);
    }

    #[test]
    fn values_of_other_indicators_before_the_baseline_or_after_as_of_are_ignored() {
        let i = ishioka_staff_proposals();
        let mut v = values(
            "r1-1",
            &[(2019, "99"), (2020, "20"), (2021, "24"), (2023, "40")],
        );
        v.extend(values("other", &[(2022, "100")]));
        let a = assess(&i, &v, fy(2022));
        assert_eq!(a.latest.unwrap().fy, fy(2021));
        assert_eq!(a.gap_years, vec![fy(2022)]);
        assert_eq!(a.progress(), Some(r(2, 5)));
    }

    #[test]
    fn demo_values_are_marked() {
        let i = ishioka_staff_proposals();
        let mut v = values("r1-1", &[(2021, "24")]);
        v[0].demo = true;
        assert!(assess(&i, &v, fy(2021)).demo);
    }

    #[test]
    fn assessment_serialises_with_snake_case_keys() {
        let i = ishioka_staff_proposals();
        let a = assess(&i, &values("r1-1", &[(2022, "26")]), fy(2022));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["evaluation"]["kind"], "progress");
        assert_eq!(json["evaluation"]["heading"], "rising");
        assert_eq!(json["evaluation"]["progress"]["percent"], "60.0");
        assert_eq!(json["path"]["share_of_expected"]["percent"], "90.0");
        assert_eq!(json["trajectory"], "moderate");
        assert_eq!(json["gap_years"], serde_json::json!([2021]));
        assert_eq!(json["latest"]["fy"], 2022);
        let s = serde_json::to_value(summarise([&a])).unwrap();
        assert_eq!(s["moderate"], 1);
        assert_eq!(s["not_assessable"], 0);
    }

    #[test]
    fn every_class_has_labels() {
        for t in Trajectory::ALL {
            assert!(!t.ja().is_empty() && !t.en().is_empty());
            assert_eq!(serde_json::to_value(t).unwrap(), t.key());
        }
        assert_eq!(Trajectory::OffTrack.ja(), "遅れ");
        assert_eq!(Trajectory::Pending.en(), "pending");
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (-1_000_000i64..1_000_000, 0u8..3)
            .prop_map(|(m, s)| Decimal::from_parts(m as i128, s).unwrap())
    }

    proptest! {
        /// Progress is 0 at the baseline, 1 at the target, for rising and
        /// falling targets and negative values alike.
        #[test]
        fn progress_is_zero_at_baseline_and_one_at_target(b in decimal(), t in decimal(), y in 1..6i32) {
            prop_assume!(b != t);
            let i = indicator("p", Some((2020, &b.to_string())), (Some(2025), TargetKind::Value, Some(&t.to_string())));
            let at_target = assess(&i, &values("p", &[(2020 + y, &t.to_string())]), fy(2020 + y));
            prop_assert_eq!(at_target.progress(), Some(Ratio::ONE));
            prop_assert_eq!(at_target.trajectory, Trajectory::Achieved);
            let at_base = assess(&i, &values("p", &[(2020 + y, &b.to_string())]), fy(2020 + y));
            prop_assert_eq!(at_base.progress(), Some(Ratio::ZERO));
            prop_assert_eq!(at_base.trajectory, Trajectory::OffTrack);
        }

        /// Moving past the baseline away from the target is deteriorating,
        /// whichever way the target lies.
        #[test]
        fn moving_away_is_deteriorating(b in decimal(), t in decimal(), step in 1i64..1000) {
            prop_assume!(b != t);
            let step = Decimal::from_int(step);
            let away = if t > b { b.checked_sub(step) } else { b.checked_add(step) }.unwrap();
            let i = indicator("p", Some((2020, &b.to_string())), (Some(2025), TargetKind::Value, Some(&t.to_string())));
            let a = assess(&i, &values("p", &[(2022, &away.to_string())]), fy(2022));
            prop_assert!(a.progress().unwrap().is_negative());
            prop_assert_eq!(a.trajectory, Trajectory::Deteriorating);
        }

        /// The progress ratio equals (a − b) / (t − b) computed in floating
        /// point, and the class agrees with the stated thresholds.
        #[test]
        fn progress_matches_the_formula(b in decimal(), t in decimal(), a in decimal(), y in 2021..2025i32) {
            prop_assume!(b != t);
            let i = indicator("p", Some((2020, &b.to_string())), (Some(2025), TargetKind::Value, Some(&t.to_string())));
            let out = assess(&i, &values("p", &[(y, &a.to_string())]), fy(y));
            let p = out.progress().unwrap();
            let want = (a.to_f64() - b.to_f64()) / (t.to_f64() - b.to_f64());
            prop_assert!((p.to_f64() - want).abs() <= 1e-9 * want.abs().max(1.0));
            let expected = (y - 2020) as f64 / 5.0;
            let share = p.to_f64() / expected;
            let class = out.trajectory;
            if p.to_f64() >= 1.0 {
                prop_assert_eq!(class, Trajectory::Achieved);
            } else if p.to_f64() < 0.0 {
                prop_assert_eq!(class, Trajectory::Deteriorating);
            } else if share >= 0.95 + 1e-9 {
                prop_assert_eq!(class, Trajectory::OnTrack);
            } else if (0.6 + 1e-9..0.95 - 1e-9).contains(&share) {
                prop_assert_eq!(class, Trajectory::Moderate);
            } else if share < 0.6 - 1e-9 {
                prop_assert_eq!(class, Trajectory::OffTrack);
            }
        }

        /// Target equal to baseline never divides by zero: held exactly.
        #[test]
        fn target_equal_to_baseline_never_divides(b in decimal(), a in decimal()) {
            let i = indicator("k", Some((2020, &b.to_string())), (Some(2025), TargetKind::Value, Some(&b.to_string())));
            let out = assess(&i, &values("k", &[(2021, &a.to_string())]), fy(2021));
            prop_assert_eq!(out.progress(), None);
            let want = if a == b { Trajectory::Achieved } else { Trajectory::Deteriorating };
            prop_assert_eq!(out.trajectory, want);
        }

        /// Single year: a target due the year after the baseline expects
        /// everything at once; anything short of it is not on track.
        #[test]
        fn single_year_path(b in decimal(), t in decimal(), a in decimal()) {
            prop_assume!(b != t);
            let i = indicator("s", Some((2020, &b.to_string())), (Some(2021), TargetKind::Value, Some(&t.to_string())));
            let out = assess(&i, &values("s", &[(2021, &a.to_string())]), fy(2021));
            prop_assert_eq!(out.path.unwrap().at_latest, Some(Ratio::ONE));
            prop_assert_ne!(out.trajectory, Trajectory::OnTrack);
            prop_assert!(out.gap_years.is_empty());
        }

        /// Gaps: exactly the years after the baseline up to as-of with no
        /// value, and a missing year never moves the progress ratio.
        #[test]
        fn gaps_are_reported_never_zero(present in proptest::collection::btree_set(2021..2028i32, 0..7), last in 2021..2028i32) {
            let i = ishioka_staff_proposals();
            let rows: Vec<(i32, String)> = present.iter().map(|y| (*y, "25".to_string())).collect();
            let rows: Vec<(i32, &str)> = rows.iter().map(|(y, v)| (*y, v.as_str())).collect();
            let out = assess(&i, &values("r1-1", &rows), fy(last));
            let want: Vec<FiscalYear> = (2021..=last).filter(|y| !present.contains(y)).map(fy).collect();
            prop_assert_eq!(&out.gap_years, &want);
            match out.latest {
                Some(_) => prop_assert_eq!(out.progress(), Some(r(1, 2))),
                None => prop_assert_eq!(out.trajectory, Trajectory::NoData),
            }
        }

        /// A cumulative total is the baseline plus the yearly values, and a
        /// gap stops it rather than counting as zero.
        #[test]
        fn cumulative_total_stops_at_first_gap(counts in proptest::collection::vec(proptest::option::of(0i64..50), 1..8)) {
            let mut i = indicator("c", Some((2020, "2")), (Some(2030), TargetKind::Value, Some("100")));
            i.cumulative = true;
            let rows: Vec<(i32, String)> = counts.iter().enumerate()
                .filter_map(|(k, c)| c.map(|c| (2021 + k as i32, c.to_string())))
                .collect();
            let rows: Vec<(i32, &str)> = rows.iter().map(|(y, v)| (*y, v.as_str())).collect();
            let as_of = fy(2020 + counts.len() as i32);
            let out = assess(&i, &values("c", &rows), as_of);
            let run: Vec<i64> = counts.iter().map_while(|c| *c).collect();
            match out.latest {
                Some(a) => {
                    prop_assert_eq!(a.fy, fy(2020 + run.len() as i32));
                    prop_assert_eq!(a.value, Decimal::from_int(2 + run.iter().sum::<i64>()));
                }
                None => prop_assert!(run.is_empty()),
            }
        }

        /// Negative values and bounds: met exactly when the margin is not
        /// negative.
        #[test]
        fn bound_met_iff_margin_not_negative(limit in decimal(), a in decimal(), at_most in any::<bool>()) {
            let kind = if at_most { TargetKind::AtMost } else { TargetKind::AtLeast };
            let i = indicator("b", None, (Some(2025), kind, Some(&limit.to_string())));
            let out = assess(&i, &values("b", &[(2022, &a.to_string())]), fy(2022));
            let Evaluation::Bound { met, margin, .. } = out.evaluation else {
                return Err(TestCaseError::fail("not a bound"));
            };
            prop_assert_eq!(met, if at_most { a <= limit } else { a >= limit });
            prop_assert_eq!(met, !margin.is_negative());
        }

        /// Exact comparison agrees with cross-multiplication on small
        /// fractions.
        #[test]
        fn ratio_order_is_exact(a in -1000i128..1000, b in 1i128..1000, c in -1000i128..1000, e in 1i128..1000) {
            prop_assert_eq!(r(a, b).cmp(&r(c, e)), (a * e).cmp(&(c * b)));
        }

        /// The summary counts every assessment once.
        #[test]
        fn summary_adds_up(classes in proptest::collection::vec(0usize..8, 0..40)) {
            let i = ishioka_staff_proposals();
            let base = assess(&i, &[], fy(2022));
            let all: Vec<Assessment> = classes.iter().map(|k| Assessment { trajectory: Trajectory::ALL[*k], ..base.clone() }).collect();
            let s = summarise(&all);
            prop_assert_eq!(s.total as usize, all.len());
            prop_assert_eq!(Trajectory::ALL.iter().map(|t| s.count(*t)).sum::<u32>(), s.total);
            prop_assert_eq!(s.assessed, s.achieved + s.on_track + s.moderate + s.off_track + s.deteriorating);
        }
    }
}
