//! 財政健全化判断比率 and related fiscal indices.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::numbers::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FiscalRatio {
    /// 実質赤字比率
    RealDeficitRatio,
    /// 連結実質赤字比率
    ConsolidatedRealDeficitRatio,
    /// 実質公債費比率
    RealDebtServiceRatio,
    /// 将来負担比率
    FutureBurdenRatio,
    /// 財政力指数
    FiscalCapabilityIndex,
    /// 経常収支比率
    CurrentBalanceRatio,
}

impl FiscalRatio {
    pub const ALL: [FiscalRatio; 6] = [
        FiscalRatio::RealDeficitRatio,
        FiscalRatio::ConsolidatedRealDeficitRatio,
        FiscalRatio::RealDebtServiceRatio,
        FiscalRatio::FutureBurdenRatio,
        FiscalRatio::FiscalCapabilityIndex,
        FiscalRatio::CurrentBalanceRatio,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FiscalRatio::RealDeficitRatio => "real_deficit_ratio",
            FiscalRatio::ConsolidatedRealDeficitRatio => "consolidated_real_deficit_ratio",
            FiscalRatio::RealDebtServiceRatio => "real_debt_service_ratio",
            FiscalRatio::FutureBurdenRatio => "future_burden_ratio",
            FiscalRatio::FiscalCapabilityIndex => "fiscal_capability_index",
            FiscalRatio::CurrentBalanceRatio => "current_balance_ratio",
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            FiscalRatio::RealDeficitRatio => "実質赤字比率",
            FiscalRatio::ConsolidatedRealDeficitRatio => "連結実質赤字比率",
            FiscalRatio::RealDebtServiceRatio => "実質公債費比率",
            FiscalRatio::FutureBurdenRatio => "将来負担比率",
            FiscalRatio::FiscalCapabilityIndex => "財政力指数",
            FiscalRatio::CurrentBalanceRatio => "経常収支比率",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            FiscalRatio::RealDeficitRatio => "real deficit ratio",
            FiscalRatio::ConsolidatedRealDeficitRatio => "consolidated real deficit ratio",
            FiscalRatio::RealDebtServiceRatio => "real debt service ratio",
            FiscalRatio::FutureBurdenRatio => "future burden ratio",
            FiscalRatio::FiscalCapabilityIndex => "fiscal capability index",
            FiscalRatio::CurrentBalanceRatio => "current balance ratio",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s)
    }

    /// One of the four 健全化判断比率 of the 財政健全化法, which have
    /// statutory thresholds and print "—" when there is no deficit or burden.
    pub fn is_soundness_ratio(self) -> bool {
        !matches!(
            self,
            FiscalRatio::FiscalCapabilityIndex | FiscalRatio::CurrentBalanceRatio
        )
    }

    /// Which way is better: lower for the four soundness ratios and
    /// 経常収支比率 (less rigid), higher for 財政力指数.
    pub fn better(self) -> Better {
        match self {
            FiscalRatio::FiscalCapabilityIndex => Better::Higher,
            _ => Better::Lower,
        }
    }
}

/// Which way a ratio is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

/// A ratio's value: a number, or "—" where the ratio is not produced
/// because there is no deficit or burden. "—" is a value, not a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioValue {
    Number(Decimal),
    NotApplicable,
}

impl RatioValue {
    pub const DASH: &'static str = "—";

    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if matches!(t, "—" | "-" | "－" | "―" | "ー" | "_" | "ı") {
            return Some(RatioValue::NotApplicable);
        }
        Decimal::parse(t).ok().map(RatioValue::Number)
    }
}

/// Written as the plans print it: `"8.2"`, `"—"`.
impl Serialize for RatioValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RatioValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RatioValue::parse(&s)
            .ok_or_else(|| de::Error::custom(format!("'{s}' is neither a number nor —")))
    }
}

impl std::fmt::Display for RatioValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RatioValue::Number(d) => write!(f, "{d}"),
            RatioValue::NotApplicable => f.write_str(Self::DASH),
        }
    }
}
