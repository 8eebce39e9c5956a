//! 財政健全化の判断 — fiscal-soundness ratios against their early-warning
//! (早期健全化基準) and reconstruction (財政再生基準) thresholds, and the
//! ranking of peer cities (安中's 図表-5). The thresholds and their sources
//! are tabled in `docs/achievement.md`.

use std::cmp::Ordering;

use serde::Serialize;

use crate::fiscal::{Better, FiscalRatio, RatioValue};
use crate::lgcode::LocalGovCode;
use crate::numbers::Decimal;
use crate::plan::{FiscalObservation, FiscalThreshold};
use crate::wareki::FiscalYear;

/// One threshold of a ratio and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Threshold {
    /// Stated in the city's own plan (石岡: 実質赤字比率 12.59%).
    Plan { value: Decimal },
    /// The statutory value, the same for every city (市町村) under the
    /// 地方公共団体の財政の健全化に関する法律 and its 施行令.
    Statutory { value: Decimal },
    /// Statutory, but set by the city's standard fiscal scale (標準財政規模)
    /// within this range; the plan has not stated the city's value.
    DependsOnScale { lowest: Decimal, highest: Decimal },
    /// No threshold (財政力指数, 経常収支比率; no reconstruction threshold
    /// for 将来負担比率).
    None,
}

impl Threshold {
    /// Whether `v` is at or past the threshold: `Some(true)` / `Some(false)`,
    /// `None` when it depends on the scale and `v` lies within the range.
    /// A threshold that does not exist is never reached.
    fn reached(self, v: Decimal) -> Option<bool> {
        match self {
            Threshold::Plan { value } | Threshold::Statutory { value } => Some(v >= value),
            Threshold::DependsOnScale { lowest, highest } => {
                if v >= highest {
                    Some(true)
                } else if v < lowest {
                    Some(false)
                } else {
                    None
                }
            }
            Threshold::None => Some(false),
        }
    }

    pub fn exists(self) -> bool {
        self != Threshold::None
    }
}

/// The thresholds that apply to one ratio of one city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RatioThresholds {
    pub ratio: FiscalRatio,
    /// 早期健全化基準
    pub early_warning: Threshold,
    /// 財政再生基準
    pub reconstruction: Threshold,
}

fn pct(mantissa: i128, scale: u8) -> Decimal {
    Decimal::from_parts(mantissa, scale).unwrap_or(Decimal::from_int(0))
}

/// The statutory thresholds for a city (市町村 other than 政令指定都市,
/// whose 将来負担比率 threshold is 400 %: state it in the plan).
pub fn statutory_thresholds(ratio: FiscalRatio) -> RatioThresholds {
    let statutory = |m, s| Threshold::Statutory { value: pct(m, s) };
    let (early_warning, reconstruction) = match ratio {
        FiscalRatio::RealDeficitRatio => (
            Threshold::DependsOnScale {
                lowest: pct(1125, 2),
                highest: pct(15, 0),
            },
            statutory(20, 0),
        ),
        FiscalRatio::ConsolidatedRealDeficitRatio => (
            Threshold::DependsOnScale {
                lowest: pct(1625, 2),
                highest: pct(20, 0),
            },
            statutory(30, 0),
        ),
        FiscalRatio::RealDebtServiceRatio => (statutory(25, 0), statutory(35, 0)),
        FiscalRatio::FutureBurdenRatio => (statutory(350, 0), Threshold::None),
        FiscalRatio::FiscalCapabilityIndex | FiscalRatio::CurrentBalanceRatio => {
            (Threshold::None, Threshold::None)
        }
    };
    RatioThresholds {
        ratio,
        early_warning,
        reconstruction,
    }
}

/// The thresholds for `ratio`: each one the plan states (`stated`, the
/// plan's `fiscal_thresholds`) first, otherwise the statutory one.
pub fn applicable_thresholds(ratio: FiscalRatio, stated: &[FiscalThreshold]) -> RatioThresholds {
    let law = statutory_thresholds(ratio);
    let own = stated.iter().find(|t| t.ratio == ratio);
    let pick = |own: Option<Decimal>, law: Threshold| match own {
        Some(value) => Threshold::Plan { value },
        None => law,
    };
    RatioThresholds {
        ratio,
        early_warning: pick(own.and_then(|t| t.early_warning), law.early_warning),
        reconstruction: pick(own.and_then(|t| t.reconstruction), law.reconstruction),
    }
}

/// Where a ratio stands against its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FiscalFlag {
    /// Below every threshold that applies.
    Ok,
    /// At or past the early-warning threshold (早期健全化基準以上).
    PastEarlyWarning,
    /// At or past the reconstruction threshold (財政再生基準以上).
    PastReconstruction,
    /// "—": no deficit or no burden — a value, and a sound one.
    NotApplicable,
    /// The ratio has no threshold.
    NoThreshold,
    /// Between the lowest and highest statutory early-warning values, which
    /// depend on the city's standard fiscal scale the plan does not state.
    Indeterminate,
}

impl FiscalFlag {
    pub fn key(self) -> &'static str {
        match self {
            FiscalFlag::Ok => "ok",
            FiscalFlag::PastEarlyWarning => "past_early_warning",
            FiscalFlag::PastReconstruction => "past_reconstruction",
            FiscalFlag::NotApplicable => "not_applicable",
            FiscalFlag::NoThreshold => "no_threshold",
            FiscalFlag::Indeterminate => "indeterminate",
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            FiscalFlag::Ok => "基準未満",
            FiscalFlag::PastEarlyWarning => "早期健全化基準以上",
            FiscalFlag::PastReconstruction => "財政再生基準以上",
            FiscalFlag::NotApplicable => "該当なし（—）",
            FiscalFlag::NoThreshold => "基準なし",
            FiscalFlag::Indeterminate => "標準財政規模により判定",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            FiscalFlag::Ok => "below the thresholds",
            FiscalFlag::PastEarlyWarning => "at or past the early-warning threshold",
            FiscalFlag::PastReconstruction => "at or past the reconstruction threshold",
            FiscalFlag::NotApplicable => "none (—: no deficit or burden)",
            FiscalFlag::NoThreshold => "no threshold",
            FiscalFlag::Indeterminate => "depends on the city's standard fiscal scale",
        }
    }

    /// Past a threshold: what a report must point out.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            FiscalFlag::PastEarlyWarning | FiscalFlag::PastReconstruction
        )
    }
}

/// Flags a value. The law names a city whose ratio is at or above
/// (以上) a threshold, so reaching the threshold counts as past it.
pub fn flag_value(value: RatioValue, thresholds: &RatioThresholds) -> FiscalFlag {
    let v = match value {
        RatioValue::NotApplicable => return FiscalFlag::NotApplicable,
        RatioValue::Number(v) => v,
    };
    if !thresholds.early_warning.exists() && !thresholds.reconstruction.exists() {
        return FiscalFlag::NoThreshold;
    }
    match (
        thresholds.reconstruction.reached(v),
        thresholds.early_warning.reached(v),
    ) {
        (Some(true), _) => FiscalFlag::PastReconstruction,
        (None, _) | (Some(false), None) => FiscalFlag::Indeterminate,
        (Some(false), Some(true)) => FiscalFlag::PastEarlyWarning,
        (Some(false), Some(false)) => FiscalFlag::Ok,
    }
}

/// One observation with its thresholds and flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatioCheck {
    pub lgcode: LocalGovCode,
    pub city: String,
    pub fy: FiscalYear,
    pub ratio: FiscalRatio,
    pub value: RatioValue,
    pub thresholds: RatioThresholds,
    pub flag: FiscalFlag,
}

/// Checks an observation. The plan's stated thresholds (`stated`) are the
/// plan city's own and apply only when the observation is of `plan_city`;
/// a peer is checked against the statutory thresholds.
pub fn check_observation(
    obs: &FiscalObservation,
    plan_city: &LocalGovCode,
    stated: &[FiscalThreshold],
) -> RatioCheck {
    let own = if obs.lgcode == *plan_city {
        stated
    } else {
        &[]
    };
    let thresholds = applicable_thresholds(obs.ratio, own);
    RatioCheck {
        lgcode: obs.lgcode,
        city: obs.city.clone(),
        fy: obs.fy,
        ratio: obs.ratio,
        value: obs.value,
        thresholds,
        flag: flag_value(obs.value, &thresholds),
    }
}

/// One city's place among its peers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerRow {
    pub lgcode: LocalGovCode,
    pub city: String,
    pub value: RatioValue,
    /// 1 = best; ties share a rank and the next rank skips (1, 2, 2, 4).
    /// `None` for "—" where "—" is not a value of the ratio (財政力指数,
    /// 経常収支比率).
    pub rank: Option<u32>,
}

/// Peers ranked on one ratio in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerRanking {
    pub ratio: FiscalRatio,
    pub fy: FiscalYear,
    pub better: Better,
    /// How many rows have a rank.
    pub ranked: u32,
    /// By rank, ties by local government code; unranked rows last.
    pub rows: Vec<PeerRow>,
}

impl PeerRanking {
    pub fn row(&self, lgcode: &LocalGovCode) -> Option<&PeerRow> {
        self.rows.iter().find(|r| r.lgcode == *lgcode)
    }
}

/// Ranks the observations of `ratio` in `fy` (others in `observations` are
/// left out): lower is better except for 財政力指数; "—" (no deficit or
/// burden) is best of all.
pub fn rank_peers(
    ratio: FiscalRatio,
    fy: FiscalYear,
    observations: &[FiscalObservation],
) -> PeerRanking {
    let rankable = |v: RatioValue| match v {
        RatioValue::Number(_) => true,
        RatioValue::NotApplicable => ratio.is_soundness_ratio(),
    };
    // Ordering::Less when `a` is better than `b`.
    let better_first = |a: RatioValue, b: RatioValue| match (a, b) {
        (RatioValue::NotApplicable, RatioValue::NotApplicable) => Ordering::Equal,
        (RatioValue::NotApplicable, _) => Ordering::Less,
        (_, RatioValue::NotApplicable) => Ordering::Greater,
        (RatioValue::Number(x), RatioValue::Number(y)) => match ratio.better() {
            Better::Lower => x.cmp(&y),
            Better::Higher => y.cmp(&x),
        },
    };
    let chosen: Vec<&FiscalObservation> = observations
        .iter()
        .filter(|o| o.ratio == ratio && o.fy == fy)
        .collect();
    let mut rows: Vec<PeerRow> = chosen
        .iter()
        .map(|o| {
            let rank = rankable(o.value).then(|| {
                let ahead = chosen
                    .iter()
                    .filter(|p| rankable(p.value))
                    .filter(|p| better_first(p.value, o.value) == Ordering::Less)
                    .count();
                ahead as u32 + 1
            });
            PeerRow {
                lgcode: o.lgcode,
                city: o.city.clone(),
                value: o.value,
                rank,
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.rank.is_none(), r.rank, r.lgcode));
    PeerRanking {
        ratio,
        fy,
        better: ratio.better(),
        ranked: rows.iter().filter(|r| r.rank.is_some()).count() as u32,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn code(s: &str) -> LocalGovCode {
        LocalGovCode::parse(s).unwrap()
    }

    /// The example files, read the way `fiscal_ratios.csv` is defined
    /// (docs/plan-format.md): `lgcode,city,fy,ratio,value,source`.
    fn observations(csv: &str) -> Vec<FiscalObservation> {
        csv.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                FiscalObservation {
                    lgcode: code(f[0]),
                    city: f[1].to_string(),
                    fy: FiscalYear::parse(f[2]).unwrap(),
                    ratio: FiscalRatio::from_key(f[3]).unwrap(),
                    value: RatioValue::parse(f[4]).unwrap(),
                    source: Some(f[5].to_string()),
                }
            })
            .collect()
    }

    fn annaka() -> Vec<FiscalObservation> {
        observations(include_str!("../../../examples/annaka/fiscal_ratios.csv"))
    }

    fn ishioka() -> Vec<FiscalObservation> {
        observations(include_str!("../../../examples/ishioka/fiscal_ratios.csv"))
    }

    /// examples/ishioka/plan.yaml `fiscal_thresholds`: early-warning values
    /// only.
    fn ishioka_thresholds() -> Vec<FiscalThreshold> {
        [
            (FiscalRatio::ConsolidatedRealDeficitRatio, "17.59"),
            (FiscalRatio::FutureBurdenRatio, "350"),
            (FiscalRatio::RealDebtServiceRatio, "25.0"),
            (FiscalRatio::RealDeficitRatio, "12.59"),
        ]
        .into_iter()
        .map(|(ratio, v)| FiscalThreshold {
            ratio,
            early_warning: Some(d(v)),
            reconstruction: None,
            note: None,
        })
        .collect()
    }

    const ISHIOKA: &str = "082058";
    const ANNAKA: &str = "102113";
    const FY2023: i32 = 2023;

    fn rank_of(r: &PeerRanking, lg: &str) -> Option<u32> {
        r.row(&code(lg)).and_then(|row| row.rank)
    }

    /// docs/achievement.md, fiscal example 1: 石岡 FY2020, its own early-
    /// warning values first, the statutory reconstruction values after.
    #[test]
    fn ishioka_is_below_its_own_thresholds() {
        let stated = ishioka_thresholds();
        let checks: Vec<RatioCheck> = ishioka()
            .iter()
            .map(|o| check_observation(o, &code(ISHIOKA), &stated))
            .collect();
        assert_eq!(checks.len(), 4);
        assert!(checks.iter().all(|c| c.flag == FiscalFlag::Ok));
        let deficit = checks
            .iter()
            .find(|c| c.ratio == FiscalRatio::RealDeficitRatio)
            .unwrap();
        assert_eq!(deficit.value, RatioValue::Number(d("-5.76")));
        assert_eq!(
            deficit.thresholds.early_warning,
            Threshold::Plan { value: d("12.59") }
        );
        assert_eq!(
            deficit.thresholds.reconstruction,
            Threshold::Statutory { value: d("20") }
        );
        let burden = applicable_thresholds(FiscalRatio::FutureBurdenRatio, &stated);
        assert_eq!(burden.reconstruction, Threshold::None);
        let debt = applicable_thresholds(FiscalRatio::RealDebtServiceRatio, &stated);
        assert_eq!(debt.early_warning, Threshold::Plan { value: d("25.0") });
        assert_eq!(debt.reconstruction, Threshold::Statutory { value: d("35") });
    }

    /// docs/achievement.md, fiscal example 2: the same 13.00 % 実質赤字比率
    /// is past 石岡's own 12.59 %, but for a city whose plan states nothing
    /// it depends on its scale (11.25–15 %).
    #[test]
    fn own_threshold_decides_where_the_statute_depends_on_scale() {
        let stated = ishioka_thresholds();
        let obs = |lg: &str, v: &str| FiscalObservation {
            lgcode: code(lg),
            city: String::new(),
            fy: FiscalYear::new(FY2023).unwrap(),
            ratio: FiscalRatio::RealDeficitRatio,
            value: RatioValue::Number(d(v)),
            source: None,
        };
        let own = check_observation(&obs(ISHIOKA, "13.00"), &code(ISHIOKA), &stated);
        assert_eq!(own.flag, FiscalFlag::PastEarlyWarning);
        // A peer in an 石岡 plan is held to the statute, not to 石岡's values.
        let peer = check_observation(&obs(ANNAKA, "13.00"), &code(ISHIOKA), &stated);
        assert_eq!(peer.flag, FiscalFlag::Indeterminate);
        assert_eq!(
            peer.thresholds.early_warning,
            Threshold::DependsOnScale {
                lowest: d("11.25"),
                highest: d("15")
            }
        );
        let peer = check_observation(&obs(ANNAKA, "15.0"), &code(ISHIOKA), &stated);
        assert_eq!(peer.flag, FiscalFlag::PastEarlyWarning);
        let peer = check_observation(&obs(ANNAKA, "20.00"), &code(ISHIOKA), &stated);
        assert_eq!(peer.flag, FiscalFlag::PastReconstruction);
        let peer = check_observation(&obs(ANNAKA, "11.24"), &code(ISHIOKA), &stated);
        assert_eq!(peer.flag, FiscalFlag::Ok);
    }

    #[test]
    fn statutory_flags_and_dash() {
        let debt = statutory_thresholds(FiscalRatio::RealDebtServiceRatio);
        assert_eq!(
            flag_value(RatioValue::Number(d("24.9")), &debt),
            FiscalFlag::Ok
        );
        assert_eq!(
            flag_value(RatioValue::Number(d("25.0")), &debt),
            FiscalFlag::PastEarlyWarning
        );
        assert_eq!(
            flag_value(RatioValue::Number(d("35")), &debt),
            FiscalFlag::PastReconstruction
        );
        let burden = statutory_thresholds(FiscalRatio::FutureBurdenRatio);
        assert_eq!(
            flag_value(RatioValue::Number(d("400")), &burden),
            FiscalFlag::PastEarlyWarning
        );
        assert_eq!(
            flag_value(RatioValue::NotApplicable, &burden),
            FiscalFlag::NotApplicable
        );
        let index = statutory_thresholds(FiscalRatio::FiscalCapabilityIndex);
        assert_eq!(
            flag_value(RatioValue::Number(d("0.777")), &index),
            FiscalFlag::NoThreshold
        );
        let consolidated = statutory_thresholds(FiscalRatio::ConsolidatedRealDeficitRatio);
        assert_eq!(
            flag_value(RatioValue::Number(d("-10.95")), &consolidated),
            FiscalFlag::Ok
        );
        assert_eq!(
            flag_value(RatioValue::Number(d("18")), &consolidated),
            FiscalFlag::Indeterminate
        );
        assert_eq!(
            flag_value(RatioValue::Number(d("30")), &consolidated),
            FiscalFlag::PastReconstruction
        );
    }

    #[test]
    fn annaka_peers_are_all_below_the_statutory_thresholds() {
        let obs = annaka();
        assert_eq!(obs.len(), 48);
        for o in &obs {
            let c = check_observation(o, &code(ANNAKA), &[]);
            let want = match (o.ratio, o.value) {
                (_, RatioValue::NotApplicable) => FiscalFlag::NotApplicable,
                (r, _) if r.is_soundness_ratio() => FiscalFlag::Ok,
                _ => FiscalFlag::NoThreshold,
            };
            assert_eq!(c.flag, want, "{} {:?}", o.city, o.ratio);
        }
    }

    /// docs/achievement.md, fiscal example 3: 図表-5, 将来負担比率 FY2023.
    #[test]
    fn dash_ranks_best_and_ties_share_a_rank() {
        let fy = FiscalYear::new(FY2023).unwrap();
        let r = rank_peers(FiscalRatio::FutureBurdenRatio, fy, &annaka());
        assert_eq!(r.ranked, 12);
        assert_eq!(r.better, Better::Lower);
        let dashes: Vec<&str> = r
            .rows
            .iter()
            .filter(|row| row.rank == Some(1))
            .map(|row| row.city.as_str())
            .collect();
        assert_eq!(
            dashes,
            ["桐生市", "渋川市", "藤岡市", "富岡市", "安中市", "みどり市"]
        );
        assert_eq!(rank_of(&r, "102041"), Some(7)); // 伊勢崎市 1.3
        assert_eq!(rank_of(&r, "102059"), Some(8)); // 太田市 28.2
        assert_eq!(rank_of(&r, "102075"), Some(12)); // 館林市 81.3
        assert_eq!(r.rows[11].city, "館林市");
    }

    /// docs/achievement.md, fiscal example 4: 安中 in 図表-5.
    #[test]
    fn annaka_among_twelve_cities() {
        let fy = FiscalYear::new(FY2023).unwrap();
        let obs = annaka();
        let index = rank_peers(FiscalRatio::FiscalCapabilityIndex, fy, &obs);
        assert_eq!(index.better, Better::Higher);
        assert_eq!(index.rows[0].city, "太田市"); // 0.939
        assert_eq!(rank_of(&index, ANNAKA), Some(5)); // 0.777, tied
        assert_eq!(rank_of(&index, "102016"), Some(5)); // 前橋市 0.777
        assert_eq!(rank_of(&index, "102091"), Some(7)); // 藤岡市 0.643
        assert_eq!(rank_of(&index, "102067"), Some(12)); // 沼田市 0.496

        let balance = rank_peers(FiscalRatio::CurrentBalanceRatio, fy, &obs);
        assert_eq!(rank_of(&balance, ANNAKA), Some(11)); // 98.4
        assert_eq!(rank_of(&balance, "102059"), Some(1)); // 太田市 92.1
        assert_eq!(rank_of(&balance, "102121"), Some(12)); // みどり市 99.4
        assert_eq!(rank_of(&balance, "102075"), Some(7)); // 館林市 96.4
        assert_eq!(rank_of(&balance, "102105"), Some(7)); // 富岡市 96.4

        let debt = rank_peers(FiscalRatio::RealDebtServiceRatio, fy, &obs);
        assert_eq!(rank_of(&debt, ANNAKA), Some(10)); // 7.2
        assert_eq!(rank_of(&debt, "102024"), Some(1)); // 高崎市 4.2
        assert_eq!(rank_of(&debt, "102016"), Some(12)); // 前橋市 8.2

        // No 実質赤字比率 rows in 図表-5, and no FY2022 rows at all.
        assert!(rank_peers(FiscalRatio::RealDeficitRatio, fy, &obs)
            .rows
            .is_empty());
        let fy2022 = FiscalYear::new(2022).unwrap();
        assert_eq!(
            rank_peers(FiscalRatio::CurrentBalanceRatio, fy2022, &obs).ranked,
            0
        );
    }

    #[test]
    fn dash_is_unranked_where_it_is_not_a_value() {
        let fy = FiscalYear::new(FY2023).unwrap();
        let mut obs: Vec<FiscalObservation> = annaka()
            .into_iter()
            .filter(|o| o.ratio == FiscalRatio::FiscalCapabilityIndex)
            .collect();
        obs[0].value = RatioValue::NotApplicable; // 前橋市
        let r = rank_peers(FiscalRatio::FiscalCapabilityIndex, fy, &obs);
        assert_eq!(r.ranked, 11);
        assert_eq!(rank_of(&r, "102016"), None);
        assert_eq!(r.rows.last().unwrap().city, "前橋市");
        assert_eq!(rank_of(&r, ANNAKA), Some(5));
    }

    #[test]
    fn checks_serialise_for_the_web() {
        let stated = ishioka_thresholds();
        let c = check_observation(&ishioka()[3], &code(ISHIOKA), &stated);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["ratio"], "real_deficit_ratio");
        assert_eq!(json["value"], "-5.76");
        assert_eq!(json["flag"], "ok");
        assert_eq!(
            json["thresholds"]["early_warning"],
            serde_json::json!({"source": "plan", "value": "12.59"})
        );
        assert_eq!(
            json["thresholds"]["reconstruction"],
            serde_json::json!({"source": "statutory", "value": "20"})
        );
        let fy = FiscalYear::new(FY2023).unwrap();
        let r = rank_peers(FiscalRatio::FutureBurdenRatio, fy, &annaka());
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["better"], "lower");
        assert_eq!(json["rows"][0]["value"], "—");
        assert_eq!(json["rows"][0]["rank"], 1);
        let back: RatioValue = serde_json::from_value(json["rows"][0]["value"].clone()).unwrap();
        assert_eq!(back, RatioValue::NotApplicable);
    }

    #[test]
    fn flags_have_labels() {
        for f in [
            FiscalFlag::Ok,
            FiscalFlag::PastEarlyWarning,
            FiscalFlag::PastReconstruction,
            FiscalFlag::NotApplicable,
            FiscalFlag::NoThreshold,
            FiscalFlag::Indeterminate,
        ] {
            assert!(!f.ja().is_empty() && !f.en().is_empty());
            assert_eq!(serde_json::to_value(f).unwrap(), f.key());
        }
    }

    fn value() -> impl Strategy<Value = RatioValue> {
        prop_oneof![
            Just(RatioValue::NotApplicable),
            (-2000i64..50_000)
                .prop_map(|m| RatioValue::Number(Decimal::from_parts(m as i128, 2).unwrap())),
        ]
    }

    proptest! {
        /// Competition ranking: a rank is one more than the number of
        /// strictly better rows, ties share it, and "—" is best.
        #[test]
        fn ranks_count_the_better_rows(values in proptest::collection::vec(value(), 1..15), higher in any::<bool>()) {
            let ratio = if higher { FiscalRatio::FiscalCapabilityIndex } else { FiscalRatio::FutureBurdenRatio };
            let fy = FiscalYear::new(FY2023).unwrap();
            let codes: Vec<LocalGovCode> = annaka().iter().map(|o| o.lgcode).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let obs: Vec<FiscalObservation> = values.iter().zip(codes.iter().cycle()).map(|(v, c)| FiscalObservation {
                lgcode: *c, city: String::new(), fy, ratio, value: *v, source: None,
            }).collect();
            let r = rank_peers(ratio, fy, &obs);
            prop_assert_eq!(r.rows.len(), obs.len());
            let mut last = 0;
            for row in &r.rows {
                match (row.value, row.rank) {
                    (RatioValue::NotApplicable, rank) => prop_assert_eq!(rank, (!higher).then_some(1)),
                    (RatioValue::Number(x), Some(rank)) => {
                        let better = r.rows.iter().filter(|o| match o.value {
                            RatioValue::NotApplicable => !higher,
                            RatioValue::Number(y) => if higher { y > x } else { y < x },
                        }).count() as u32;
                        prop_assert_eq!(rank, better + 1);
                    }
                    (RatioValue::Number(_), None) => prop_assert!(false, "a number is always ranked"),
                }
                if let Some(rank) = row.rank {
                    prop_assert!(rank >= last);
                    last = rank;
                }
            }
        }

        /// Raising a value never lowers its flag on a lower-is-better ratio.
        #[test]
        fn flags_are_monotone(a in -2000i64..50_000, b in -2000i64..50_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            let severity = |f: FiscalFlag| match f {
                FiscalFlag::Ok => 0,
                FiscalFlag::Indeterminate => 1,
                FiscalFlag::PastEarlyWarning => 2,
                FiscalFlag::PastReconstruction => 3,
                _ => 99,
            };
            for ratio in [FiscalRatio::RealDeficitRatio, FiscalRatio::ConsolidatedRealDeficitRatio, FiscalRatio::RealDebtServiceRatio, FiscalRatio::FutureBurdenRatio] {
                let t = statutory_thresholds(ratio);
                let f = |m: i64| flag_value(RatioValue::Number(Decimal::from_parts(m as i128, 2).unwrap()), &t);
                prop_assert!(severity(f(lo)) <= severity(f(hi)));
            }
        }
    }
}
