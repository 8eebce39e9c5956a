//! The plan as data: city, plan, levels, status scale, axes, departments,
//! nodes, indicators, glossary, bodies and meetings. These types are the
//! shape of the plan files (docs/plan-format.md) and of what the store keeps.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::indicator::{Baseline, IndicatorKind, Target};
use crate::lgcode::LocalGovCode;
use crate::numbers::{Decimal, Numbering};
use crate::wareki::{FiscalYear, PlanDate};

fn is_false(b: &bool) -> bool {
    !*b
}

/// 地方公共団体
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub code: LocalGovCode,
    pub name: String,
    pub prefecture: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: FiscalYear,
    pub to: FiscalYear,
}

impl Period {
    pub fn years(self) -> impl Iterator<Item = FiscalYear> {
        (self.from.year()..=self.to.year()).filter_map(|y| FiscalYear::new(y).ok())
    }
}

/// A period another plan states, perhaps open at one end: 平成29年度～
/// (no end given), 令和3年度まで (no start given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<FiscalYear>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<FiscalYear>,
}

/// 大綱 / プラン / 実施計画: the descriptive part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInfo {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub draft: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid_term_review_fy: Option<FiscalYear>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managing_office: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub philosophy: Option<String>,
    /// The titled parts a plan is printed as (a 大綱 part and an 実施計画
    /// part, each with its own title and generation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PlanPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PlanInfo {
    /// The plan's name as its cover prints it: the generation, when the
    /// title does not already carry it, before the title with a space
    /// (第4次 安中市行政改革大綱). A plan printed as titled parts is named
    /// by its own title alone; each part carries its own generation.
    pub fn full_title(&self) -> String {
        match &self.generation {
            Some(g) if self.parts.is_empty() && !self.title.contains(g.as_str()) => {
                format!("{g} {}", self.title)
            }
            _ => self.title.clone(),
        }
    }
}

/// One titled part of a plan (第4次行政改革大綱 / 第4次行政改革実施計画).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPart {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<PlanDate>,
    /// The level keys this part lists (an 実施計画 part holds the items),
    /// top first; empty when the part is text only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A front chapter or section of the plan (はじめに, 第1章 策定の趣旨,
/// 推進方法 …), in the plan's order, with its sub-sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub id: String,
    /// The number as printed: 第1章, 1, (2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The heading as printed; absent for a section the plan prints without
    /// one (a numbered paragraph, the text after a chapter's sections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The chapter prints the plan's outline (its policies and items,
    /// held as nodes): outputs point to them here.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outline: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Chapter>,
}

impl Chapter {
    /// 第1章 策定の趣旨 / 策定の趣旨 / (2); empty for an untitled,
    /// unnumbered section.
    pub fn heading(&self) -> String {
        [self.number.as_deref(), self.title.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Every chapter of a list and below, depth first, with depth (0 = top).
pub fn walk_chapters(chapters: &[Chapter]) -> Vec<(&Chapter, usize)> {
    fn walk<'a>(cs: &'a [Chapter], depth: usize, out: &mut Vec<(&'a Chapter, usize)>) {
        for c in cs {
            out.push((c, depth));
            walk(&c.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(chapters, 0, &mut out);
    out
}

/// Another plan this one names (上位計画 総合計画, 関連計画 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedPlan {
    pub title: String,
    /// How the plan relates to it, as written: 上位計画, 関連計画, 個別計画.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// As the plan states it; either end may be missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Span>,
    /// 策定日 (第3次安中市総合計画, 令和6年3月)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A second way the plan numbers its nodes (実施番号 1-① beside the table
/// label (1)①): declared once, each node carries its printed number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedNumbering {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

/// Two single-valued axes the plan prints as a matrix: items in cells of
/// rows × columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    pub rows: String,
    pub columns: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
}

/// A kind of text section nodes carry (あるべき将来の姿, 課題 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionKind {
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
}

/// A level of the plan's hierarchy (方針, 推進項目, 実践項目 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub key: String,
    /// The level's name; absent where the plan does not name the level
    /// (安中's (1)–(n) under each 方針).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub numbering: Numbering,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Departments report at this level (取組): its nodes are the plan's
    /// items. Unmarked, the deepest level any node is at.
    #[serde(default, skip_serializing_if = "is_false")]
    pub items: bool,
}

impl Level {
    /// The label a node of this level shows: 方針1, (2), ①, No.12.
    pub fn label(&self, number: Option<u32>, parent_number: Option<u32>) -> String {
        let n = number
            .map(|n| self.numbering.format(n, parent_number))
            .unwrap_or_default();
        match &self.prefix {
            Some(p) => format!("{p}{n}"),
            None => n,
        }
    }
}

/// One step of the plan's status scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusLevel {
    pub code: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Counts as achieved (at least in part) in summaries.
    pub achieved: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AxisKind {
    /// several values per node (苫小牧's 7 themes)
    Multi,
    /// one value per node
    Single,
    /// a yes/no mark (重点, チャレンジ)
    Flag,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisValue {
    pub code: String,
    /// The number the plan prints before the label: (1), ①, A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// What the plan says the value means (苫小牧's text for each theme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A plan-defined classification axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub kind: AxisKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<AxisValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    Council,
    Internal,
    Office,
    Other,
}

impl Member {
    /// (role, affiliation, name) as a members' table prints them; empty
    /// where the plan gives none.
    pub fn cells(&self) -> (String, String, String) {
        (
            self.role.clone().unwrap_or_default(),
            self.affiliation.clone().unwrap_or_default(),
            self.name.clone(),
        )
    }
}

/// 推進体制 — a promotion body (審議会, 推進本部 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub name: String,
    pub kind: BodyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
}

/// 策定 / 改訂 / 見直し / 期間延長: one step of a plan's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub kind: String,
    /// As printed, where the plan names the step (第2次改訂).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PlanDate>,
    /// The first fiscal year the revision applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<FiscalYear>,
    /// The plan's period after this step (an extension, a new period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The body or meeting that decided it (行政改革推進本部).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A meeting of a body (第41回 審議会: 諮問, 答申 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub body: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
}

/// An earlier plan known by its name and a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predecessor {
    pub title: String,
    /// As the plan states it; either end may be missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Span>,
    /// 策定日
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Its own history after adoption (改訂, 期間延長 with the new period).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusCount {
    pub status: String,
    pub count: u32,
}

/// Summary figures as a plan published them (安中's 図表-2), kept apart from
/// summaries computed from items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedSummary {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub fy: FiscalYear,
    pub counts: Vec<StatusCount>,
    pub total: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The city's own early-warning / reconstruction thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalThreshold {
    pub ratio: crate::fiscal::FiscalRatio,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_warning: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconstruction: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `plan.yaml`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanHeader {
    pub format: String,
    pub city: City,
    pub plan: PlanInfo,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chapters: Vec<Chapter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<SectionKind>,
    pub levels: Vec<Level>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numberings: Vec<NamedNumbering>,
    #[serde(default)]
    pub status_scale: Vec<StatusLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<Axis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matrices: Vec<Matrix>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bodies: Vec<Body>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<Meeting>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub predecessors: Vec<Predecessor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_plans: Vec<RelatedPlan>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorded_summaries: Vec<RecordedSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fiscal_thresholds: Vec<FiscalThreshold>,
}

pub const FORMAT: &str = "gyokaku-plan/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// 部
    Department,
    /// 課 / 室 / 局
    Division,
    /// 全庁, 関係各課, 各担当部署
    Pseudo,
}

/// A unit of the city's organisation, with its sub-units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<String>,
    pub kind: DepartmentKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Department>,
}

/// `departments.yaml`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PlanDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub departments: Vec<Department>,
}

impl Department {
    /// A department with its id, name and kind, nothing else yet.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: DepartmentKind) -> Department {
        Department {
            id: id.into(),
            name: name.into(),
            abbreviation: None,
            kind,
            valid_from: None,
            valid_to: None,
            successor: None,
            note: None,
            children: Vec::new(),
        }
    }
}

impl Organisation {
    /// Every department, parents before children, with its parent's id.
    pub fn flatten(&self) -> Vec<(&Department, Option<&str>)> {
        fn walk<'a>(
            d: &'a Department,
            parent: Option<&'a str>,
            out: &mut Vec<(&'a Department, Option<&'a str>)>,
        ) {
            out.push((d, parent));
            for c in &d.children {
                walk(c, Some(&d.id), out);
            }
        }
        let mut out = Vec::new();
        for d in &self.departments {
            walk(d, None, &mut out);
        }
        out
    }
}

/// A node's mark on one axis: codes, or `true` for a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AxisMark {
    Flag(bool),
    Codes(Vec<String>),
}

/// A node of the plan's hierarchy: a policy, an item, a practice item …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// Numbers printed by the plan's other numberings, by numbering key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub numbers: BTreeMap<String, String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sections: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub axes: BTreeMap<String, AxisMark>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sdgs: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub schedule: BTreeMap<FiscalYear, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Set when a revision retired the node: it is kept (its reports and
    /// reviews stay), but no longer reported on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<Retirement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

/// Why a node or an indicator was retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetireReason {
    /// 完了: done.
    Completed,
    /// 統合: merged into another node (`into`).
    Merged,
    /// 廃止: abolished.
    Abolished,
}

impl RetireReason {
    pub fn ja(self) -> &'static str {
        match self {
            RetireReason::Completed => "完了",
            RetireReason::Merged => "統合",
            RetireReason::Abolished => "廃止",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            RetireReason::Completed => "completed",
            RetireReason::Merged => "merged",
            RetireReason::Abolished => "abolished",
        }
    }
}

/// A node or indicator a revision retired: the last fiscal year it was
/// reported on, why, and for a merger the node it went into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retirement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_year: Option<FiscalYear>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RetireReason>,
    /// The node it was merged into (統合先).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Node {
    /// A node of `level` with nothing written yet.
    pub fn new(id: impl Into<String>, level: impl Into<String>) -> Node {
        Node {
            id: id.into(),
            level: level.into(),
            number: None,
            numbers: BTreeMap::new(),
            title: String::new(),
            title_en: None,
            body: None,
            sections: BTreeMap::new(),
            departments: Vec::new(),
            axes: BTreeMap::new(),
            sdgs: Vec::new(),
            period: None,
            schedule: BTreeMap::new(),
            note: None,
            retired: None,
            children: Vec::new(),
        }
    }

    /// This node and all below it, depth first, with depth (0 = top).
    pub fn walk<'a>(
        &'a self,
        depth: usize,
        out: &mut Vec<(&'a Node, usize, Option<&'a Node>)>,
        parent: Option<&'a Node>,
    ) {
        out.push((self, depth, parent));
        for c in &self.children {
            c.walk(depth + 1, out, Some(self));
        }
    }
}

/// All nodes of a forest, depth first, with depth and parent.
pub fn walk_nodes(nodes: &[Node]) -> Vec<(&Node, usize, Option<&Node>)> {
    let mut out = Vec::new();
    for n in nodes {
        n.walk(0, &mut out, None);
    }
    out
}

/// A node anywhere in a forest, by id, to change it.
pub fn find_node_mut<'a>(nodes: &'a mut [Node], id: &str) -> Option<&'a mut Node> {
    for n in nodes {
        if n.id == id {
            return Some(n);
        }
        if let Some(found) = find_node_mut(&mut n.children, id) {
            return Some(found);
        }
    }
    None
}

/// Every node's position in the tree (child indices from the top), by id:
/// built once, it finds a node without walking the tree.
pub fn index_nodes(nodes: &[Node]) -> std::collections::HashMap<String, Vec<usize>> {
    fn walk(
        nodes: &[Node],
        prefix: &mut Vec<usize>,
        out: &mut std::collections::HashMap<String, Vec<usize>>,
    ) {
        for (i, n) in nodes.iter().enumerate() {
            prefix.push(i);
            out.insert(n.id.clone(), prefix.clone());
            walk(&n.children, prefix, out);
            prefix.pop();
        }
    }
    let mut out = std::collections::HashMap::new();
    walk(nodes, &mut Vec::new(), &mut out);
    out
}

/// The node at a position given by `index_nodes`.
pub fn node_at<'a>(nodes: &'a [Node], path: &[usize]) -> Option<&'a Node> {
    let (first, rest) = path.split_first()?;
    let mut node = nodes.get(*first)?;
    for i in rest {
        node = node.children.get(*i)?;
    }
    Some(node)
}

/// An indicator (指標).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub kind: IndicatorKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cumulative: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub challenge: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Set when a revision retired the indicator (its actuals stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<Retirement>,
}

/// 用語解説
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryTerm {
    pub term: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
    pub description: String,
    /// Where the plan's text marks the term (※, a footnote number).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<TermMark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A place the plan marks a glossary term: in a node or a chapter, with
/// the mark as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermMark {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// As printed: ※, ※3, 24 (a footnote number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
}

/// A fiscal ratio of some city in some year (the plan's own city or a peer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalObservation {
    pub lgcode: LocalGovCode,
    pub city: String,
    pub fy: FiscalYear,
    pub ratio: crate::fiscal::FiscalRatio,
    pub value: crate::fiscal::RatioValue,
    pub source: Option<String>,
}

/// A whole plan: everything one plan folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocument {
    pub header: PlanHeader,
    pub organisation: Organisation,
    pub nodes: Vec<Node>,
    pub indicators: Vec<Indicator>,
    pub glossary: Vec<GlossaryTerm>,
    pub fiscal: Vec<FiscalObservation>,
    pub progress: Vec<crate::progress::Progress>,
    pub indicator_values: Vec<crate::progress::IndicatorValue>,
}

/// Where a glossary term can be marked: a node's or a chapter's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkPlace<'a> {
    Node(&'a str),
    Chapter(&'a str),
}

impl PlanDocument {
    /// The glossary terms marked in a node's or a chapter's text, as
    /// (term's position in the glossary, term, mark), in glossary order.
    pub fn marks_at(&self, at: MarkPlace) -> Vec<(usize, &GlossaryTerm, &TermMark)> {
        let mut out = Vec::new();
        for (i, t) in self.glossary.iter().enumerate() {
            for m in &t.marks {
                let here = match at {
                    MarkPlace::Node(n) => m.node.as_deref() == Some(n),
                    MarkPlace::Chapter(c) => m.chapter.as_deref() == Some(c),
                };
                if here {
                    out.push((i, t, m));
                }
            }
        }
        out
    }

    pub fn status(&self, code: &str) -> Option<&StatusLevel> {
        self.header.status_scale.iter().find(|s| s.code == code)
    }

    pub fn count_rows(&self) -> usize {
        walk_nodes(&self.nodes).len()
            + self.indicators.len()
            + self.glossary.len()
            + self.fiscal.len()
            + self.progress.len()
            + self.indicator_values.len()
            + self.organisation.flatten().len()
    }
}
