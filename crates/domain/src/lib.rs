//! gyokaku's domain: the types and rules of an administrative-reform plan
//! (行政改革大綱 / 実施計画). No I/O, no async.
#![forbid(unsafe_code)]

pub mod achievement;
pub mod classify;
pub mod diff;
pub mod edit;
pub mod fiscal;
pub mod fiscal_health;
pub mod indicator;
pub mod lgcode;
pub mod municipalities;
pub mod numbers;
pub mod plan;
pub mod present;
pub mod progress;
pub mod revision;
pub mod settings;
pub mod start;
pub mod state;
pub mod status;
pub mod text;
pub mod wareki;
pub mod workflow;

pub use achievement::{
    assess, assess_all, summarise, AchievementSummary, Actual, Assessment, BoundKind, Evaluation,
    EvaluationKind, ExpectedPath, Heading, KeepRule, Ratio, Sign, Trajectory, Unassessable,
};
pub use fiscal::{Better, FiscalRatio, RatioValue};
pub use fiscal_health::{
    applicable_thresholds, check_observation, flag_value, rank_peers, statutory_thresholds,
    FiscalFlag, PeerRanking, PeerRow, RatioCheck, RatioThresholds, Threshold,
};
pub use indicator::{Baseline, IndicatorKind, Target, TargetKind};
pub use lgcode::LocalGovCode;
pub use numbers::{Decimal, Numbering, Yen};
pub use plan::*;
pub use progress::{Direction, IndicatorValue, Progress};
pub use state::{DataError, Effect, Entry, Group, Item, PlanModel, PlanState, Report};
pub use status::{StatusRow, StatusSummary};
pub use text::{Bilingual, Message};
pub use wareki::{Era, FiscalYear, PlanDate};
pub use workflow::{
    Action, Actor, Coverage, DeptRef, Refusal, ReportState, Rights, Role, Situation,
};
