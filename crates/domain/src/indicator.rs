//! 指標 — indicators: kind, baseline and target as the plans write them.

use serde::{Deserialize, Serialize};

use crate::numbers::Decimal;
use crate::wareki::FiscalYear;

/// 政策指標 / 成果指標 / 参考指標
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Policy,
    Outcome,
    Reference,
}

impl IndicatorKind {
    pub fn ja(self) -> &'static str {
        match self {
            IndicatorKind::Policy => "政策指標",
            IndicatorKind::Outcome => "成果指標",
            IndicatorKind::Reference => "参考指標",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            IndicatorKind::Policy => "policy",
            IndicatorKind::Outcome => "outcome",
            IndicatorKind::Reference => "reference",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        [Self::Policy, Self::Outcome, Self::Reference]
            .into_iter()
            .find(|k| k.key() == s)
    }
}

/// 基準値: a value in a year, or pending (●●%, R3 調査実施予定).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fy: Option<FiscalYear>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// What the plan wrote where no value is known yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
}

/// How a target is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// reach a value (30件)
    Value,
    /// stay at or under a bound (12.59%以下)
    AtMost,
    /// stay at or over a bound (100%以上)
    AtLeast,
    /// 基準値より増
    Increase,
    /// 基準値より減
    Decrease,
    /// 維持 / 継続
    Keep,
    /// not fixed yet
    Pending,
}

impl TargetKind {
    pub fn needs_value(self) -> bool {
        matches!(
            self,
            TargetKind::Value | TargetKind::AtMost | TargetKind::AtLeast
        )
    }
}

/// 目標: kind, year and value where the kind needs one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fy: Option<FiscalYear>,
    pub kind: TargetKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// As written in the plan (基準値より増, 12.59%以下).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
