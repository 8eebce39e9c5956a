//! gyokaku's domain: the types and rules of an administrative-reform plan
//! (行政改革大綱 / 実施計画). No I/O, no async.
#![forbid(unsafe_code)]

pub mod fiscal;
pub mod indicator;
pub mod lgcode;
pub mod numbers;
pub mod plan;
pub mod progress;
pub mod status;
pub mod text;
pub mod wareki;

pub use fiscal::{FiscalRatio, RatioValue};
pub use indicator::{Baseline, IndicatorKind, Target, TargetKind};
pub use lgcode::LocalGovCode;
pub use numbers::{Decimal, Numbering, Yen};
pub use plan::*;
pub use progress::{Direction, IndicatorValue, Progress};
pub use status::{StatusRow, StatusSummary};
pub use text::Bilingual;
pub use wareki::{Era, FiscalYear, PlanDate};
