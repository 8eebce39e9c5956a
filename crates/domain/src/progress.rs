//! 実施状況 — yearly progress of an item.

use serde::{Deserialize, Serialize};

use crate::numbers::Yen;
use crate::wareki::FiscalYear;

/// 次年度の方向性 — next-year direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    #[serde(rename = "継続")]
    Continue,
    #[serde(rename = "拡充")]
    Expand,
    #[serde(rename = "改善")]
    Improve,
    #[serde(rename = "縮小")]
    Reduce,
    #[serde(rename = "統合")]
    Merge,
    #[serde(rename = "廃止")]
    Abolish,
    #[serde(rename = "完了")]
    Complete,
}

impl Direction {
    pub const ALL: [Direction; 7] = [
        Direction::Continue,
        Direction::Expand,
        Direction::Improve,
        Direction::Reduce,
        Direction::Merge,
        Direction::Abolish,
        Direction::Complete,
    ];

    pub fn ja(self) -> &'static str {
        match self {
            Direction::Continue => "継続",
            Direction::Expand => "拡充",
            Direction::Improve => "改善",
            Direction::Reduce => "縮小",
            Direction::Merge => "統合",
            Direction::Abolish => "廃止",
            Direction::Complete => "完了",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Direction::Continue => "continue",
            Direction::Expand => "expand",
            Direction::Improve => "improve",
            Direction::Reduce => "reduce",
            Direction::Merge => "merge",
            Direction::Abolish => "abolish",
            Direction::Complete => "complete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|d| d.ja() == t || d.en().eq_ignore_ascii_case(t))
    }
}

/// One item's report for one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub node: String,
    pub fy: FiscalYear,
    /// A code of the plan's status scale.
    pub status: Option<String>,
    pub result: Option<String>,
    pub self_evaluation: Option<String>,
    pub direction: Option<Direction>,
    /// 歳出削減
    pub spending_cut: Option<Yen>,
    /// 歳入確保
    pub revenue: Option<Yen>,
    /// Marked as fictional demo data (デモ用の架空データ).
    pub demo: bool,
}

/// One indicator's actual value for one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorValue {
    pub indicator: String,
    pub fy: FiscalYear,
    pub value: crate::numbers::Decimal,
    pub note: Option<String>,
    pub demo: bool,
}
